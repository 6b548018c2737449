/**
 * Queues the order query of a newly provisioned instance (V2 newInstance does not say whether the order is
 * on-demand; query order does). Light on purpose: `produce` loads this, never the open-API client. The queue
 * write runs beside the answer's own write, so the marketplace never waits for it, and it never fails a call.
 * @module
 */
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { Store } from '../store/Store';
import { scheduleEnrichment } from '../store/enrichQueue';

/** True when the seller's AK/SK are configured, so provision-worker can query orders. */
export function orderQueryEnabled(config: Config): boolean {
  return Boolean(config.KG_OPENAPI_AK && config.KG_OPENAPI_SK);
}

/**
 * Queues the instance's order query, due at once (provision-worker takes it on its next run). Resolves
 * in every case; a failure is logged (the instance then simply has no order summary: usage for it is
 * accepted without the on-demand check, and `kg order` still answers).
 */
export async function scheduleOrderQuery(deps: { config: Config; store: Store; clock: () => number; logger: Logger }, instanceId: string): Promise<void> {
  if (!orderQueryEnabled(deps.config)) return;
  try {
    await scheduleEnrichment(deps.store, instanceId, deps.clock());
  } catch (err) {
    deps.logger.warn('enrich.schedule_failed', { instanceId, error: (err as Error)?.name });
  }
}
