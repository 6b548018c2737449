/**
 * A closed-loop HTTP load generator: `concurrency` virtual clients on keep-alive connections, each
 * running the lifecycle mix round after round for `durationMs` ({@link runLoad}), or sending one call
 * after another from a supplier ({@link runCallLoad}).
 * @module
 */
import { Agent, request } from 'node:http';
import { roundBodies, signedV2Call, type SignedCall } from './lifecycleMix';
import { percentile, round } from './stats';

/** Throughput figures of one run. */
export interface LoadResult {
  concurrency: number;
  /** Measured duration (ms). */
  durationMs: number;
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles (ms). */
  p50Ms: number;
  p99Ms: number;
  /** Answers by resultCode (`http-<status>` or `network` for transport failures). */
  resultCodes: Record<string, number>;
}

/** POSTs `call` to `base` (through `agent` when given) and resolves to the answer's status and text. */
export function postCall(base: URL, call: SignedCall, agent?: Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: base.hostname, port: base.port, method: 'POST', path: call.path, headers: { 'content-type': 'application/json;charset=utf8', 'content-length': Buffer.byteLength(call.body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

/** What {@link drive} measured: the latencies (ms) of the answered calls and the answers by code. */
interface Drive {
  durationMs: number;
  latencies: number[];
  codes: Record<string, number>;
}

/**
 * Runs `concurrency` clients against `url` until `durationMs` (ms) has passed. A client calls `send`, which
 * times the call and counts a transport failure (`network`) or a status other than 200 (`http-<status>`),
 * resolving to the answer's text only for a 200; the client counts that answer's code itself.
 */
async function drive(
  url: string,
  concurrency: number,
  durationMs: number,
  client: (send: (call: SignedCall) => Promise<string | undefined>, count: (code: string) => void, deadline: number) => Promise<void>,
): Promise<Drive> {
  const base = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  const count = (code: string) => {
    codes[code] = (codes[code] ?? 0) + 1;
  };
  const send = async (call: SignedCall): Promise<string | undefined> => {
    const t0 = performance.now();
    try {
      const res = await postCall(base, call, agent);
      latencies.push(performance.now() - t0);
      if (res.status === 200) return res.text;
      count(`http-${res.status}`);
    } catch {
      count('network');
    }
    return undefined;
  };
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(Array.from({ length: concurrency }, () => client(send, count, deadline)));
  const measured = performance.now() - started;
  agent.destroy();
  return { durationMs: measured, latencies, codes };
}

/** Drives `url` with the signed lifecycle mix (`key` signs) for `durationMs` (ms). */
export async function runLoad(options: { url: string; key: string; concurrency: number; durationMs: number }): Promise<LoadResult> {
  const run = await drive(options.url, options.concurrency, options.durationMs, async (send, count, deadline) => {
    while (performance.now() < deadline) {
      let instanceId = `bench-${Math.random().toString(36).slice(2)}`;
      for (const body of roundBodies(() => instanceId)) {
        if (performance.now() >= deadline) return;
        const text = await send(signedV2Call(options.key, body()));
        if (text === undefined) continue;
        try {
          const json = JSON.parse(text) as { resultCode?: string; instanceId?: string };
          count(json.resultCode ?? 'none');
          if (json.instanceId) instanceId = json.instanceId;
        } catch {
          count('network');
        }
      }
    }
  });
  return loadFigures(options.concurrency, run);
}

/** The figures of a run: requests, rate and latency percentiles. */
function loadFigures(concurrency: number, { durationMs, latencies, codes }: Drive): LoadResult {
  return {
    concurrency,
    durationMs: round(durationMs, 0),
    requests: latencies.length,
    requestsPerSecond: round((latencies.length * 1000) / durationMs, 0),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    resultCodes: codes,
  };
}

/** Figures of a {@link runCallLoad} run. */
export interface CallLoadResult extends LoadResult {
  /** CPU µs per request of this whole process (user + system): the generator's share is included. */
  cpuUsPerRequest: number;
}

/** Reads the resultCode an answer writes first (`{"resultCode":"000000",...`) without parsing it. */
function leadingResultCode(text: string): string {
  return text.startsWith('{"resultCode":"') ? text.slice(15, 21) : 'none';
}

/**
 * Drives `url` for `durationMs` (ms) with `concurrency` clients, each sending `next()` (a signed call,
 * made just before it is sent) and waiting for the answer before the next.
 */
export async function runCallLoad(options: { url: string; concurrency: number; durationMs: number; next: () => SignedCall }): Promise<CallLoadResult> {
  const cpu0 = process.cpuUsage();
  const run = await drive(options.url, options.concurrency, options.durationMs, async (send, count, deadline) => {
    while (performance.now() < deadline) {
      const text = await send(options.next());
      if (text !== undefined) count(leadingResultCode(text));
    }
  });
  const cpu = process.cpuUsage(cpu0);
  return {
    ...loadFigures(options.concurrency, run),
    cpuUsPerRequest: round((cpu.user + cpu.system) / Math.max(1, run.latencies.length), 1),
  };
}
