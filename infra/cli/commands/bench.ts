/**
 * `kg bench`: prints bundle size and load time per function, requests per second of the local server
 * against a null handler, and Redis round trips per callback; writes dist/bench-report.json.
 * @module
 */
import { join, resolve } from 'node:path';
import { runBench } from '../../bench/runBench';
import { projectRoot } from '../../build/projectRoot';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';

const usage = `kg bench [--runs N] [--concurrency N] [--duration S] [--out DIR] [--skip-load] [--skip-rps] [--skip-redis]

Figures, not pass/fail (targets of docs/design.md §9 are shown next to them):
  (a) every function bundled into DIR: bytes, gzip bytes, and module load time over bare node
      (median of N spawns of node -e "require(bundle)" minus median of N bare spawns);
  (b) requests per second of the local server (on a real redis-server started for the run) under the
      signed V2 lifecycle mix new/query/refresh/freeze/unfreeze/query, against a null node:http
      handler answering a constant JSON, N concurrent keep-alive connections for S seconds each;
  (c) Redis round trips per callback, from the store's round-trip counter.

  --runs N          spawns per load-time measurement (default 15)
  --concurrency N   concurrent connections (default 16)
  --duration S      seconds per throughput run (default 5)
  --out DIR         bundles and bench-report.json (default dist)
`;

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number`);
  return n;
}

export const command: CliCommand = {
  name: 'bench',
  summary: 'measure bundle size, load time, requests per second and Redis round trips',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      out: { type: 'string' },
      'skip-load': { type: 'boolean' },
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
      skip: { load: values['skip-load'] === true, rps: values['skip-rps'] === true, redis: values['skip-redis'] === true },
      log: (line) => io.out(`${line}\n`),
    });
    return EXIT.ok;
  },
};
