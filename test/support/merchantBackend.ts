/**
 * A real local merchant backend for tests and e2e: a node:http server that speaks the `http`
 * provisioner contract (docs/provisioner-http.md), checks every request with
 * `verifyProvisionerRequest`, and can be told per step to be slow, refuse, fail, answer garbage or hang.
 * It records what it received so tests can assert on it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeldTimers } from '../../infra/emulator/fakeHttp';
import type { ProvisionedApp } from '../../shared/provisioning/Provisioner';
import { isProvisionerStep, verifyProvisionerRequest, type ProvisionerRequestProblem, type ProvisionerStep } from '../../shared/provisioning/provisionerSignature';

/** How the backend answers one step. Without any field it succeeds. */
export interface StepBehaviour {
  /** Wait this long before answering (ms). */
  delayMs?: number;
  /** Answer `{ ok: false, resultCode, resultMsg }`. */
  refuse?: { resultCode: string; resultMsg?: string };
  /** Answer with this HTTP status and a small text body. */
  httpStatus?: number;
  /** Answer 200 with a body that is not JSON. */
  brokenJson?: boolean;
  /** Never answer (until the server closes). */
  hang?: boolean;
  /** Answer 200 with exactly this JSON value (for contract violations). */
  answer?: unknown;
  /** checkChange: the `allowed` flag (default true) and optional message. */
  allowed?: boolean;
  message?: string;
  /** provision: fields that replace the generated app's. */
  app?: Partial<ProvisionedApp>;
}

/** A request that passed verification. */
export interface ReceivedCall {
  step: ProvisionerStep;
  instanceId: string;
  idempotencyKey: string;
  /** Epoch ms from `x-kg-timestamp`. */
  timestampMs: number;
  payload: Record<string, unknown>;
}

/** A request the backend refused (401), with the reason. */
export interface RejectedCall {
  path: string;
  problem: ProvisionerRequestProblem | 'unknown-path' | 'method';
}

/** A running fake backend. */
export interface MerchantBackend {
  /** Base URL to use as KG_PROVISIONER_URL. */
  readonly url: string;
  readonly calls: ReceivedCall[];
  readonly rejected: RejectedCall[];
  /** Replaces the behaviour of `step`. */
  configure(step: ProvisionerStep, behaviour: StepBehaviour): void;
  /** Clears the recorded calls and every behaviour (remembered apps stay, like a real backend's data). */
  reset(): void;
  /** Stops the server, dropping hanging requests. */
  close(): Promise<void>;
}

/** Options of {@link startMerchantBackend}. */
export interface MerchantBackendOptions {
  /** Secret(s) accepted, newest first. */
  secret: string | string[];
  behaviours?: Partial<Record<ProvisionerStep, StepBehaviour>>;
  /** Accepted clock difference (ms). */
  toleranceMs?: number;
  /** Clock used to check timestamps, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Path prefix of the steps. Default `/kg`. */
  basePath?: string;
}

const MAX_BODY_BYTES = 256 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Starts the backend on a free loopback port. */
export async function startMerchantBackend(options: MerchantBackendOptions): Promise<MerchantBackend> {
  const basePath = (options.basePath ?? '/kg').replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const behaviours = new Map<ProvisionerStep, StepBehaviour>(Object.entries(options.behaviours ?? {}) as Array<[ProvisionerStep, StepBehaviour]>);
  const calls: ReceivedCall[] = [];
  const rejected: RejectedCall[] = [];
  // Idempotency as the contract demands: the same provision key always gets the same app.
  const apps = new Map<string, ProvisionedApp>();
  const timers = new HeldTimers();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const body = await readBody(req);
    if (req.method !== 'POST') {
      rejected.push({ path, problem: 'method' });
      return sendJson(res, 405, { error: 'method' });
    }
    const step = path.startsWith(`${basePath}/`) ? path.slice(basePath.length + 1) : '';
    if (!isProvisionerStep(step)) {
      rejected.push({ path, problem: 'unknown-path' });
      return sendJson(res, 404, { error: 'unknown step' });
    }
    const check = verifyProvisionerRequest(options.secret, req.headers, body, now(), {
      step,
      ...(options.toleranceMs !== undefined ? { toleranceMs: options.toleranceMs } : {}),
    });
    if (!check.ok) {
      rejected.push({ path, problem: check.problem });
      return sendJson(res, 401, { error: check.problem });
    }
    calls.push({ step, instanceId: check.payload.instanceId, idempotencyKey: check.idempotencyKey, timestampMs: check.timestampMs, payload: check.payload });

    const b = behaviours.get(step) ?? {};
    if (b.hang) return; // the socket stays open until close()
    if (b.delayMs) await timers.sleep(b.delayMs);
    if (res.destroyed) return;
    if (b.httpStatus !== undefined) {
      res.writeHead(b.httpStatus, { 'content-type': 'text/plain' });
      return void res.end('backend trouble: stack trace with internal details');
    }
    if (b.brokenJson) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ok": tru');
    }
    if (b.answer !== undefined) return sendJson(res, 200, b.answer);
    if (b.refuse) return sendJson(res, 200, { ok: false, resultCode: b.refuse.resultCode, ...(b.refuse.resultMsg !== undefined ? { resultMsg: b.refuse.resultMsg } : {}) });
    if (step === 'checkChange') {
      return sendJson(res, 200, { ok: true, allowed: b.allowed ?? true, ...(b.message !== undefined ? { message: b.message } : {}) });
    }
    if (step === 'provision') {
      let app = apps.get(check.idempotencyKey);
      if (!app) {
        const id = encodeURIComponent(check.payload.instanceId);
        app = {
          frontEndUrl: `https://app.merchant.example/t/${id}`,
          adminUrl: `https://admin.merchant.example/t/${id}`,
          userName: 'owner',
          password: `Pw-${randomBytes(9).toString('base64url')}`,
          ...b.app,
        };
        apps.set(check.idempotencyKey, app);
      }
      return sendJson(res, 200, { ok: true, app });
    }
    return sendJson(res, 200, { ok: true });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    calls,
    rejected,
    configure(step, behaviour) {
      behaviours.set(step, behaviour);
    },
    reset() {
      calls.length = 0;
      rejected.length = 0;
      behaviours.clear();
    },
    close() {
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
