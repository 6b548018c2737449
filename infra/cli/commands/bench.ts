/**
 * `kg bench`: prints bundle size and load time per function, CPU per call of produce against a minimal
 * reference handler, requests per second of kg serve against that reference and a null handler, requests
 * per second of the local server on the lifecycle mix, and Redis round trips per callback; writes
 * dist/bench-report.json.
 * @module
 */
import { join, resolve } from 'node:path';
import { runBench } from '../../bench/runBench';
import { projectRoot } from '../../build/projectRoot';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';

const usage = `kg bench [--runs N] [--concurrency N] [--duration S] [--calls N] [--rounds N] [--out DIR]
         [--skip-load] [--skip-cpu] [--skip-http] [--skip-rps] [--skip-redis]

Figures, not pass/fail (targets of docs/design.md §9 and issue 15 are shown next to them):
  (a) every function bundled into DIR: bytes, gzip bytes, and module load time over bare node
      (median of N spawns of node -e "require(bundle)" minus median of N bare spawns);
  (b) CPU per call of produce against a minimal reference handler (V2 verify, zod/mini parse, instance
      id, one EVALSHA, JSON answer), in this process on a real redis-server: newInstance retry,
      queryInstance and refreshInstance retry, 1 and 32 calls in flight, --calls calls per cell,
      --rounds rounds in rotated order; CPU and wall µs per call, Redis commands and bytes per call,
      and the ratio produce/reference: the median over pairs of back-to-back chunks of both handlers
      (10 pairs per cell and round), the per-round and median-of-rounds ratios beside it (target <= 1.5
      at 32 in flight);
  (c) requests per second over HTTP of a null handler, the reference behind node:http and kg serve,
      same retry mix, 32 connections, S seconds per server and round, --rounds rounds; the reference
      and kg serve alternate in back-to-back slices of about 1 s, and the ratio is the median of the
      pairs' ratios (target kg serve >= 0.8x reference);
  (d) requests per second of the local server (on a real redis-server started for the run) under the
      signed V2 lifecycle mix new/query/refresh/freeze/unfreeze/query, against a null node:http
      handler answering a constant JSON, N concurrent keep-alive connections for S seconds each;
  (e) Redis round trips per callback, from the store's round-trip counter.

  --runs N          spawns per load-time measurement (default 15)
  --concurrency N   concurrent connections of (d) (default 16)
  --duration S      seconds per throughput run, (c) and (d) (default 5)
  --calls N         calls per cell of (b) (default 20000)
  --rounds N        rounds of (b) and (c) (default 3)
  --out DIR         bundles and bench-report.json (default dist)
  --skip-load, --skip-cpu, --skip-http, --skip-rps, --skip-redis   leave out (a), (b), (c), (d), (e)
`;

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number`);
  return n;
}

export const command: CliCommand = {
  name: 'bench',
  summary: 'measure bundle size, load time, CPU per call against a reference, requests per second and Redis round trips',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      calls: { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      'skip-load': { type: 'boolean' },
      'skip-cpu': { type: 'boolean' },
      'skip-http': { type: 'boolean' },
      'skip-rps': { type: 'boolean' },
      'skip-redis': { type: 'boolean' },
    });
    const root = projectRoot(io.env);
    await runBench({
      functionsDir: join(root, 'functions'),
      outDir: resolve(root, values.out ?? 'dist'),
      runs: Math.floor(positive(values.runs, 'runs', 15)),
      concurrency: Math.floor(positive(values.concurrency, 'concurrency', 16)),
      durationMs: positive(values.duration, 'duration', 5) * 1000,
      ratio: { calls: Math.floor(positive(values.calls, 'calls', 20_000)), rounds: Math.floor(positive(values.rounds, 'rounds', 3)) },
      skip: {
        load: values['skip-load'] === true, rps: values['skip-rps'] === true, redis: values['skip-redis'] === true,
        cpu: values['skip-cpu'] === true, http: values['skip-http'] === true,
      },
      log: (line) => io.out(`${line}\n`),
    });
    return EXIT.ok;
  },
};
