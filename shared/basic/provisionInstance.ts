/**
 * Provisioning one claimed instance: call the provisioner within a time budget, seal the password,
 * and compare-and-set the outcome. Shared by `newInstance` (budget = KG_PROVISION_BUDGET_MS) and
 * `provision-worker` (budget = the rest of its lease). When the budget runs out, the answer is `000004`,
 * the job is queued for provision-worker, and a late result is still written if nobody took over.
 * @module
 */
import { compareAndSet } from '../callback/transact';
import type { Outcome } from '../callback/spec';
import { toResult } from '../core/errors';
import { RESULT, RESULT_MESSAGE } from '../core/resultCodes';
import { completeProvisioning, markQueued, type ProvisioningOutcome } from '../lifecycle/newInstance';
import type { AppInfoRecord, InstanceRecord } from '../lifecycle/types';
import { isRefusal, type ProvisionedApp } from '../provisioning/Provisioner';
import { runWithBudget } from '../provisioning/withBudget';
import type { Sealer } from '../security/dataSeal';
import { instanceTag } from '../store/keys';
import { auditEntry, decideEnv, materialize, outcomeOf, type AnswerScope } from './call';
import { asFailure } from './effects';
import { scheduleOrderQuery } from './enrichSchedule';

/** Provisions `record` (held at `version`, leased by us) and stores the result. */
export async function provisionInstance(scope: AnswerScope, record: InstanceRecord, version: number, budgetMs: number): Promise<Outcome> {
  const { store, config, clock } = scope.deps;
  const tag = instanceTag(record.instanceId);
  // The attempt's signal aborts when our lease ends: from then on another invocation or the worker may
  // take over, and a second account for the same instance is what the lease exists to prevent.
  const leaseUntil = record.provisioning?.leaseUntil ?? clock() + config.KG_PROVISION_LEASE_MS;
  const run = await runWithBudget((signal) => provisionOutcome(scope, record, signal), budgetMs, { hardLimitMs: Math.max(0, leaseUntil - clock()) });

  if (!run.done) {
    // The worker takes the job when our lease ends, unless the late result below lands first. The job
    // goes in before the record says `queuedAt`: queryInstance re-queues only records without it, so a
    // record marked queued whose job never got in would wait for the marketplace's next newInstance.
    await store.enqueueJob(record.instanceId, leaseUntil);
    const queued = materialize(markQueued(record, decideEnv(scope.deps)), scope, record);
    const committed = await compareAndSet(store, tag, version, {
      ...queued.write,
      audit: auditEntry(scope, queued.resultCode, clock(), `provisioning continues after ${budgetMs} ms`),
    });
    if (committed.ok && queued.write) writeLateResult(scope, queued.write.next, run.late, committed.version);
    return outcomeOf(queued, record.instanceId, 'provisioning is still running');
  }

  const outcome = run.value;
  const done = materialize(completeProvisioning(record, outcome, decideEnv(scope.deps)), scope, record);
  // The order query is queued beside the commit (never after it), so the answer waits for no extra round trip.
  const [committed] = await Promise.all([
    compareAndSet(store, tag, version, {
      ...done.write,
      audit: auditEntry(scope, done.resultCode, clock(), outcome.ok ? undefined : outcome.resultMsg),
    }),
    outcome.ok ? scheduleOrderQuery(scope.deps, record.instanceId) : undefined,
  ]);
  if (!committed.ok) {
    // Someone took over our lease meanwhile: their answer will be stored; ours must not claim success.
    const body = scope.responder.encode({ resultCode: RESULT.PROCESSING, resultMsg: RESULT_MESSAGE[RESULT.PROCESSING], instanceId: record.instanceId });
    return outcomeOf({ body, resultCode: RESULT.PROCESSING }, record.instanceId, 'provisioning lease was taken over');
  }
  // A first attempt that finished in time never had a job: skip the extra round trip.
  const hadJob = record.provisioning?.queuedAt !== undefined || (record.provisioning?.attempts ?? 1) > 1;
  if (outcome.ok || outcome.permanent) {
    if (hadJob) await store.completeJob(record.instanceId);
  } else {
    await store.enqueueJob(record.instanceId, clock() + config.KG_PROVISION_LEASE_MS);
  }
  return outcomeOf(done, record.instanceId, outcome.ok ? undefined : outcome.resultMsg);
}

/** Calls the provisioner and maps its answer or error to a lifecycle outcome; never rejects. */
async function provisionOutcome(scope: AnswerScope, record: InstanceRecord, signal: AbortSignal): Promise<ProvisioningOutcome> {
  const attributes = record.attributes ?? {};
  try {
    const value = await scope.deps.provisioner.provision({
      instanceId: record.instanceId,
      orderId: record.orderId,
      orderLineId: record.orderLineId,
      businessId: attributes.businessId ?? '',
      ...(record.productId ? { productId: record.productId } : {}),
      ...(record.skuCode ? { skuCode: record.skuCode } : {}),
      ...(record.expireTime ? { expireTime: record.expireTime } : {}),
      attributes,
      signal,
    });
    if (isRefusal(value)) return { ok: false, ...asFailure(value.resultCode, value.resultMsg), permanent: true };
    return { ok: true, appInfo: sealApp(value, scope.deps.sealer) };
  } catch (err) {
    const r = toResult(err);
    scope.deps.logger.warn('provisioner.failed', { instanceId: record.instanceId, resultCode: r.resultCode, error: (err as Error)?.name });
    return { ok: false, ...asFailure(r.resultCode, r.resultMsg), permanent: false };
  }
}

function sealApp(app: ProvisionedApp, sealer: Sealer): AppInfoRecord {
  return {
    frontEndUrl: app.frontEndUrl,
    ...(app.adminUrl ? { adminUrl: app.adminUrl } : {}),
    ...(app.userName ? { userName: app.userName } : {}),
    ...(app.password ? { passwordSealed: sealer.seal(app.password) } : {}),
    ...(app.memo ? { memo: app.memo } : {}),
  };
}

/**
 * After a `000004` the provisioner may still finish in this process (always on the local server; on
 * FunctionGraph only while the instance stays warm). Its result is written only if the record is still
 * `queued` at `version`, the one we wrote, so a worker that took over wins; the compare-and-set alone
 * decides, with no read first. Errors here are logged, never thrown.
 */
function writeLateResult(scope: AnswerScope, queued: InstanceRecord, late: Promise<ProvisioningOutcome>, version: number): void {
  const { store, logger, clock } = scope.deps;
  const { instanceId } = queued;
  late
    .then(async (outcome) => {
      const done = materialize(completeProvisioning(queued, outcome, decideEnv(scope.deps)), scope, queued);
      const [committed] = await Promise.all([
        compareAndSet(store, instanceTag(instanceId), version, {
          ...done.write,
          audit: { ...auditEntry(scope, done.resultCode, clock(), 'late provisioning result'), activity: 'provision' },
        }),
        outcome.ok ? scheduleOrderQuery(scope.deps, instanceId) : undefined,
      ]);
      if (committed.ok && (outcome.ok || outcome.permanent)) await store.completeJob(instanceId);
    })
    .catch((err: unknown) => logger.warn('provisioning.late_result_failed', { instanceId, error: (err as Error)?.name }));
}
