/**
 * provision-worker's second job: for each provisioned instance queued by {@link scheduleOrderQuery}, ask the
 * open API's query order what was bought (charging mode, period, expiry, order type) and keep it on the
 * instance record (`order`), with an audit entry. It runs after provisioning, in the worker, so no answer to
 * the marketplace ever waits for it; a failed query comes due again with a growing pause.
 * @module
 */
import { transact } from '../callback/transact';
import type { InstanceRecord, OrderSummary } from '../lifecycle/types';
import { MarketplaceError, MarketplaceNotFoundError, MarketplaceValidationError } from '../marketplace/errors';
import type { OpenApiClient } from '../marketplace/openApiClient';
import { queryOrder, summariseOrder } from '../marketplace/orderQuery';
import type { Logger } from '../platform/logger';
import { instanceTag } from '../store/keys';
import type { Store } from '../store/Store';
import type { EnrichmentJob, UsageLedger } from '../store/UsageLedger';

/** Failed queries after which an instance is given up (logged at error). */
export const MAX_ENRICH_ATTEMPTS = 12;

/** Failed queries of an unknown order (or a refused query) after which it is given up. */
export const MAX_NOT_FOUND_ATTEMPTS = 5;

/** First pause after a failed query (ms); doubles each time up to {@link MAX_ENRICH_BACKOFF_MS}. */
export const FIRST_ENRICH_BACKOFF_MS = 30_000;
export const MAX_ENRICH_BACKOFF_MS = 3_600_000;

/** Pause before looking again at an instance still provisioning (ms). */
export const PROVISIONING_RECHECK_MS = 30_000;

/** What the enrichment needs. */
export interface EnrichDeps {
  store: Store;
  ledger: UsageLedger;
  client: OpenApiClient;
  clock: () => number;
  logger: Logger;
}

/** The pause after the `attempts`-th failure (ms). */
export function enrichBackoffMs(attempts: number): number {
  return Math.min(MAX_ENRICH_BACKOFF_MS, FIRST_ENRICH_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Queries the due instances (at most `limit`, concurrently), each leased for the client's worst case.
 * @returns instanceId -> `enriched`, `gone` (nothing to do), `retry`, `gave-up` or `error`.
 */
export async function enrichDueInstances(deps: EnrichDeps, options: { limit?: number; remainingMs?: number } = {}): Promise<Record<string, string>> {
  const worst = deps.client.worstCaseMs;
  if ((options.remainingMs ?? Number.POSITIVE_INFINITY) < worst + 2_000) return {};
  const jobs = await deps.ledger.claimEnrichments({ nowMs: deps.clock(), leaseMs: worst + 10_000, limit: options.limit ?? 10 });
  const results: Record<string, string> = {};
  await Promise.all(jobs.map(async (job) => {
    try {
      results[job.instanceId] = await enrichOne(deps, job);
    } catch (err) {
      // Store trouble: the lease ends and the job comes due again.
      results[job.instanceId] = 'error';
      deps.logger.warn('enrich.failed', { instanceId: job.instanceId, error: (err as Error)?.name });
    }
  }));
  return results;
}

async function enrichOne(deps: EnrichDeps, job: EnrichmentJob): Promise<string> {
  const { store, ledger, clock, logger } = deps;
  const { instanceId } = job;
  const [current] = await store.read<InstanceRecord>([instanceTag(instanceId)]);
  const record = current?.record;
  if (!record || record.status === 'RELEASED' || record.status === 'FAILED' || record.order) {
    await ledger.completeEnrichment(instanceId);
    return 'gone';
  }
  if (record.status === 'PROVISIONING') {
    await ledger.retryEnrichment(instanceId, clock() + PROVISIONING_RECHECK_MS);
    return 'retry';
  }
  let summary: Omit<OrderSummary, 'queriedAt'>;
  try {
    const order = await queryOrder(deps.client, record.orderId, record.orderLineId === '' ? undefined : record.orderLineId);
    summary = summariseOrder(order, record.orderLineId);
  } catch (err) {
    if (!(err instanceof MarketplaceError)) throw err;
    const attempts = job.attempts + 1;
    const permanent = err instanceof MarketplaceNotFoundError || err instanceof MarketplaceValidationError;
    if (attempts >= (permanent ? MAX_NOT_FOUND_ATTEMPTS : MAX_ENRICH_ATTEMPTS)) {
      await ledger.completeEnrichment(instanceId);
      logger.error('enrich.gave_up', { instanceId, orderId: record.orderId, code: err.code, attempts });
      return 'gave-up';
    }
    await ledger.retryEnrichment(instanceId, clock() + enrichBackoffMs(attempts));
    logger.warn('enrich.query_failed', { instanceId, orderId: record.orderId, code: err.code, attempts });
    return 'retry';
  }
  const at = clock();
  await transact<InstanceRecord, void>({ store, tag: instanceTag(instanceId) }, (latest) => {
    if (!latest.record || latest.record.order) return { kind: 'done', result: undefined };
    return {
      kind: 'commit',
      next: { ...latest.record, order: { ...summary, queriedAt: at } },
      audit: {
        at, activity: 'orderQuery', resultCode: 'MKT.0000', requestId: 'provision-worker', orderId: record.orderId,
        ...(record.orderLineId ? { orderLineId: record.orderLineId } : {}),
        detail: `chargingMode ${summary.chargingMode ?? '?'}${summary.orderType ? `, orderType ${summary.orderType}` : ''}`,
      },
      result: undefined,
    };
  });
  await ledger.completeEnrichment(instanceId);
  logger.info('enrich.done', { instanceId, orderId: record.orderId, chargingMode: summary.chargingMode });
  return 'enriched';
}
