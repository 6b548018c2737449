/**
 * A hard upper bound on any store call, on top of the client's own timeouts, so nothing can hang a
 * function handler whatever state the connection is in.
 * @module
 */
import { StoreUnavailableError } from '../protocol/errors';

/**
 * Runs `work` and settles like it, but rejects with {@link StoreUnavailableError} once `ms` (ms) have
 * passed and aborts `signal`, so work that has not been sent yet is never sent. A late rejection of
 * `work` is swallowed so it never becomes an unhandled rejection.
 */
export function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, what: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new StoreUnavailableError(`store ${what} gave no answer within ${ms} ms`));
    }, ms);
  });
  const running = work(controller.signal);
  running.catch(() => undefined);
  return Promise.race([running, expired]).finally(() => clearTimeout(timer));
}
