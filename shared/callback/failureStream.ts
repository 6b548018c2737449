/**
 * Every answer but `000000` also goes to the failure stream, so a merchant sees trouble before the
 * marketplace counts it. Best effort: a store that is down must not change the answer.
 * @module
 */
import type { FailureEntry, Store } from '../store/Store';
import type { Logger } from '../platform/logger';

/** Appends `entry`; logs (never throws) when the store cannot take it. */
export async function recordFailure(store: Store, logger: Logger, entry: FailureEntry): Promise<void> {
  try {
    await store.recordFailure(entry);
  } catch (err) {
    logger.warn('failure_stream.unavailable', { requestId: entry.requestId, error: err instanceof Error ? err.name : typeof err });
  }
}
