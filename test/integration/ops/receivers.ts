/**
 * The two places alerts go, played locally for the ops tests (not a test file): a webhook receiver that
 * checks each delivery's signature from the documented formula (written here, not imported from the sink), and
 * a fake SMN publish endpoint that checks the AK/SK signature with the emulator's own verifier
 * (infra/emulator/fakeOpenApi/akskVerifier.ts) and the publish body. Both can answer 500, hang, or fail a number
 * of times before answering.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../../infra/emulator/fakeHttp';
import { verifyAkSk } from '../../../infra/emulator/fakeOpenApi/akskVerifier';

/** How a receiver answers. */
export type Mode = 'ok' | 'fail' | 'hang';

/** One alert as a receiver understood it. */
export interface Received {
  id: string;
  state: string;
  message: string;
  deliveryId: string;
  /** The signature (or AK/SK verdict) checked out. */
  verified: boolean;
  why?: string;
}

export interface Receiver {
  url: string;
  /** Verified alerts taken (answered 2xx), in order. */
  taken: Received[];
  /** Every request seen, whatever it was answered. */
  requests: number;
  mode: Mode;
  /** Fail this many requests (500) before answering as `mode` says. */
  failNext: number;
  /**
   * `state id` of every alert taken, in order, a repeated delivery id once: delivery is at least once (a send
   * whose answer came after its timeout is sent again), and a receiver drops repeats by `deliveryId`, as
   * docs/operate.md tells merchants to.
   */
  log(): string[];
  /** Answers every held (hanging) request. */
  release(): void;
  close(): Promise<void>;
}

function start(handle: (req: IncomingMessage, raw: Buffer, r: Receiver) => { status: number; alert?: Received; answer?: string }): Promise<Receiver> {
  const held: Array<() => void> = [];
  let server: Server;
  const r: Receiver = {
    url: '',
    taken: [],
    requests: 0,
    mode: 'ok',
    failNext: 0,
    log: () => {
      const seen = new Set<string>();
      return r.taken.filter((a) => !seen.has(a.deliveryId) && seen.add(a.deliveryId)).map((a) => `${a.state} ${a.id}`);
    },
    release: () => { for (const h of held.splice(0)) h(); },
    close: async () => {
      r.release();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
  server = createServer((req, res: ServerResponse) => {
    void readBody(req).then((raw) => {
      r.requests++;
      const reply = (status: number, text: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      if (r.failNext > 0) {
        r.failNext--;
        return reply(500, '{"error":"down"}');
      }
      if (r.mode === 'fail') return reply(500, '{"error":"down"}');
      if (r.mode === 'hang') {
        held.push(() => reply(503, '{"error":"late"}'));
        return undefined;
      }
      const out = handle(req, raw, r);
      if (out.alert && out.status < 300) r.taken.push(out.alert);
      return reply(out.status, out.answer ?? '{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(r);
    });
  });
}

/** A webhook receiver that refuses (401) a delivery whose `x-kg-signature` is not HMAC-SHA256(secret, "<ts>.alert.<body>"). */
export function startWebhookReceiver(secret: string): Promise<Receiver> {
  return start((req, raw) => {
    const ts = String(req.headers['x-kg-timestamp'] ?? '');
    const expected = createHmac('sha256', secret).update(`${ts}.alert.`).update(raw).digest('hex');
    const given = Buffer.from(String(req.headers['x-kg-signature'] ?? ''), 'utf8');
    const signed = given.length === 64 && timingSafeEqual(given, Buffer.from(expected, 'utf8'));
    const fresh = /^\d{13}$/.test(ts) && Math.abs(Number(ts) - Date.now()) < 5 * 60_000;
    const json = JSON.parse(raw.toString('utf8')) as Record<string, string>;
    const sameId = req.headers['x-kg-delivery-id'] === json.deliveryId;
    const typed = String(req.headers['content-type']).startsWith('application/json');
    const verified = signed && fresh && sameId && typed && json.source === 'kg-ops-watch' && !Number.isNaN(Date.parse(json.at ?? ''));
    const alert: Received = { id: json.id ?? '', state: json.state ?? '', message: json.message ?? '', deliveryId: json.deliveryId ?? '', verified };
    return verified ? { status: 204, alert } : { status: 401 };
  });
}

/** Where the fake SMN expects its topic. */
export const SMN_PROJECT = '0123456789abcdef0123456789abcdef';
export const SMN_TOPIC = `urn:smn:cn-north-4:${SMN_PROJECT}:kg-alerts`;

/** A fake SMN: `POST /v2/<project>/notifications/topics/<urn>/publish`, AK/SK-verified, `{subject, message}` checked. */
export function startFakeSmn(ak: string, sk: string): Promise<Receiver> {
  return start((req, raw) => {
    const url = new URL(req.url ?? '/', 'http://smn.local');
    const path = req.url?.split('?')[0] ?? '';
    if (req.method !== 'POST' || path !== `/v2/${SMN_PROJECT}/notifications/topics/${SMN_TOPIC}/publish`) return { status: 404, answer: '{"code":"SMN.0404"}' };
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const verdict = verifyAkSk({ method: 'POST', path, query: url.search.replace(/^\?/, ''), headers, body: raw }, { ak, sk });
    if (!verdict.ok) return { status: 401, answer: JSON.stringify({ code: 'APIGW.0301', message: verdict.reason }) };
    const json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const keys = Object.keys(json).sort().join(',');
    const subject = typeof json.subject === 'string' ? json.subject : '';
    const message = typeof json.message === 'string' ? json.message : '';
    if (keys !== 'message,subject' || Buffer.byteLength(subject) > 512 || /[[\]]/.test(message)) return { status: 400, answer: '{"code":"SMN.0400"}' };
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(message)?.[1] ?? '';
    const alert: Received = { id: field('condition'), state: field('state'), message, deliveryId: field('delivery'), verified: true };
    if (!subject.endsWith(`${alert.state}: ${alert.id.split(':')[0]}`)) return { status: 400, answer: '{"code":"SMN.0400"}' };
    return { status: 200, alert, answer: JSON.stringify({ request_id: 'r1', message_id: `m${Date.now()}` }) };
  });
}

/**
 * Loads the SDK signer the SMN sink imports on its first publish, so a test's short per-attempt timeout
 * measures the send, not a cold module load on a busy machine.
 */
export async function warmSmnSigner(): Promise<void> {
  await import('../../../shared/marketplace/openApiClient');
}
