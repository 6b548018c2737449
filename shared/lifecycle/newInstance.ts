/**
 * newInstance: claim an order line, replay or resume on retries, and record the provisioner's outcome.
 * The pipeline claims with {@link claimRecord}, or calls {@link decideNewInstanceRetry} when a record
 * already exists, runs the provisioner, then calls {@link completeProvisioning} or {@link markQueued}.
 * @module
 */
import { RESULT, type ResultCode } from '../core/resultCodes';
import { openAppInfo } from './appInfo';
import { reply, replayStored } from './answers';
import { newInstanceKey } from './keys';
import { applyChange, historyEntry } from './transition';
import type { Answer, AppInfoRecord, Command, DecideEnv, InstanceRecord, ProvisioningState } from './types';

/** The newInstance command. */
export type NewInstanceCommand = Extract<Command, { activity: 'newInstance' }>;

/** Who provisions now and until when (`until` is epoch ms). */
export interface Lease {
  owner: string;
  until: number;
}

/** The answer to a retry when another invocation's lease has ended: provision again under `next`. */
export interface Takeover {
  kind: 'takeover';
  /** The record with the new lease and one more attempt; write it with compare-and-set. */
  next: InstanceRecord;
}

/** What the provisioner did: created the instance (password already sealed), or failed. */
export type ProvisioningOutcome =
  | { ok: true; appInfo: AppInfoRecord }
  | { ok: false; resultCode: ResultCode; resultMsg: string; permanent: boolean };

/**
 * The PROVISIONING placeholder a first newInstance inserts: attempt 1 under `lease`, one history entry
 * from `null`. `env.now` (epoch ms) becomes createdAt and updatedAt.
 */
export function claimRecord(
  cmd: NewInstanceCommand,
  instanceId: string,
  env: DecideEnv,
  lease: Lease,
  protocol: 'v2' | 'v1',
): InstanceRecord {
  const record: InstanceRecord = {
    instanceId,
    orderId: cmd.orderId,
    orderLineId: cmd.orderLineId,
    protocol,
    status: 'PROVISIONING',
    createdAt: env.now,
    updatedAt: env.now,
    provisioning: { attempts: 1, leaseOwner: lease.owner, leaseUntil: lease.until },
    responses: {},
    history: [
      historyEntry(env.now, null, {
        activity: 'newInstance',
        to: 'PROVISIONING',
        orderId: cmd.orderId,
        orderLineId: cmd.orderLineId,
        expireTime: cmd.expireTime,
      }),
    ],
  };
  if (cmd.productId !== undefined) record.productId = cmd.productId;
  if (cmd.skuCode !== undefined) record.skuCode = cmd.skuCode;
  if (cmd.expireTime !== undefined) record.expireTime = cmd.expireTime;
  if (cmd.attributes !== undefined) record.attributes = { ...cmd.attributes };
  return record;
}

/**
 * A newInstance for an order line that already has a record: replay the stored answer, report that
 * provisioning is under way (000004), take over an ended lease, or answer from the settled status.
 */
export function decideNewInstanceRetry(
  record: InstanceRecord,
  cmd: NewInstanceCommand,
  env: DecideEnv,
  lease: Lease,
): Answer | Takeover {
  const stored = replayStored(record, newInstanceKey(cmd.orderId, cmd.orderLineId));
  if (stored) return stored;
  return decideTakeover(record, env, lease);
}

/**
 * Whether `lease` may take over provisioning of `record` now (provision-worker, and a retry with no
 * stored answer): a takeover when the current lease has ended, `000004` while it runs, the settled
 * answer when provisioning is over.
 */
export function decideTakeover(record: InstanceRecord, env: DecideEnv, lease: Lease): Answer | Takeover {
  if (record.status !== 'PROVISIONING') return answerSettled(record, env);
  const current = record.provisioning;
  // A lease without an end (never expected) counts as ended, so the order line cannot stay stuck.
  if (current?.leaseUntil !== undefined && current.leaseUntil > env.now) {
    return reply(RESULT.PROCESSING, { instanceId: record.instanceId });
  }
  const provisioning: ProvisioningState = {
    ...current,
    attempts: (current?.attempts ?? 0) + 1,
    leaseOwner: lease.owner,
    leaseUntil: lease.until,
  };
  // A takeover is bookkeeping, not a status change: no history entry.
  return { kind: 'takeover', next: { ...record, provisioning, updatedAt: env.now } };
}

/**
 * Records the provisioner's outcome. Success -> ACTIVE (000000, remembered); permanent refusal ->
 * FAILED with that code (remembered); transient failure -> stays PROVISIONING with the lease released
 * (000005, not remembered, so the next retry provisions again). A record that is no longer
 * PROVISIONING (released, or finished by another invocation) is never changed.
 */
export function completeProvisioning(record: InstanceRecord, outcome: ProvisioningOutcome, env: DecideEnv): Answer {
  if (record.status !== 'PROVISIONING') {
    return replayStored(record, newInstanceKey(record.orderId, record.orderLineId)) ?? answerSettled(record, env);
  }
  const key = newInstanceKey(record.orderId, record.orderLineId);
  const attempts = record.provisioning?.attempts ?? 1;
  const change = { activity: 'newInstance', orderId: record.orderId, orderLineId: record.orderLineId };
  if (outcome.ok) {
    const next = applyChange(record, { ...change, to: 'ACTIVE' }, env.now, {
      appInfo: { ...outcome.appInfo },
      provisioning: { attempts },
    });
    return reply(RESULT.SUCCESS, { instanceId: record.instanceId, ...createdAppInfo(next, env), next, remember: key });
  }
  if (outcome.permanent) {
    const failure = { resultCode: outcome.resultCode, resultMsg: outcome.resultMsg };
    const next = applyChange(record, { ...change, to: 'FAILED' }, env.now, { failure, provisioning: { attempts } });
    return reply(outcome.resultCode, { resultMsg: outcome.resultMsg, instanceId: record.instanceId, next, remember: key });
  }
  const next: InstanceRecord = {
    ...record,
    updatedAt: env.now,
    provisioning: { ...record.provisioning, attempts, leaseUntil: env.now, lastError: outcome.resultMsg },
  };
  // The provisioner's own text stays in lastError for operators; the marketplace gets the standard 000005.
  return reply(RESULT.INTERNAL_ERROR, { instanceId: record.instanceId, next });
}

/**
 * The job went to provision-worker: the record stays PROVISIONING with `queuedAt = env.now` (epoch ms)
 * and the answer is 000004 with the instanceId, not remembered so a later retry sees the outcome.
 */
export function markQueued(record: InstanceRecord, env: DecideEnv): Answer {
  if (record.status !== 'PROVISIONING') {
    return replayStored(record, newInstanceKey(record.orderId, record.orderLineId)) ?? answerSettled(record, env);
  }
  const provisioning: ProvisioningState = { attempts: 1, ...record.provisioning, queuedAt: env.now };
  const next: InstanceRecord = { ...record, updatedAt: env.now, provisioning };
  return reply(RESULT.PROCESSING, { instanceId: record.instanceId, next });
}

/** The answer for a record that is past provisioning and has no stored response. */
function answerSettled(record: InstanceRecord, env: DecideEnv): Answer {
  if (record.status === 'FAILED') {
    const failure = record.failure ?? { resultCode: RESULT.INTERNAL_ERROR, resultMsg: 'provisioning failed' };
    return reply(failure.resultCode, { resultMsg: failure.resultMsg, instanceId: record.instanceId });
  }
  // Should not happen (a settled record keeps its answer); succeed so the order is not refunded.
  return reply(RESULT.SUCCESS, { instanceId: record.instanceId, ...createdAppInfo(record, env) });
}

/**
 * The access details a newInstance answer carries. V1: all of them (protocol encrypts the credentials).
 * V2: only `frontEndUrl`. V2 defines no appInfo on newInstance, but the seller console's debug FAQ says
 * its create check wants `instanceId` and `frontEndUrl` (lifecycle.md §1.1); an extra field is harmless,
 * a failed debug case blocks listing. Credentials stay in queryInstance.
 */
function createdAppInfo(record: InstanceRecord, env: DecideEnv): { appInfo?: ReturnType<typeof openAppInfo> } {
  if (record.appInfo === undefined || record.status === 'RELEASED') return {};
  if (record.protocol !== 'v1') return { appInfo: { frontEndUrl: record.appInfo.frontEndUrl } };
  return { appInfo: openAppInfo(record.appInfo, env.unseal) };
}
