/**
 * A real HTTP proxy in front of a production interface that injects one known fault, so the e2e
 * suite can prove the emulator notices it. Faults:
 * - `new-instance-id-on-retry`: a repeated newInstance for an order line answers a fresh random instanceId;
 * - `missing-frontend-url`: queryInstance answers lose `info[].appInfo.frontEndUrl`;
 * - `accepts-any-signature`: every request is re-signed with the right key before it is forwarded;
 * - `wrong-result-code`: the first upgradeInstance success becomes 000005, and every 000003 becomes 000000.
 * - `none`: forwards everything unchanged (proves the proxy alone breaks nothing).
 * Rewritten V1 answers get a fresh Body-Sign so only the injected fault differs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalJson } from '../../infra/emulator/canonicalJson';
import { bodySignature, signV1AuthToken } from '../../infra/emulator/v1Signer';
import { signV2Request } from '../../infra/emulator/v2Signer';
import { readBody } from '../../infra/emulator/fakeHttp';

/** The faults the proxy can inject. */
export type Fault = 'new-instance-id-on-retry' | 'missing-frontend-url' | 'accepts-any-signature' | 'wrong-result-code' | 'none';

/** A running proxy. */
export interface FaultyProxy {
  url: string;
  /** How many requests or answers the fault changed (a test can check the fault really fired). */
  injected(): number;
  close(): Promise<void>;
}

interface Incoming {
  url: URL;
  body: Buffer;
  activity?: string;
  json?: Record<string, unknown>;
}

function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Re-signs a request with the right key, keeping its timestamp and nonce (accepts-any-signature). */
function resign(incoming: Incoming, key: string): void {
  const q = incoming.url.searchParams;
  if (q.has('authToken')) {
    const params: Record<string, string> = {};
    for (const [k, v] of q) if (k !== 'authToken') params[k] = v;
    q.set('authToken', signV1AuthToken(key, params));
    return;
  }
  const payload = incoming.json ? canonicalJson(incoming.json) : incoming.body.toString('utf8');
  q.set('signature', signV2Request({ key, nonce: q.get('nonce') ?? '', timestamp: q.get('timestamp') ?? '', payload }));
}

/** Starts the proxy in front of `target` (the local server's URL); `key` is the access key it signs with. */
export async function startFaultyProxy(target: string, fault: Fault, key: string): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const seenOrderLines = new Set<string>();
  let upgradeBroken = false;
  let injected = 0;

  /** Returns the answer to send instead, or undefined to pass the original through. */
  const rewrite = (incoming: Incoming, answer: Record<string, unknown>): Record<string, unknown> | undefined => {
    if (fault === 'new-instance-id-on-retry' && incoming.activity === 'newInstance' && typeof answer.instanceId === 'string') {
      const line = `${String(incoming.json?.orderId ?? incoming.url.searchParams.get('orderId'))}/${String(incoming.json?.orderLineId ?? '')}`;
      if (!seenOrderLines.has(line)) {
        seenOrderLines.add(line);
        return undefined;
      }
      return { ...answer, instanceId: randomBytes(16).toString('hex') };
    }
    if (fault === 'missing-frontend-url' && incoming.activity === 'queryInstance' && Array.isArray(answer.info)) {
      let changed = false;
      const info = answer.info.map((entry: unknown) => {
        const e = entry as Record<string, unknown>;
        if (!e?.appInfo || typeof e.appInfo !== 'object') return e;
        const { frontEndUrl: _dropped, ...rest } = e.appInfo as Record<string, unknown>;
        changed = true;
        return { ...e, appInfo: rest };
      });
      return changed ? { ...answer, info } : undefined;
    }
    if (fault === 'wrong-result-code') {
      if (answer.resultCode === '000003') return { ...answer, resultCode: '000000', resultMsg: 'success.' };
      if (!upgradeBroken && answer.resultCode === '000000' && (incoming.activity === 'upgradeInstance' || incoming.activity === 'upgrade')) {
        upgradeBroken = true;
        return { ...answer, resultCode: '000005', resultMsg: 'other inner error' };
      }
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', upstream);
    const json = parseObject(body);
    const incoming: Incoming = { url, body, json, activity: typeof json?.activity === 'string' ? json.activity : url.searchParams.get('activity') ?? undefined };
    if (fault === 'accepts-any-signature') {
      resign(incoming, key);
      injected++;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
    if (body.length > 0) headers['content-length'] = String(body.length);
    const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = httpRequest(url, { method: req.method, headers }, resolve);
      r.on('error', reject);
      r.end(body);
    });
    let answerBody = await readBody(upstreamRes);
    const parsed = parseObject(answerBody);
    const replacement = parsed ? rewrite(incoming, parsed) : undefined;
    const rawHeaders = upstreamRes.rawHeaders;
    const outHeaders: Array<[string, string]> = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) outHeaders.push([rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '']);
    if (replacement) {
      injected++;
      answerBody = Buffer.from(JSON.stringify(replacement), 'utf8');
      for (const h of outHeaders) if (h[0].toLowerCase() === 'body-sign') h[1] = `sign_type="HMAC-SHA256", signature="${bodySignature(key, answerBody)}"`;
    }
    for (const [name, value] of outHeaders) {
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection' || lower === 'keep-alive') continue;
      res.setHeader(name, value);
    }
    res.setHeader('Content-Length', String(answerBody.length));
    res.writeHead(upstreamRes.statusCode ?? 502);
    res.end(answerBody);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`proxy error: ${err.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    injected: () => injected,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
