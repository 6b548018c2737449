/**
 * The latency and volume figures of a month's report: percentiles per activity, the slowest calls and
 * the figures per China day the charts draw. Pure.
 * @module
 */
import { chinaDay } from './calendar';
import type { CallEvent } from './calls';

/** Latency of one activity over the month (ms). */
export interface LatencyRow {
  activity: string;
  /** Calls with a known latency. */
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** One of the slowest calls. */
export interface SlowCall {
  /** Epoch ms. */
  at: number;
  activity: string;
  /** Latency (ms). */
  ms: number;
  resultCode: string;
  orderId?: string;
}

/** One China day of the month, for the charts. */
export interface DayFigures {
  /** `YYYY-MM-DD`, China time. */
  day: string;
  calls: number;
  /** Answers other than `000000` (every one counts as a failure for the marketplace, `000004` too). */
  failures: number;
  /** Latency percentiles of the day's calls (ms); null when no call of the day has a latency. */
  p50: number | null;
  p99: number | null;
}

/** How many slowest calls a report lists. */
export const SLOWEST_LISTED = 10;

/**
 * The nearest-rank percentile of `sorted` (ascending): the smallest value with at least `p`% of the values
 * at or below it. No interpolation, so every figure is a latency some call really had.
 * @example percentile([10, 20, 30, 40], 50) // 20
 * @throws RangeError for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty list');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/**
 * p50, p99 and max per activity, by activity name.
 * @example latencyByActivity(calls) // [{ activity: 'newInstance', count: 12, p50: 180, p99: 900, max: 900 }]
 */
export function latencyByActivity(calls: readonly CallEvent[]): LatencyRow[] {
  const groups = new Map<string, number[]>();
  for (const c of calls) {
    if (c.ms === undefined) continue;
    const list = groups.get(c.activity) ?? [];
    list.push(c.ms);
    groups.set(c.activity, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([activity, list]) => {
      const sorted = list.sort((a, b) => a - b);
      return { activity, count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] as number };
    });
}

/**
 * The {@link SLOWEST_LISTED} slowest calls, slowest first (the earlier first on a tie).
 * @example slowestCalls(calls)[0] // { at: 1790000000000, activity: 'newInstance', ms: 900, resultCode: '000000' }
 */
export function slowestCalls(calls: readonly CallEvent[]): SlowCall[] {
  return calls
    .filter((c): c is CallEvent & { ms: number } => c.ms !== undefined)
    .sort((a, b) => b.ms - a.ms || a.at - b.at)
    .slice(0, SLOWEST_LISTED)
    .map((c) => ({ at: c.at, activity: c.activity, ms: c.ms, resultCode: c.resultCode, ...(c.orderId ? { orderId: c.orderId } : {}) }));
}

/**
 * Calls, failures and latency percentiles for each of `days` (China time), in that order; a day without
 * calls is there with zeros, so the charts show the gap.
 * @example figuresPerDay(calls, ['2026-10-01', '2026-10-02'])
 */
export function figuresPerDay(calls: readonly CallEvent[], days: readonly string[]): DayFigures[] {
  const byDay = new Map<string, { calls: number; failures: number; ms: number[] }>(days.map((d) => [d, { calls: 0, failures: 0, ms: [] }]));
  for (const c of calls) {
    const slot = byDay.get(chinaDay(c.at));
    if (!slot) continue;
    slot.calls += 1;
    if (!c.ok) slot.failures += 1;
    if (c.ms !== undefined) slot.ms.push(c.ms);
  }
  return days.map((day) => {
    const slot = byDay.get(day) ?? { calls: 0, failures: 0, ms: [] };
    const sorted = slot.ms.sort((a, b) => a - b);
    const has = sorted.length > 0;
    return { day, calls: slot.calls, failures: slot.failures, p50: has ? percentile(sorted, 50) : null, p99: has ? percentile(sorted, 99) : null };
  });
}
