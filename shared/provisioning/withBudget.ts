/**
 * Waiting for work for a limited time without cancelling it: `newInstance` gives the provisioner a
 * budget, answers `000004` when it runs out, and still uses the result if it arrives later.
 * @module
 */
import { raceTimer, type Raced } from '../core/deadline';

/** Outcome of {@link runWithBudget}: the value in time, or the still-running work. */
export type BudgetResult<T> = Raced<T>;

/** Options of {@link runWithBudget}. */
export interface BudgetOptions {
  /** Aborts the work's signal this long after the start (ms), even after the budget passed. Default: never. */
  hardLimitMs?: number;
  /** Aborts the work's signal when it aborts (e.g. the function is about to end). */
  signal?: AbortSignal;
}

/**
 * Runs `work` and resolves as soon as it settles or `budgetMs` (ms) passes, whichever is first.
 * - settled in time: `{ done: true, value }`, or a rejection with the work's own error;
 * - budget passed: `{ done: false, late }`. The work is NOT aborted by the budget: it keeps running and
 *   `late` settles with its eventual result. `late` is already marked handled, so a late failure that
 *   nobody awaits is not an unhandled rejection; a caller that awaits it still sees the error.
 *
 * The signal given to `work` aborts only through `options` (hard limit or the caller's signal).
 */
export function runWithBudget<T>(
  work: (signal: AbortSignal) => Promise<T>,
  budgetMs: number,
  options: BudgetOptions = {},
): Promise<BudgetResult<T>> {
  const signals: AbortSignal[] = [];
  if (options.hardLimitMs !== undefined) signals.push(AbortSignal.timeout(Math.max(0, options.hardLimitMs)));
  if (options.signal) signals.push(options.signal);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : new AbortController().signal;
  // `then` turns a synchronous throw inside `work` into a rejection too.
  return raceTimer(Promise.resolve().then(() => work(signal)), budgetMs);
}
