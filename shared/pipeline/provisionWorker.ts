/**
 * `provision-worker`: finishes provisioning that answered `000004`. It takes due jobs under a lease
 * (a crashed worker's jobs come due again when the lease ends), takes over the instance's provisioning
 * lease with compare-and-set, provisions, and stores the result. At least once: the provisioner must be
 * idempotent per instanceId.
 * @module
 */
import { decideNewInstanceRetry } from '../lifecycle/newInstance';
import type { ProduceDeps } from './deps';
import { decideEnv, type CallContext } from './callContext';
import { provisionInstance } from './provisionInstance';
import { v1Responder, v2Responder } from './responder';

/** What one worker run did. */
export interface WorkerReport {
  claimed: number;
  /** instanceId -> outcome (`000000`, a failure code, `leased` when another owner still holds it, `gone`). */
  results: Record<string, string>;
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
  await Promise.all(ids.map(async (id) => {
    try {
      results[id] = await processJob(deps, id, budgetMs);
    } catch (err) {
      // The job stays queued (its lease ends and it comes due again).
      results[id] = 'error';
      deps.logger.warn('worker.job_failed', { instanceId: id, error: (err as Error)?.name });
    }
  }));
  return { claimed: ids.length, results };
}

async function processJob(deps: ProduceDeps, instanceId: string, budgetMs: number): Promise<string> {
  const { store, config } = deps;
  const [current] = await store.read([instanceId]);
  const record = current?.record;
  if (!current || !record || record.status !== 'PROVISIONING') {
    await store.completeJob(instanceId);
    return 'gone';
  }
  const keys = config.KG_ACCESS_KEY ?? [];
  const ctx: CallContext = {
    deps,
    responder: record.protocol === 'v1' ? v1Responder(keys[0] ?? '', config.KG_ENCRYPT_TYPE) : v2Responder(undefined),
    audit: { activity: 'provision', orderId: record.orderId, ...(record.orderLineId ? { orderLineId: record.orderLineId } : {}), requestId: 'provision-worker' },
  };
  const env = decideEnv(deps);
  const lease = { owner: deps.leaseOwner, until: env.now + config.KG_PROVISION_LEASE_MS };
  const cmd = { activity: 'newInstance' as const, orderId: record.orderId, orderLineId: record.orderLineId, businessId: record.attributes?.businessId ?? '', test: false };
  const decision = decideNewInstanceRetry(record, cmd, env, lease);
  if (decision.kind !== 'takeover') return 'leased';
  const taken = await store.commit(instanceId, {
    expectedVersion: current.version,
    record: decision.next,
    audit: { at: env.now, activity: 'provision', resultCode: 'takeover', requestId: 'provision-worker', orderId: record.orderId },
  });
  if (!taken.ok) return 'leased';
  const out = await provisionInstance(ctx, decision.next, taken.version, budgetMs);
  return out.resultCode;
}
