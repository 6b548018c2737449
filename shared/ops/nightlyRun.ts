/**
 * When the daily reconciliation runs, and what it last found. The fgs component deploys one trigger per
 * function, so ops-watch's 5-minute timer carries it: the first watch run at or after 02:00 China time of a day
 * claims that day (compare-and-set on the record {@link NIGHTLY_TAG}, so two runs never both start it) and runs
 * it; a run whose timer event says `reconcile` (a trigger added by hand, `kg watch --reconcile`) runs it whatever
 * the hour. A reconciliation that throws gives the day back, up to {@link MAX_ATTEMPTS_PER_DAY} tries.
 * The summary of the last one that finished feeds the `reconcile-mismatch` condition.
 * @module
 */
import { transact } from '../callback/transact';
import type { Store } from '../store/Store';
import { CHINA_OFFSET_MS, chinaDay } from './calendar';
import type { ReconcileSummary } from './conditions';

/** The record's tag. */
export const NIGHTLY_TAG = 'ops:nightly';
/** The China-time hour from which a day's reconciliation is due. */
export const NIGHTLY_HOUR = 2;
/** Tries per day of a reconciliation that keeps throwing. */
export const MAX_ATTEMPTS_PER_DAY = 3;

/** How long a claim keeps other runs from starting the same day's reconciliation (ms). */
export const NIGHTLY_LEASE_MS = 10 * 60_000;

/** The stored schedule. */
export interface NightlyState {
  /** `YYYY-MM-DD` (China time) of the last claimed day. */
  day?: string;
  /** Tries on that day. */
  attempts?: number;
  /** The day's reconciliation finished. */
  done?: boolean;
  /** A run is reconciling until then (epoch ms). */
  runningUntil?: number;
  /** The last reconciliation that finished. */
  last?: ReconcileSummary;
}

/**
 * Whether a reconciliation is due at `nowMs`: at or after 02:00 China time, and the day is not claimed yet, or
 * its tries failed (fewer than {@link MAX_ATTEMPTS_PER_DAY}) and nobody is running one.
 */
export function nightlyDue(state: NightlyState, nowMs: number): boolean {
  const hour = new Date(nowMs + CHINA_OFFSET_MS).getUTCHours();
  if (hour < NIGHTLY_HOUR) return false;
  if (state.day !== chinaDay(nowMs)) return true;
  return state.done !== true && (state.attempts ?? 0) < MAX_ATTEMPTS_PER_DAY && (state.runningUntil ?? 0) <= nowMs;
}

/** The stored schedule (one round trip). */
export async function readNightly(store: Store): Promise<NightlyState> {
  const [current] = await store.read<NightlyState>([NIGHTLY_TAG]);
  return current?.record ?? {};
}

/**
 * Claims the day of `nowMs` for this run. False when it is not due (another run has it, or, unless `force`, it
 * is too early or done).
 */
export function claimNightly(store: Store, nowMs: number, force: boolean): Promise<boolean> {
  const day = chinaDay(nowMs);
  return transact<NightlyState, boolean>({ store, tag: NIGHTLY_TAG }, (current) => {
    const state = current.record ?? {};
    if (!force && !nightlyDue(state, nowMs)) return { kind: 'done', result: false };
    const attempts = state.day === day ? (state.attempts ?? 0) + 1 : 1;
    return { kind: 'commit', next: { ...state, day, attempts, done: false, runningUntil: nowMs + NIGHTLY_LEASE_MS }, audit: { at: nowMs, activity: 'ops-watch', resultCode: 'reconcile-claimed', detail: day }, result: true };
  });
}

/**
 * Ends the day's claim: a summary is kept and the day is done; `skipped` (nothing can run it) is done too;
 * `failed` (it threw) frees the day for another try while tries are left.
 */
export function finishNightly(store: Store, nowMs: number, outcome: ReconcileSummary | 'failed' | 'skipped'): Promise<void> {
  return transact<NightlyState, void>({ store, tag: NIGHTLY_TAG }, (current) => {
    const state = current.record ?? {};
    const next: NightlyState = typeof outcome === 'object' ? { ...state, done: true, last: outcome } : { ...state, done: outcome === 'skipped' };
    delete next.runningUntil;
    const detail = typeof outcome === 'object' ? `${outcome.findings} finding(s) of ${outcome.checked}` : outcome;
    return { kind: 'commit', next, audit: { at: nowMs, activity: 'ops-watch', resultCode: 'reconcile-finished', detail }, result: undefined };
  });
}
