/**
 * Requests per second over HTTP, side by side on one redis-server (issue 15): a null node:http handler,
 * the reference handler behind node:http, and `kg serve` (the local server running the deployed
 * handlers), each driven by the project's load generator with the retry mix (newInstance retry,
 * queryInstance, refreshInstance retry in turn, each call signed just before it is sent), after an
 * unmeasured warm-up of each. The generator runs in this process too, so its CPU is in every figure.
 *
 * The reference and kg serve are compared in pairs of back-to-back slices of about a second, in alternating
 * order (A B B A ...), as the CPU bench alternates its chunks: this machine's speed drifts by 10 % and more
 * within a minute, and two 5 s runs far apart measure that drift as much as the servers. The headline ratio is
 * the median of the pairs' ratios; each round's ratio (its slices summed) and the ratio of the servers' median
 * rates are reported beside it. Each round gives each of the two the same time, `durationMs`; the null handler
 * runs once per round, for scale.
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
import { median, quartiles, round } from './stats';

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
  /** The headline: median over the slice pairs of kg serve rps / reference rps. */
  ratio: number;
  /** kg serve rps / reference rps of each pair of back-to-back slices, in the order run. */
  pairRatios: number[];
  /** The same ratio per round, each server's slices of the round summed, in round order. */
  roundRatios: number[];
  /** kg serve rps / reference rps, each the median over rounds (the headline before slices were paired). */
  ratioOfMedians: number;
  target: { minRatio: number; within: boolean };
}

/** Seconds each server is driven, unmeasured, before the rounds: every handler JIT-compiled and its pools warm. */
const WARM_UP_MS = 2_000;

/** Length of one slice of a pair (ms): long enough for thousands of calls, short enough that the machine holds still. */
const SLICE_MS = 1_000;

/** One server's runs of one round (its slices, or one run), summed: the round's rate. */
function roundRate(runs: readonly CallLoadResult[]): number {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const ms = runs.reduce((n, r) => n + r.durationMs, 0);
  return ms > 0 ? (requests * 1000) / ms : 0;
}

function figureOf(rounds: CallLoadResult[][]): HttpServerFigure {
  const runs = rounds.flat();
  const resultCodes: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.resultCodes)) resultCodes[code] = (resultCodes[code] ?? 0) + n;
  return {
    requestsPerSecond: round(median(rounds.map(roundRate)), 0),
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
    // Per server, per round, its runs (slices for the two compared, one run for the null handler).
    const runs: Record<HttpServerName, CallLoadResult[][]> = { nullHandler: [], reference: [], kgServe: [] };
    const pairRatios: number[] = [];
    const roundRatios: number[] = [];
    const drive = (name: HttpServerName, durationMs: number) => runCallLoad({ url: urls[name], concurrency: connections, durationMs, next });
    // kg serve has only answered the set-up calls so far: a first round would otherwise measure it half-compiled.
    for (const name of SERVERS) await drive(name, Math.min(WARM_UP_MS, options.durationMs));
    const slices = Math.max(1, Math.round(options.durationMs / SLICE_MS));
    const sliceMs = options.durationMs / slices;
    for (let r = 0; r < rounds; r++) {
      const nullRun = await drive('nullHandler', options.durationMs);
      runs.nullHandler.push([nullRun]);
      log(`round ${r + 1}/${rounds} ${'nullHandler'.padEnd(11)} ${String(nullRun.requestsPerSecond).padStart(7)} req/s`);
      const ofRound: Record<'reference' | 'kgServe', CallLoadResult[]> = { reference: [], kgServe: [] };
      for (let i = 0; i < slices; i++) {
        const pair: Array<'reference' | 'kgServe'> = (r * slices + i) % 2 === 0 ? ['reference', 'kgServe'] : ['kgServe', 'reference'];
        for (const name of pair) ofRound[name].push(await drive(name, sliceMs));
        pairRatios.push(round(ofRound.kgServe[i]!.requestsPerSecond / Math.max(1, ofRound.reference[i]!.requestsPerSecond), 3));
      }
      runs.reference.push(ofRound.reference);
      runs.kgServe.push(ofRound.kgServe);
      const [ref, kg] = [roundRate(ofRound.reference), roundRate(ofRound.kgServe)];
      roundRatios.push(round(kg / Math.max(1, ref), 3));
      log(`round ${r + 1}/${rounds} reference ${Math.round(ref)} req/s, kg serve ${Math.round(kg)} req/s over ${slices} paired slices; pair ratios ${pairRatios.slice(-slices).map((x) => x.toFixed(2)).join(' ')}`);
    }
    const servers = { nullHandler: figureOf(runs.nullHandler), reference: figureOf(runs.reference), kgServe: figureOf(runs.kgServe) };
    const ratio = round(median(pairRatios), 3);
    const ratioOfMedians = round(servers.kgServe.requestsPerSecond / Math.max(1, servers.reference.requestsPerSecond), 3);
    return {
      connections, durationMs: options.durationMs, rounds, mix: [...RETRY_ACTIVITIES], servers, ratio, pairRatios, roundRatios, ratioOfMedians,
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
  const q = quartiles(report.pairRatios);
  lines.push(`kg serve / reference: ${report.ratio.toFixed(2)} (median of ${report.pairRatios.length} paired slices, quartiles ${q[0].toFixed(2)} ${q[1].toFixed(2)})  rounds ${report.roundRatios.map((x) => x.toFixed(2)).join(' ')}  ratio of medians ${report.ratioOfMedians.toFixed(2)}  (target >= ${report.target.minRatio} ${report.target.within ? 'within' : 'UNDER'})`);
  return lines;
}
