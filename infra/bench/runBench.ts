/**
 * `kg bench`: bundle size and load time per function, CPU per call of produce against a minimal
 * reference handler, requests per second of kg serve against the reference and a null handler, requests
 * per second of the local server on the lifecycle mix, and Redis round trips per callback. Figures are
 * reported, never asserted; targets (docs/design.md §9, issue 15) are printed next to them.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalServer } from '../server/localServer';
import { bundleFunctions } from '../build/bundle';
import { cpuRatioLines, CPU_RATIO_TARGET, measureCpuRatio, type CpuRatioReport } from './cpuRatio';
import { httpRatioLines, HTTP_RATIO_TARGET, measureHttpRatio, type HttpRatioReport } from './httpRatio';
import { runLoad, type LoadResult } from './loadGenerator';
import { measureLoadTime, type LoadTime } from './loadTime';
import { startNullServer } from './nullServer';
import { startBenchRedis } from './redisProcess';
import { measureRoundTrips, type RoundTripFigure } from './roundTrips';
import { round } from './stats';

/** Budgets of docs/design.md §9, reported next to the figures. */
export const BUDGETS: Readonly<Record<string, { maxBytes: number; maxAddedLoadMs: number }>> = {
  produce: { maxBytes: 250 * 1024, maxAddedLoadMs: 40 },
};

export interface BenchOptions {
  functionsDir: string;
  /** Where bundles and `bench-report.json` go (dist/). */
  outDir: string;
  /** Spawns per measurement for load time. */
  runs: number;
  concurrency: number;
  /** Length of each throughput run (ms). */
  durationMs: number;
  /** CPU ratio (issue 15): calls per cell, and rounds of both ratio sections. */
  ratio?: { calls: number; rounds: number };
  /**
   * `cpu`: CPU per call of produce vs the reference handler (in process); `http`: requests per second of
   * kg serve vs the reference and a null handler over HTTP.
   */
  skip: { load?: boolean; rps?: boolean; redis?: boolean; cpu?: boolean; http?: boolean };
  log: (line: string) => void;
}

export interface BundleFigure extends LoadTime {
  name: string;
  bytes: number;
  gzipBytes: number;
  budget?: { maxBytes: number; maxAddedLoadMs: number; bytesWithin: boolean; loadWithin: boolean };
}

/** What `dist/bench-report.json` holds. */
export interface BenchReport {
  /** ISO-8601. */
  at: string;
  node: string;
  bundles?: BundleFigure[];
  throughput?: { store: 'redis'; server: LoadResult; nullHandler: LoadResult; ratio: number };
  roundTrips?: RoundTripFigure[];
  /** produce vs the reference handler, CPU per call, in process (issue 15). */
  cpuRatio?: CpuRatioReport;
  /** kg serve vs the reference handler and a null handler over HTTP (issue 15). */
  httpRatio?: HttpRatioReport;
}

async function benchBundles(o: BenchOptions): Promise<BundleFigure[]> {
  const report = await bundleFunctions({ functionsDir: o.functionsDir, outDir: o.outDir });
  const figures: BundleFigure[] = [];
  for (const f of report.functions) {
    const t = measureLoadTime(join(o.outDir, f.file), o.runs);
    const b = BUDGETS[f.name];
    const fig: BundleFigure = {
      name: f.name,
      bytes: f.bytes,
      gzipBytes: f.gzipBytes,
      ...t,
      ...(b ? { budget: { ...b, bytesWithin: f.bytes <= b.maxBytes, loadWithin: t.addedMs <= b.maxAddedLoadMs } } : {}),
    };
    figures.push(fig);
    const budget = fig.budget
      ? `  budget ${b!.maxBytes / 1024} KB ${fig.budget.bytesWithin ? 'within' : 'OVER'}, ${b!.maxAddedLoadMs} ms ${fig.budget.loadWithin ? 'within' : 'OVER'}`
      : '';
    o.log(`${f.name.padEnd(18)} ${String(f.bytes).padStart(8)} B ${(f.bytes / 1024).toFixed(1).padStart(7)} KB  gzip ${String(f.gzipBytes).padStart(7)} B  load +${t.addedMs} ms (median ${t.medianMs} vs bare ${t.bareMedianMs}, n=${t.runs})${budget}`);
  }
  return figures;
}

/** Runs the selected benchmarks, prints figures through `log`, writes `<outDir>/bench-report.json`. */
export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const report: BenchReport = { at: new Date().toISOString(), node: process.version };
  mkdirSync(o.outDir, { recursive: true });
  if (!o.skip.load) {
    o.log('== bundle size and added load time per function');
    report.bundles = await benchBundles(o);
  }
  if (!o.skip.cpu || !o.skip.http) {
    const ratio = o.ratio ?? { calls: 20_000, rounds: 3 };
    // Its own redis-server, so the server's counters see this section's calls only.
    const redis = await startBenchRedis();
    try {
      if (!o.skip.cpu) {
        o.log(`== CPU per call, produce vs a minimal reference handler (in process, real redis-server, ${ratio.calls} calls per cell, ${ratio.rounds} round(s) in rotated order, medians; ratio = median over pairs of back-to-back chunks); target: ratio <= ${CPU_RATIO_TARGET.maxRatio} at ${CPU_RATIO_TARGET.inFlight} in flight`);
        report.cpuRatio = await measureCpuRatio({ calls: ratio.calls, rounds: ratio.rounds, redisUrl: redis.url, log: (line) => o.log(`  ${line}`) });
        for (const line of cpuRatioLines(report.cpuRatio)) o.log(line);
      }
      if (!o.skip.http) {
        o.log(`== requests per second over HTTP, retry mix, 32 connections, ${o.durationMs / 1000} s per server and round, ${ratio.rounds} round(s); reference and kg serve in back-to-back slices of ~1 s, alternating, ratio = median of the pairs; target: kg serve >= ${HTTP_RATIO_TARGET.minRatio}x reference`);
        report.httpRatio = await measureHttpRatio({ redisUrl: redis.url, connections: 32, durationMs: o.durationMs, rounds: ratio.rounds, log: (line) => o.log(`  ${line}`) });
        for (const line of httpRatioLines(report.httpRatio)) o.log(line);
      }
    } finally {
      await redis.stop();
    }
  }
  if (!o.skip.rps || !o.skip.redis) {
    const redis = await startBenchRedis();
    const key = `bench-${randomBytes(16).toString('hex')}`;
    const server = await startLocalServer({
      port: 0,
      env: { KG_ACCESS_KEY: key, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url, KG_FRONTEND_URL_TEMPLATE: 'https://app.bench.invalid/{instanceId}' },
      workerIntervalMs: 0,
    });
    try {
      if (!o.skip.redis) {
        o.log('== Redis round trips per callback (real redis-server)');
        report.roundTrips = await measureRoundTrips(server, key);
        for (const r of report.roundTrips) {
          o.log(`${r.callback.padEnd(38)} ${r.resultCode}  ${r.roundTrips} round trip(s)  (at most ${r.expected}: ${r.roundTrips <= r.expected ? 'within' : 'OVER'})`);
        }
      }
      if (!o.skip.rps) {
        o.log(`== requests per second, lifecycle mix, ${o.concurrency} connections, ${o.durationMs / 1000} s each`);
        const nullServer = await startNullServer();
        let nullHandler: LoadResult;
        try {
          nullHandler = await runLoad({ url: nullServer.url, key, concurrency: o.concurrency, durationMs: o.durationMs });
        } finally {
          await nullServer.close();
        }
        const real = await runLoad({ url: server.url, key, concurrency: o.concurrency, durationMs: o.durationMs });
        report.throughput = { store: 'redis', server: real, nullHandler, ratio: round(real.requestsPerSecond / Math.max(1, nullHandler.requestsPerSecond), 3) };
        o.log(`null handler   ${String(nullHandler.requestsPerSecond).padStart(7)} req/s  p50 ${nullHandler.p50Ms} ms  p99 ${nullHandler.p99Ms} ms`);
        o.log(`local server   ${String(real.requestsPerSecond).padStart(7)} req/s  p50 ${real.p50Ms} ms  p99 ${real.p99Ms} ms  (${(report.throughput.ratio * 100).toFixed(1)}% of null)  codes ${JSON.stringify(real.resultCodes)}`);
      }
    } finally {
      await server.close();
      await redis.stop();
    }
  }
  const file = join(o.outDir, 'bench-report.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  o.log(`wrote ${file}`);
  return report;
}
