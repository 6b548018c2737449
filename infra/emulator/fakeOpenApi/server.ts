/**
 * `startFakeOpenApi`: the fake KooGallery open API ({@link FakeOpenApi}) behind a node:http server,
 * for `kg openapi`, `kg simulate --scenario usage` and tests. Plain HTTP on loopback by default (the
 * server side allows `http://` endpoints for loopback hosts only).
 * @module
 */
import { createServer, type IncomingMessage } from 'node:http';
import { closeServer, HeldTimers, listen, readBody } from '../fakeHttp';
import { FakeOpenApi, type FakeOpenApiConfig } from './fakeOpenApi';

/** Settings of {@link startFakeOpenApi}. */
export interface FakeOpenApiOptions extends FakeOpenApiConfig {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** One line per open API request (never a secret). */
  log?: (line: string) => void;
}

/** A running fake open API. */
export interface RunningFakeOpenApi {
  /** `http://host:port`, the value for KG_OPENAPI_ENDPOINT. */
  url: string;
  port: number;
  /** The state: ledger, faults, registrations (the same the `/_openapi/*` routes reach). */
  api: FakeOpenApi;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Starts a fake open API. */
export async function startFakeOpenApi(options: FakeOpenApiOptions): Promise<RunningFakeOpenApi> {
  const api = new FakeOpenApi(options);
  const timers = new HeldTimers();
  const log = options.log;
  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? '' : raw.slice(q + 1);
    readBody(req, MAX_BODY)
      .then((body) => api.handle({ method: req.method ?? 'GET', path, query, headers: headerMap(req), body }))
      .catch((err: Error) => ({ status: 400, body: { error_code: 'MKT.0101', error_msg: err.message }, delayMs: 0 }))
      .then((answer) => {
        const text = JSON.stringify(answer.body);
        const write = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
          res.end(text);
        };
        if (log && !path.startsWith('/_openapi/')) {
          const code = (answer.body as Record<string, unknown>)?.error_code ?? (answer.body as Record<string, unknown>)?.resultCode ?? '';
          log(`${req.method} ${path} -> ${answer.status} ${String(code)}${answer.delayMs ? ` (answer held back ${answer.delayMs} ms)` : ''}`);
        }
        if (answer.delayMs && answer.delayMs > 0) void timers.sleep(answer.delayMs).then(write);
        else write();
      });
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  const { url, port } = await listen(server, host, options.port);
  return { url, port, api, close: () => closeServer(server, timers) };
}
