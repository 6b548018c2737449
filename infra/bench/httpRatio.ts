/**
 * Requests per second over HTTP, side by side on one redis-server (issue 15): a null node:http handler,
 * the reference handler behind node:http, and `kg serve` (the local server running the deployed
 * handlers), each driven by the project's load generator with the retry mix (newInstance retry,
 * queryInstance, refreshInstance retry in turn, each call signed just before it is sent), in rounds whose
 * order rotates, after an unmeasured warm-up of each. The generator runs in this process too, so its CPU is in
 * every figure.
 * Figures are reported, never asserted.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { startLocalServer } from '../server/localServer';
import type { SignedCall } from './lifecycleMix';
import { postCall, runCallLoad, type CallLoadResult } from './loadGenerator';
import { startNullServer } from './nullServer';
import { connectReady } from './redisProcess';
import { createReferenceHandler } from './referenceHandler';
import { startReferenceServer } from './referenceServer';
import { createBenchInstances, RETRY_ACTIVITIES, seedReference, signedRetryCall, type RetryActivity } from './retryMix';
import { median, round } from './stats';

/** The target: `kg serve` at least this share of the reference's requests per second. */
export const HTTP_RATIO_TARGET = { minRatio: 0.8 } as const;

/** The servers compared. */
export type HttpServerName = 'nullHandler' | 'reference' | 'kgServe';

const SERVERS: readonly HttpServerName[] = ['nullHandler', 'reference', 'kgServe'];

/** Options of {@link measureHttpRatio}. */
export interface HttpRatioOptions {
  /** A running redis-server for the reference and kg serve. */
  redisUrl: string;
  /** Concurrent keep-alive connections (default 32). */
  connections?: number;
  /** Length of each run (ms). */
  durationMs: number;
  /** Rounds over the three servers, in rotated order (default 3). */
  rounds?: number;
  /** Instances the calls cycle over (default 16). */
  instances?: number;
  log?: (line: string) => void;
}

/** One server's figures: medians over rounds, answers summed. */
export interface HttpServerFigure {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU µs per request of the whole process, the load generator's included. */
  cpuUsPerRequest: number;
  resultCodes: Record<string, number>;
  runs: CallLoadResult[];
}

/** What {@link measureHttpRatio} reports. */
export interface HttpRatioReport {
  connections: number;
  durationMs: number;
  rounds: number;
  mix: RetryActivity[];
  servers: Record<HttpServerName, HttpServerFigure>;
  /** kg serve rps / reference rps (medians). */
  ratio: number;
  /** The same ratio per round (the two servers of a round run within seconds of each other), in round order. */
  roundRatios: number[];
  target: { minRatio: number; within: boolean };
}

/** Seconds each server is driven, unmeasured, before the rounds: every handler JIT-compiled and its pools warm. */
const WARM_UP_MS = 2_000;

function figureOf(runs: CallLoadResult[]): HttpServerFigure {
  const resultCodes: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.resultCodes)) resultCodes[code] = (resultCodes[code] ?? 0) + n;
  return {
    requestsPerSecond: round(median(runs.map((r) => r.requestsPerSecond)), 0),
    p50Ms: round(median(runs.map((r) => r.p50Ms)), 2),
    p99Ms: round(median(runs.map((r) => r.p99Ms)), 2),
    cpuUsPerRequest: round(median(runs.map((r) => r.cpuUsPerRequest)), 1),
    resultCodes,
    runs,
  };
}

/** Runs the three servers side by side and returns the report (progress through `log`). */
export async function measureHttpRatio(options: HttpRatioOptions): Promise<HttpRatioReport> {
  const connections = Math.max(1, Math.floor(options.connections ?? 32));
  const rounds = Math.max(1, Math.floor(options.rounds ?? 3));
  const log = options.log ?? (() => undefined);
  const key = `bench-${randomBytes(16).toString('hex')}`;
  const kgServe = await startLocalServer({
    port: 0,
    env: { KG_ACCESS_KEY: key, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: options.redisUrl, KG_FRONTEND_URL_TEMPLATE: 'https://app.bench.invalid/{instanceId}' },
    workerIntervalMs: 0,
  });
  const closers: Array<() => Promise<void>> = [() => kgServe.close()];
  try {
    const refClient = await connectReady(options.redisUrl);
    closers.push(async () => refClient.disconnect());
    const instances = await createBenchInstances(async (call) => (await postCall(new URL(kgServe.url), call)).text, key, Math.max(1, Math.floor(options.instances ?? 16)));
    await seedReference(refClient, instances);
    const reference = await startReferenceServer(createReferenceHandler({ redis: refClient, key }));
    closers.push(() => reference.close());
    const nullServer = await startNullServer();
    closers.push(() => nullServer.close());
    const urls: Record<HttpServerName, string> = { nullHandler: nullServer.url, reference: reference.url, kgServe: kgServe.url };

    let seq = 0;
    const next = (): SignedCall => {
      const n = seq++;
      return signedRetryCall(key, RETRY_ACTIVITIES[n % RETRY_ACTIVITIES.length]!, instances[Math.floor(n / RETRY_ACTIVITIES.length) % instances.length]!);
    };
    const runs: Record<HttpServerName, CallLoadResult[]> = { nullHandler: [], reference: [], kgServe: [] };
    // kg serve has only answered the set-up calls so far: a first round would otherwise measure it half-compiled.
    for (const name of SERVERS) await runCallLoad({ url: urls[name], concurrency: connections, durationMs: Math.min(WARM_UP_MS, options.durationMs), next });
    for (let r = 0; r < rounds; r++) {
      const order = SERVERS.map((_, i) => SERVERS[(i + r) % SERVERS.length]!);
      for (const name of order) {
        const result = await runCallLoad({ url: urls[name], concurrency: connections, durationMs: options.durationMs, next });
        runs[name].push(result);
        log(`round ${r + 1}/${rounds} ${name.padEnd(11)} ${String(result.requestsPerSecond).padStart(7)} req/s`);
      }
    }
    const servers = { nullHandler: figureOf(runs.nullHandler), reference: figureOf(runs.reference), kgServe: figureOf(runs.kgServe) };
    const ratio = round(servers.kgServe.requestsPerSecond / Math.max(1, servers.reference.requestsPerSecond), 3);
    const roundRatios = runs.kgServe.map((k, i) => round(k.requestsPerSecond / Math.max(1, runs.reference[i]?.requestsPerSecond ?? 0), 3));
    return {
      connections, durationMs: options.durationMs, rounds, mix: [...RETRY_ACTIVITIES], servers, ratio, roundRatios,
      target: { minRatio: HTTP_RATIO_TARGET.minRatio, within: ratio >= HTTP_RATIO_TARGET.minRatio },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** The report as printable lines. */
export function httpRatioLines(report: HttpRatioReport): string[] {
  const lines: string[] = [];
  const labels: Record<HttpServerName, string> = { nullHandler: 'null handler', reference: 'reference', kgServe: 'kg serve' };
  for (const name of SERVERS) {
    const f = report.servers[name];
    lines.push(`${labels[name].padEnd(13)} ${String(f.requestsPerSecond).padStart(7)} req/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  cpu ${f.cpuUsPerRequest} µs/req (generator included)  codes ${JSON.stringify(f.resultCodes)}`);
  }
  lines.push(`kg serve / reference: ${report.ratio.toFixed(2)}  rounds ${report.roundRatios.map((x) => x.toFixed(2)).join(' ')}  (target >= ${report.target.minRatio} ${report.target.within ? 'within' : 'UNDER'})`);
  return lines;
}
