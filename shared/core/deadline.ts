/**
 * The one way this project waits for something with a time limit. Three uses, one primitive:
 * - a store call waiting for the first connection of a cold start (`withDeadline`, rejecting; once
 *   connected the Redis client bounds each command itself),
 * - a provisioner call bounded by its timeout (`withDeadline`, rejecting),
 * - newInstance's provisioning budget, after which the answer is `000004` but the work goes on
 *   (`raceTimer`, not rejecting),
 * and the whole request, bounded by the function's remaining time (`withDeadline`).
 * @module
 */

/** Outcome of {@link raceTimer}: the value in time, or the still-running work. */
export type Raced<T> = { done: true; value: T } | { done: false; late: Promise<T> };

/**
 * Waits for `running` at most `ms` (ms). In time: `{ done: true, value }` (or the work's own rejection).
 * Too late: `{ done: false, late }`, where `late` is the same work, already marked handled, so a failure
 * nobody awaits is not an unhandled rejection. Nothing is cancelled.
 */
export function raceTimer<T>(running: Promise<T>, ms: number): Promise<Raced<T>> {
  // One promise and one timer, no Promise.race: this runs on every request. The rejection handler keeps a
  // late failure from being reported as unhandled; settling twice is a no-op.
  return new Promise<Raced<T>>((resolve, reject) => {
    const timer = setTimeout(() => resolve({ done: false, late: running }), Math.max(0, ms));
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve({ done: true, value });
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Runs `work` and settles like it, but rejects with `onTimeout()` once `ms` (ms) have passed, and aborts
 * the signal given to `work` then, so work not started yet is never started. `parent` (optional) aborts
 * it earlier. A late rejection of `work` is swallowed.
 */
export function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  onTimeout: () => Error,
  parent?: AbortSignal,
): Promise<T> {
  return withLazyDeadline((scope) => work(scope.signal), ms, onTimeout, parent);
}

/** What {@link withLazyDeadline} hands its work: the deadline's signal, made when first asked for. */
export interface DeadlineScope {
  /** Aborts when the deadline passes (or the parent aborts). Created on first read: most requests never read it. */
  readonly signal: AbortSignal;
}

/**
 * {@link withDeadline} with the work's AbortSignal created only if the work reads `scope.signal` (a
 * provisioner or forwarder call): the request path runs through here, and making a signal costs more than
 * the rest of a replayed answer's bookkeeping. A signal first read after the deadline (or after `parent`
 * aborted) comes already aborted. One promise and one timer; a late settlement of the work is a no-op, its
 * rejection handled here, so it is never reported as unhandled.
 */
export function withLazyDeadline<T>(work: (scope: DeadlineScope) => Promise<T>, ms: number, onTimeout: () => Error, parent?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const scope = new LazyScope();
    const onParentAbort = (): void => scope.abort();
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const settled = (): void => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    };
    timer = setTimeout(() => {
      settled();
      scope.abort();
      reject(onTimeout());
    }, Math.max(0, ms));
    if (parent?.aborted) scope.abort();
    else parent?.addEventListener('abort', onParentAbort, { once: true });
    let running: Promise<T>;
    try {
      running = work(scope);
    } catch (err) {
      settled();
      reject(err);
      return;
    }
    Promise.resolve(running).then(
      (value) => {
        settled();
        resolve(value);
      },
      (err: unknown) => {
        settled();
        reject(err);
      },
    );
  });
}

/** The {@link DeadlineScope} of {@link withLazyDeadline}: a class, so a request makes one small object. */
class LazyScope implements DeadlineScope {
  private controller: AbortController | undefined = undefined;
  private aborted = false;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }
}

/** Waits `ms`, or less when `signal` aborts (then it resolves at once; it never rejects). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
