/**
 * The local production interface: a node:http server that turns each request into an APIG event and
 * calls the same handlers FunctionGraph runs, on the embedded MemoryStore unless a Redis setting is
 * given. It also runs provision-worker every second, as the timer trigger does in the cloud, usage-push
 * every second when KG_OPENAPI_ENDPOINT names an open API (`kg openapi` for a local rehearsal), and ops-watch
 * every minute when an alert sink is configured (KG_ALERT_WEBHOOK or KG_ALERT_SMN_TOPIC).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRsaKeyPair } from '../../shared/security/rsaOaep';
import { isUtf8 } from 'node:buffer';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApigEvent } from '../../shared/platform/apig';
import { MAX_BODY_BYTES } from '../../shared/platform/apig';
import { localContext } from '../../shared/platform/context';
import { buildProduceDeps } from '../../shared/basic/deps';
import { runProvisionWorker } from '../../shared/basic/worker';
import { createLogger } from '../../shared/platform/logger';
import { runUsagePush, type UsagePushDeps } from '../../shared/usage/push';
import { buildUsagePushDeps } from '../../shared/usage/pushHandler';
import { runWatch } from '../../shared/ops/watch';
import { buildWatchDeps } from '../../shared/ops/watchDeps';
import { loadConfig } from '../../shared/platform/config';
import { internalErrorResponse, type Handler } from '../../shared/callback/handler';
import { endpointHandlers } from '../../shared/functionTable';
import { functionFor } from '../../shared/routeTable';
import { DEMO_PATH, demoPage } from './demoPage';
import { SSO_PATHS } from '../../shared/sso/routes';
import { defineMerchant, type MerchantOptions } from '../../shared/merchant';
import type { Store } from '../../shared/store/Store';
import type { Provisioner } from '../../shared/provisioning/Provisioner';

/** The 应用凭证 appId the local server's SSO uses when KG_SSO_APP_ID is not set. */
export const DEV_SSO_APP_ID = 'dev-sso-app';

export interface LocalServerOptions {
  port?: number;
  host?: string;
  /** Settings (KG_ACCESS_KEY, KG_REDIS_URL, ...) over the process environment. */
  env?: Record<string, string | undefined>;
  store?: Store;
  provisioner?: Provisioner;
  /** The merchant's plug-ins (functions/merchant.ts): provisioner, instance-id deriver, kit forwarder. */
  merchant?: Pick<MerchantOptions, 'provisioner' | 'deriveInstanceId' | 'kitForwarder'>;
  /** Where log lines go (default: nowhere). */
  log?: (line: string) => void;
  /** Run provision-worker every this many ms (default 1000; 0 disables). */
  workerIntervalMs?: number;
  /**
   * Run usage-push every this many ms when KG_OPENAPI_ENDPOINT is set (default 1000; 0 disables), as the
   * deployed timer does every 10 minutes. A run the open API stopped is followed by a 10 s pause.
   */
  usagePushIntervalMs?: number;
  /**
   * Run ops-watch every this many ms when KG_ALERT_WEBHOOK or KG_ALERT_SMN_TOPIC is set (default 60000; 0
   * disables), as the deployed timer does every 5 minutes.
   */
  opsWatchIntervalMs?: number;
}

export interface LocalServer {
  url: string;
  port: number;
  /** The settings in effect, including generated dev keys. */
  settings: Record<string, string | undefined>;
  /** Names of settings this server generated because they were missing. */
  generated: string[];
  /** The public key file of a generated KG_RSA_PRIVATE_KEY (for `kg simulate --rsa-public-key`). */
  rsaPublicKeyFile?: string;
  store: Store;
  close(): Promise<void>;
}

/** Starts the local production interface. */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const settings: Record<string, string | undefined> = { ...pickKg(process.env), ...options.env };
  const generated: string[] = [];
  let rsaPublicKeyFile: string | undefined;
  if (!settings.KG_ACCESS_KEY) {
    settings.KG_ACCESS_KEY = `dev-${randomBytes(12).toString('hex')}`;
    generated.push('KG_ACCESS_KEY');
  }
  if (!settings.KG_KIT_ACCESS_KEY) {
    settings.KG_KIT_ACCESS_KEY = `devkit-${randomBytes(12).toString('hex')}`;
    generated.push('KG_KIT_ACCESS_KEY');
  }
  if (!settings.KG_RSA_PRIVATE_KEY && !settings.KG_RSA_PRIVATE_KEYS) {
    // A pair for this run, so applicationSync can be rehearsed: the public half is written to a file.
    const pair = generateRsaKeyPair(2048);
    settings.KG_RSA_PRIVATE_KEY = pair.privateKeyPem;
    rsaPublicKeyFile = join(mkdtempSync(join(tmpdir(), 'kg-serve-')), 'kg-rsa-public.pem');
    writeFileSync(rsaPublicKeyFile, pair.publicKeyPem, { mode: 0o600 });
    generated.push('KG_RSA_PRIVATE_KEY');
  }
  if (!settings.KG_DATA_KEY) {
    settings.KG_DATA_KEY = randomBytes(32).toString('base64');
    generated.push('KG_DATA_KEY');
  }
  if (!settings.KG_USAGE_INGEST_KEY) {
    settings.KG_USAGE_INGEST_KEY = `devusage-${randomBytes(12).toString('hex')}`;
    generated.push('KG_USAGE_INGEST_KEY');
  }
  if (!settings.KG_GATEWAY_KEYS && settings.KG_GATEWAY_AUTH_MODE !== 'constant') {
    // The Agents gateway's key pair for the API product template (POST /v1/chat/completions).
    settings.KG_GATEWAY_KEYS = `devgw-${randomBytes(6).toString('hex')}:${randomBytes(16).toString('hex')}`;
    generated.push('KG_GATEWAY_KEYS');
  }
  const plugged = options.merchant ?? {};
  const chosen = options.provisioner ?? plugged.provisioner;
  const provisioner = chosen ? { provisioner: chosen } : {};
  const deriver = plugged.deriveInstanceId ? { deriveInstanceId: plugged.deriveInstanceId } : {};
  // Build once up front so configuration errors surface at start, and share the store with the worker.
  const deps = buildProduceDeps(undefined, { settings, allowMemoryStore: true, ...(options.store ? { store: options.store } : {}), ...provisioner, ...deriver });
  const merchant = defineMerchant(
    { provisioner: deps.provisioner, ...deriver, ...(plugged.kitForwarder ? { kitForwarder: plugged.kitForwarder } : {}) },
    { settings, allowMemoryStore: true, store: deps.store },
  );
  const handlers = new Map<string, Handler>(Object.entries(endpointHandlers(merchant)));
  const log = options.log ?? (() => {});
  let requestSeq = 0;

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const requestId = `local-${Date.now().toString(36)}-${(requestSeq++).toString(36)}`;
        const url = requestTarget(req.url);
        // The SSO demo app page (kg serve only, never deployed): infra/server/demoPage.ts.
        if (req.method === 'GET' && url.pathname === DEMO_PATH) {
          const page = demoPage();
          return send(res, page.statusCode, page.headers, page.body);
        }
        const event: ApigEvent = {
          httpMethod: req.method ?? 'GET',
          path: url.pathname,
          headers: headerValues(req.headers),
          queryStringParameters: firstValues(url.searchParams),
          // UTF-8 text goes as text (its bytes come back exactly); anything else as base64, as APIG sends binary.
          ...(isUtf8(body) ? { body: body.toString('utf8'), isBase64Encoded: false } : { body: body.toString('base64'), isBase64Encoded: true }),
          requestContext: { requestId, stage: 'LOCAL' },
        };
        // Paths no function claims go to `produce`, as a production address with a path prefix would. Every
        // method but GET is routed as POST: the marketplace sends only POST (V2) and GET (V1), and a signed body
        // under another method is read as the V2 POST it must be (or refused as one).
        const name = functionFor(req.method === 'GET' ? 'GET' : 'POST', url.pathname) ?? 'produce';
        const handler = handlers.get(name) as Handler;
        const ctx = localContext({ requestId, userData: {}, log, functionName: name });
        const out = await handler(event, ctx).catch(() => internalErrorResponse());
        send(res, out.statusCode, out.headers, out.body);
      })
      .catch(() => send(res, 200, { 'Content-Type': 'application/json;charset=UTF-8' }, internalErrorResponse().body));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  // SSO (/sso/*) reads its settings at its first request: default the callback and the app to this server
  // (http is accepted for loopback only, so a wildcard bind answers as 127.0.0.1) and make a dev appId.
  const ssoBase = host === '0.0.0.0' || host === '::' ? `http://127.0.0.1:${port}` : `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!settings.KG_SSO_APP_ID) {
    settings.KG_SSO_APP_ID = DEV_SSO_APP_ID;
    generated.push('KG_SSO_APP_ID');
  }
  if (!settings.KG_SSO_CALLBACK_URL) {
    settings.KG_SSO_CALLBACK_URL = `${ssoBase}${SSO_PATHS.callback}`;
    generated.push('KG_SSO_CALLBACK_URL');
  }
  if (!settings.KG_SSO_APP_URL) {
    settings.KG_SSO_APP_URL = `${ssoBase}/`;
    generated.push('KG_SSO_APP_URL');
  }

  const worker = everyInterval(options.workerIntervalMs ?? 1_000, () => runProvisionWorker(deps));
  const usagePush = startUsagePushLoop(settings, deps.store, options.usagePushIntervalMs ?? 1_000, log);
  const opsWatch = startOpsWatchLoop(settings, deps.store, options.opsWatchIntervalMs ?? 60_000, log);

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    settings,
    generated,
    ...(rsaPublicKeyFile ? { rsaPublicKeyFile } : {}),
    store: deps.store,
    close: async () => {
      worker.stop();
      usagePush.stop();
      opsWatch.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.store) await deps.store.close().catch(() => undefined);
    },
  };
}

/**
 * usage-push on an interval, as the timer runs it in the cloud, when KG_OPENAPI_ENDPOINT is set (a local
 * rehearsal against `kg openapi`). Missing AK/SK are logged once and the loop stays off.
 */
function startUsagePushLoop(settings: Record<string, string | undefined>, store: Store, intervalMs: number, log: (line: string) => void): { stop(): void } {
  if (intervalMs <= 0 || !settings.KG_OPENAPI_ENDPOINT) return { stop: () => undefined };
  const logger = createLogger({ info: log, warn: log, error: log, debug: log }, 'info', { fn: 'usage-push' });
  let deps: UsagePushDeps;
  try {
    deps = buildUsagePushDeps(undefined, { settings, store, allowMemoryStore: true }, logger);
  } catch (err) {
    logger.error('usage-push.unavailable', { error: (err as Error)?.name, message: (err as Error)?.message });
    return { stop: () => undefined };
  }
  let pauseUntil = 0;
  return everyInterval(intervalMs, async () => {
    if (Date.now() < pauseUntil) return;
    await runUsagePush(deps)
      .then((report) => {
        if (report.stopped && !['TIME', 'MAX_REQUESTS'].includes(report.stopped.code)) pauseUntil = Date.now() + 10_000;
      })
      .catch((err: unknown) => logger.warn('usage-push.failed', { error: (err as Error)?.name }));
  });
}

/** ops-watch on an interval when an alert sink is configured; one log line per run that raised or cleared something. */
function startOpsWatchLoop(settings: Record<string, string | undefined>, store: Store, intervalMs: number, log: (line: string) => void): { stop(): void } {
  if (intervalMs <= 0 || (!settings.KG_ALERT_WEBHOOK && !settings.KG_ALERT_SMN_TOPIC)) return { stop: () => undefined };
  const logger = createLogger({ info: log, warn: log, error: log, debug: log }, 'info', { fn: 'ops-watch' });
  return everyInterval(intervalMs, async () => {
    try {
      const { deps, sinkErrors } = buildWatchDeps(loadConfig((k) => settings[k]), store, logger);
      const report = await runWatch(deps, Date.now(), { reconcile: 'off' });
      if (report.alerts.length + report.failed.length + report.errors.length + sinkErrors.length > 0) {
        logger.warn('ops-watch.done', { raised: report.raised, cleared: report.cleared, sent: report.sent.length, failed: report.failed, errors: [...report.errors, ...sinkErrors] });
      }
    } catch (err) {
      logger.warn('ops-watch.failed', { error: (err as Error)?.name });
    }
  });
}

/**
 * Runs `run` every `intervalMs` (ms; 0 or less: never), as a timer trigger would, skipping a tick while the last
 * run is still going; a failure is left to `run` to report. The timer does not keep the process alive.
 */
function everyInterval(intervalMs: number, run: () => Promise<unknown>): { stop(): void } {
  if (intervalMs <= 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void Promise.resolve().then(run).catch(() => undefined).finally(() => { running = false; });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Reads the body, keeping at most MAX_BODY_BYTES + 1 bytes (enough to say "too large") and draining the rest. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => resolve(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1)));
    req.on('error', reject);
  });
}

/** Request headers as APIG gives them: one string per name, repeated values joined by commas. */
function headerValues(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  // Prototype-free, so a header named `__proto__` stays an ordinary entry.
  const out = Object.create(null) as Record<string, string | undefined>;
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    out[name] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

/**
 * Writes a handler's answer as it is: its status (302 included) and every header (`Location`, `Set-Cookie`)
 * unchanged, as APIG passes a function's `headers` map through.
 */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, Object.assign({}, headers, { 'Content-Length': Buffer.byteLength(body) }));
  res.end(body);
}

/**
 * The path and query of a request target, taken as they came: `//x` is the path `//x` (as APIG passes it), not
 * a protocol-relative URL naming host `x`, and a target no URL parser takes still reaches a function.
 */
export function requestTarget(raw: string | undefined): { pathname: string; searchParams: URLSearchParams } {
  const target = raw && raw.startsWith('/') ? raw : `/${raw ?? ''}`;
  try {
    const url = new URL(`http://local${target}`);
    return { pathname: url.pathname, searchParams: url.searchParams };
  } catch {
    const q = target.indexOf('?');
    return { pathname: q < 0 ? target : target.slice(0, q), searchParams: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
  }
}

/** Query parameters with the first value of a repeated name, as the official sample reads them. */
function firstValues(params: URLSearchParams): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of params) if (!(k in out)) out[k] = v;
  return out;
}

function pickKg(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('KG_') || k === 'PORT') out[k] = v;
  return out;
}
