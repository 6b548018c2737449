/**
 * Module load time of a bundle: `node -e "require(bundle)"` against bare `node`, each spawned `runs`
 * times (interleaved so machine noise hits both alike); the figure is median minus median.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { median, round } from './stats';

/** Load-time figures of one bundle, all in ms. */
export interface LoadTime {
  runs: number;
  /** Median wall time of `node -e "require(bundle)"` (ms). */
  medianMs: number;
  /** Median wall time of bare `node -e ""` (ms). */
  bareMedianMs: number;
  /** medianMs - bareMedianMs (ms): what the bundle adds to a cold start. */
  addedMs: number;
}

function timeNode(script: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`node -e failed (${r.status}): ${r.stderr.toString('utf8').split('\n')[0] ?? ''}`);
  return ms;
}

/** Measures `bundlePath` against bare node, `runs` times each. */
export function measureLoadTime(bundlePath: string, runs = 15): LoadTime {
  // Exit explicitly so a module that opens a handle at load cannot stretch the figure.
  const script = `require(${JSON.stringify(bundlePath)});process.exit(0)`;
  timeNode(''); // warm the file cache
  timeNode(script);
  const withBundle: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(timeNode(''));
    withBundle.push(timeNode(script));
  }
  const medianMs = median(withBundle);
  const bareMedianMs = median(bare);
  return { runs, medianMs: round(medianMs), bareMedianMs: round(bareMedianMs), addedMs: round(Math.max(0, medianMs - bareMedianMs)) };
}
