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

function post(agent: Agent, base: URL, call: SignedCall): Promise<{ status: number; text: string }> {
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

/** Drives `url` with the signed lifecycle mix (`key` signs) for `durationMs` (ms). */
export async function runLoad(options: { url: string; key: string; concurrency: number; durationMs: number }): Promise<LoadResult> {
  const base = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  const count = (code: string) => {
    codes[code] = (codes[code] ?? 0) + 1;
  };
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      let instanceId = `bench-${Math.random().toString(36).slice(2)}`;
      for (const body of roundBodies(() => instanceId)) {
        if (performance.now() >= deadline) return;
        const t0 = performance.now();
        try {
          const res = await post(agent, base, signedV2Call(options.key, body()));
          latencies.push(performance.now() - t0);
          if (res.status !== 200) {
            count(`http-${res.status}`);
            continue;
          }
          const json = JSON.parse(res.text) as { resultCode?: string; instanceId?: string };
          count(json.resultCode ?? 'none');
          if (json.instanceId) instanceId = json.instanceId;
        } catch {
          count('network');
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const durationMs = performance.now() - started;
  agent.destroy();
  return loadFigures(options.concurrency, durationMs, latencies, codes);
}

/** The figures of a run: requests, rate and latency percentiles. */
function loadFigures(concurrency: number, durationMs: number, latencies: number[], codes: LoadResult['resultCodes']): LoadResult {
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
  const base = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  const count = (code: string) => {
    codes[code] = (codes[code] ?? 0) + 1;
  };
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const call = options.next();
      const t0 = performance.now();
      try {
        const res = await post(agent, base, call);
        latencies.push(performance.now() - t0);
        count(res.status === 200 ? leadingResultCode(res.text) : `http-${res.status}`);
      } catch {
        count('network');
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const durationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return {
    ...loadFigures(options.concurrency, durationMs, latencies, codes),
    cpuUsPerRequest: round((cpu.user + cpu.system) / Math.max(1, latencies.length), 1),
  };
}
