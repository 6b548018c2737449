/**
 * What one watch run reads from the store before judging (shared/ops/conditions.ts): the calls answered since
 * {@link observationStart} (the failure stream and the audit logs of the records it names), usage records
 * waiting too long for the open API, the instances queued for provision-worker that are still PROVISIONING, and the last
 * reconciliation's summary. A few round trips; no full scan (the daily reconciliation does that).
 * @module
 */
import type { InstanceRecord } from '../lifecycle/types';
import { instanceTag } from '../store/keys';
import type { Store } from '../store/Store';
import type { StoredUsage, UsageLedger } from '../store/UsageLedger';
import { collectCalls } from './calls';
import { observationStart, USAGE_STUCK_MS, type Observation, type ProvisioningInstance } from './conditions';
import { readNightly } from './nightlyRun';

/** Queued jobs looked at, and overdue usage records counted, at most. */
export const OBSERVE_LIMIT = 100;

/** Reads everything the rules judge at `nowMs` (epoch ms). Throws what the store throws. */
export async function observe(store: Store, ledger: UsageLedger | undefined, nowMs: number): Promise<Observation> {
  const [calls, overdueUsage, provisioning, nightly] = await Promise.all([
    collectCalls(store, { sinceMs: observationStart(nowMs), untilMs: nowMs + 1, audits: 'failed' }),
    ledger ? waitingUsage(ledger, nowMs) : Promise.resolve([]),
    queuedProvisioning(store),
    readNightly(store),
  ]);
  return { nowMs, calls, overdueUsage, provisioning, ...(nightly.last ? { reconcile: nightly.last } : {}) };
}

/** Due records read to find old ones among them (one push batch). */
const DUE_SCAN = 1000;

/**
 * Pending usage records due more than {@link USAGE_STUCK_MS} ago, and due records recorded that long ago: a
 * failed push makes its records due again "now", so a record that keeps failing never looks old by its due
 * time alone. Oldest recorded first, at most {@link OBSERVE_LIMIT}.
 */
async function waitingUsage(ledger: UsageLedger, nowMs: number): Promise<StoredUsage[]> {
  const [old, due] = await Promise.all([
    ledger.peek({ nowMs: nowMs - USAGE_STUCK_MS, limit: OBSERVE_LIMIT }),
    ledger.peek({ nowMs, limit: DUE_SCAN }),
  ]);
  const bySn = new Map(old.map((u) => [u.meteringSn, u]));
  for (const u of due) if (u.recordedAt <= nowMs - USAGE_STUCK_MS && bySn.size < OBSERVE_LIMIT) bySn.set(u.meteringSn, u);
  return [...bySn.values()].sort((a, b) => a.recordedAt - b.recordedAt);
}

/** Instances with a provisioning job that are still PROVISIONING, with when they were claimed. */
async function queuedProvisioning(store: Store): Promise<ProvisioningInstance[]> {
  const jobs = (await store.listJobs()).slice(0, OBSERVE_LIMIT);
  if (jobs.length === 0) return [];
  const records = await store.read<InstanceRecord>(jobs.map((j) => instanceTag(j.instanceId)));
  const out: ProvisioningInstance[] = [];
  for (const { record } of records) {
    if (record?.status === 'PROVISIONING') out.push({ instanceId: record.instanceId, orderId: record.orderId, since: record.createdAt });
  }
  return out;
}
