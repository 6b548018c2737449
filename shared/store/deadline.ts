/**
 * A hard upper bound on waits the client's own timeouts do not cover: a cold start's wait for the first
 * connection, and closing the connection.
 * @module
 */
import { withDeadline as bounded } from '../core/deadline';
import { StoreUnavailableError } from '../core/errors';

/**
 * Runs `work` and settles like it, but rejects with {@link StoreUnavailableError} once `ms` (ms) have
 * passed and aborts `signal`, so work that has not been sent yet is never sent.
 */
export function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, what: string): Promise<T> {
  return bounded(work, ms, () => new StoreUnavailableError(`store ${what} gave no answer within ${ms} ms`));
}
