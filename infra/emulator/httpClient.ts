/**
 * One HTTP exchange with the merchant, keeping what the checks need: the exact body bytes, the header
 * names as sent (Body-Sign is case-sensitive for the marketplace), the status and the latency.
 * @module
 */
import http from 'node:http';
import https from 'node:https';

/** What came back, or why nothing did. */
export interface HttpAnswer {
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  /** Header values by lower-case name. */
  headers: Record<string, string>;
  /** Header names exactly as the server wrote them. */
  rawHeaderNames: string[];
  /** Every `Set-Cookie` header, in order (the `headers` map keeps only the last). */
  setCookies?: string[];
  /** The exact body bytes. */
  body: Buffer;
  /** Wall time from sending to the last body byte (ms). */
  latencyMs: number;
  /** Set when the exchange failed (connection refused, timeout, reset). */
  error?: string;
}

/** One request. */
export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Give up after this long (ms). */
  timeoutMs: number;
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/** Sends one request; never rejects (failures come back in `error`). */
export function sendHttp(spec: HttpRequestSpec): Promise<HttpAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: HttpAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const fail = (error: string) => finish({ status: 0, headers: {}, rawHeaderNames: [], body: Buffer.alloc(0), latencyMs: elapsed(), error });
    let target: URL;
    try {
      target = new URL(spec.url);
    } catch {
      fail(`invalid URL ${spec.url}`);
      return;
    }
    const secure = target.protocol === 'https:';
    const body = spec.body === undefined ? undefined : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body, 'utf8');
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    if (body) headers['Content-Length'] = String(body.length);
    const request = (secure ? https : http).request(
      target,
      { method: spec.method, headers, agent: secure ? agents.https : agents.http, timeout: spec.timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('error', (e) => fail(`answer broke off: ${e.message}`));
        response.on('end', () => {
          const lower: Record<string, string> = {};
          const names: string[] = [];
          for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
            const name = response.rawHeaders[i] ?? '';
            names.push(name);
            lower[name.toLowerCase()] = response.rawHeaders[i + 1] ?? '';
          }
          const setCookies = response.headers['set-cookie'] ?? [];
          finish({ status: response.statusCode ?? 0, headers: lower, rawHeaderNames: names, setCookies, body: Buffer.concat(chunks), latencyMs: elapsed() });
        });
      },
    );
    request.on('timeout', () => {
      request.destroy();
      fail(`no answer within ${spec.timeoutMs} ms`);
    });
    // A server may answer a huge body early and close; the answer still counts if it arrived.
    request.on('error', (e) => setTimeout(() => fail(`request failed: ${e.message}`), 50));
    request.end(body);
  });
}

/** Closes idle keep-alive sockets so a finished run lets the process exit. */
export function closeIdleConnections(): void {
  agents.http.destroy();
  agents.https.destroy();
}
