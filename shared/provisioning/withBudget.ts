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
  // One controller with a plain timer, not AbortSignal.timeout() combined by AbortSignal.any(): on Node 20
  // a timeout signal that only a composite refers to can be garbage-collected and then never aborts, and
  // the lease's abort is what keeps two attempts from provisioning one instance at once.
  const controller = new AbortController();
  const timer = options.hardLimitMs === undefined
    ? undefined
    : setTimeout(() => controller.abort(new DOMException('the provisioning lease ended', 'TimeoutError')), Math.max(0, options.hardLimitMs));
  const parent = options.signal;
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  // `then` turns a synchronous throw inside `work` into a rejection too.
  const running = Promise.resolve().then(() => work(controller.signal));
  const settled = (): void => {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  };
  running.then(settled, settled);
  return raceTimer(running, budgetMs);
}
