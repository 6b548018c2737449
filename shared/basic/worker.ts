/**
 * `provision-worker`: finishes provisioning that answered `000004`, and queries the order of each newly
 * provisioned instance (see enrichOrders.ts) when the open API is configured. It takes due jobs under a lease
 * (a crashed worker's jobs come due again when the lease ends), takes over the instance's provisioning
 * lease through {@link transact}, provisions, and stores the result. At least once: the provisioner
 * must be idempotent per instanceId. It answers nobody: the stored answer is what the marketplace's
 * next newInstance retry gets, encoded for the record's protocol with the newest key.
 * @module
 */
import { transact } from '../callback/transact';
import { loggableMessage } from '../core/errors';
import { decideTakeover } from '../lifecycle/newInstance';
import type { InstanceRecord } from '../lifecycle/types';
import { instanceTag } from '../store/keys';
import type { AnswerScope } from './call';
import { decideEnv, recordView } from './call';
import type { ProduceDeps } from './deps';
import { provisionInstance } from './provisionInstance';
import { basicResponder } from './responder';
import { enrichDueInstances } from './enrichOrders';
import { orderQueryEnabled } from './enrichSchedule';
import { usageLedgerFor } from '../store/usageLedgerFor';

/** What one worker run did. */
export interface WorkerReport {
  claimed: number;
  /** instanceId -> outcome (`000000`, a failure code, `leased` when another owner still holds it, `gone`). */
  results: Record<string, string>;
  /**
   * Order queries of provisioned instances (when KG_OPENAPI_AK/SK are set): instanceId -> `enriched`, `retry`,
   * `gone`, `gave-up` or `error`.
   */
  enriched?: Record<string, string>;
}

/** Options of one worker run. */
export interface WorkerOptions {
  /** Most jobs taken in one run (default 10); they are provisioned concurrently. */
  limit?: number;
  /** Finish just this instance (an asynchronous invocation). */
  onlyInstanceId?: string;
  /** Time the invocation has left (ms), from `context.getRemainingTimeInMilliSeconds()`. */
  remainingMs?: number;
}

/**
 * How long one job may provision (ms): inside its lease with a margin (so the result is written before
 * another worker may take over) and inside the invocation's remaining time.
 */
export function jobBudgetMs(leaseMs: number, remainingMs = Number.POSITIVE_INFINITY): number {
  const margin = Math.min(5_000, Math.floor(leaseMs / 4));
  return Math.max(1, Math.min(leaseMs - margin, remainingMs - margin));
}

/** Runs due jobs (or just `onlyInstanceId`), concurrently, each within {@link jobBudgetMs}. */
export async function runProvisionWorker(deps: ProduceDeps, options: WorkerOptions = {}): Promise<WorkerReport> {
  const leaseMs = deps.config.KG_PROVISION_LEASE_MS;
  const budgetMs = jobBudgetMs(leaseMs, options.remainingMs);
  const ids = options.onlyInstanceId
    ? [options.onlyInstanceId]
    : await deps.store.claimDueJobs({ nowMs: deps.clock(), leaseMs, limit: options.limit ?? 10 });
  const results: Record<string, string> = {};
  // Order queries run beside the provisioning jobs, never before them.
  const enrichment = options.onlyInstanceId ? Promise.resolve(undefined) : enrichOrders(deps, options.remainingMs);
  await Promise.all(ids.map(async (id) => {
    try {
      results[id] = await finishJob(deps, id, budgetMs);
    } catch (err) {
      // The job stays queued (its lease ends and it comes due again).
      results[id] = 'error';
      deps.logger.warn('worker.job_failed', { instanceId: id, error: (err as Error)?.name });
    }
  }));
  const enriched = await enrichment;
  return { claimed: ids.length, results, ...(enriched && Object.keys(enriched).length > 0 ? { enriched } : {}) };
}

/** Runs the due order queries when the open API is configured; never rejects. */
async function enrichOrders(deps: ProduceDeps, remainingMs: number | undefined): Promise<Record<string, string> | undefined> {
  if (!orderQueryEnabled(deps.config)) return undefined;
  try {
    // Loaded on first use: the SDK signer (moment, lodash) costs a cold start ~60 ms that a run without order
    // queries (AK/SK unset) should not pay.
    const { openApiClientFrom } = await import('../marketplace/fromConfig');
    const client = openApiClientFrom(deps.config, deps.logger);
    return await enrichDueInstances({ store: deps.store, ledger: usageLedgerFor(deps.store), client, clock: deps.clock, logger: deps.logger }, remainingMs === undefined ? {} : { remainingMs });
  } catch (err) {
    deps.logger.warn('enrich.unavailable', { error: (err as Error)?.name, message: loggableMessage(err) });
    return undefined;
  }
}

/** How the worker's answers are encoded and audited for `record`. */
function workerScope(deps: ProduceDeps, record: InstanceRecord): AnswerScope {
  return {
    deps,
    responder: basicResponder(record.protocol, deps.keys[0] ?? '', deps.config.KG_ENCRYPT_TYPE),
    audit: { activity: 'provision', orderId: record.orderId, ...(record.orderLineId ? { orderLineId: record.orderLineId } : {}), requestId: 'provision-worker' },
  };
}

/** Takes over one instance's provisioning and finishes it; `gone` and `leased` when there is nothing to do. */
async function finishJob(deps: ProduceDeps, instanceId: string, budgetMs: number): Promise<string> {
  return transact<InstanceRecord, string>({ store: deps.store, tag: instanceTag(instanceId) }, async (current) => {
    const record = current.record;
    if (!record || record.status !== 'PROVISIONING') {
      await deps.store.completeJob(instanceId);
      return { kind: 'done', result: 'gone' };
    }
    const env = decideEnv(deps);
    const decision = decideTakeover(record, env, { owner: deps.leaseOwner, until: env.now + deps.config.KG_PROVISION_LEASE_MS });
    if (decision.kind !== 'takeover') return { kind: 'done', result: 'leased' };
    const scope = workerScope(deps, record);
    return {
      kind: 'commit',
      next: decision.next,
      view: recordView(decision.next),
      audit: { at: env.now, activity: 'provision', resultCode: 'takeover', requestId: 'provision-worker', orderId: record.orderId },
      result: async (version) => (await provisionInstance(scope, decision.next, version, budgetMs)).resultCode,
    };
  });
}
