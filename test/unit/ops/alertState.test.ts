/**
 * The alert state (shared/ops/alertState.ts): a condition is queued once when it appears and once when it goes
 * away; queued alerts are leased by one run at a time; a sink that failed keeps the alert pending, in order; the
 * store backend writes with compare-and-set, so concurrent runs decide once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALERT_TAG, emptyAlertRecord, LEASE_MS, OUTBOX_MAX, OUTBOX_MAX_AGE_MS, planAlerts, settleAlerts, storeAlertBackend, type AlertRecord,
} from '../../../shared/ops/alertState';
import type { Condition } from '../../../shared/ops/conditions';
import { fileAlertBackend } from '../../../shared/ops/localAlertState';
import { MemoryStore } from '../../../shared/store/MemoryStore';

const T = Date.UTC(2030, 4, 20, 2, 0, 0);
const cond = (id: string): Condition => ({ id, kind: id.split(':')[0] as Condition['kind'], message: `message of ${id}` });
const BOTH = ['webhook', 'smn'] as const;
const plan = (record: AlertRecord, conditions: Condition[], nowMs = T, runId = 'run-1', sinks: readonly ('webhook' | 'smn')[] = BOTH) => planAlerts(record, conditions, { nowMs, sinks, runId });
const dir = mkdtempSync(join(tmpdir(), 'kg-alertstate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planAlerts', () => {
  it('raises a new condition once, queues it for every sink and leases it to the run', () => {
    const first = plan(emptyAlertRecord(), [cond('usage-push-stuck')]);
    expect(first.changed).toBe(true);
    expect(first.result.raised.map((c) => c.id)).toEqual(['usage-push-stuck']);
    expect(first.result.claimed).toEqual([expect.objectContaining({ id: 'usage-push-stuck', state: 'raised', pending: ['webhook', 'smn'], at: T, deliveryId: expect.stringMatching(/^[0-9a-f]{32}$/) })]);
    expect(first.next.outbox[0]!.lease).toEqual({ owner: 'run-1', until: T + LEASE_MS });
    // A second run while the first still holds the lease: nothing new, nothing to send, nothing to write.
    const second = plan(first.next, [cond('usage-push-stuck')], T + 1000, 'run-2');
    expect(second).toMatchObject({ changed: false, result: { raised: [], cleared: [], claimed: [] } });
  });

  it('clears a condition that went away once, with its last message', () => {
    const raised = settleAlerts(plan(emptyAlertRecord(), [cond('dial-tests-failing')]).next, [], 'run-1').next;
    const delivered = settleAlerts(plan(emptyAlertRecord(), [cond('dial-tests-failing')]).next, [{ deliveryId: raised.outbox[0]!.deliveryId, delivered: ['webhook', 'smn'], failed: [] }], 'run-1').next;
    expect(delivered.outbox).toEqual([]);
    const gone = plan(delivered, [], T + 60_000, 'run-2');
    expect(gone.result.cleared).toEqual([{ id: 'dial-tests-failing', kind: 'dial-tests-failing', message: 'message of dial-tests-failing' }]);
    expect(gone.result.claimed).toEqual([expect.objectContaining({ state: 'cleared', message: 'Cleared: message of dial-tests-failing' })]);
    expect(gone.next.active).toEqual({});
    const again = plan(settleAlerts(gone.next, [{ deliveryId: gone.result.claimed[0]!.deliveryId, delivered: ['webhook', 'smn'], failed: [] }], 'run-2').next, [], T + 120_000, 'run-3');
    expect(again.changed).toBe(false);
  });

  it('keeps what a failing sink did not take, releases the lease, and sends it again next run in order', () => {
    const a = plan(emptyAlertRecord(), [cond('usage-push-stuck')]);
    const raisedId = a.result.claimed[0]!.deliveryId;
    const settled = settleAlerts(a.next, [{ deliveryId: raisedId, delivered: ['webhook'], failed: [{ sink: 'smn', error: 'smn answered HTTP 500' }] }], 'run-1').next;
    expect(settled.outbox).toEqual([expect.objectContaining({ deliveryId: raisedId, pending: ['smn'], failures: 1, lastError: 'smn answered HTTP 500' })]);
    expect(settled.outbox[0]!.lease).toBeUndefined();
    // The condition goes away before smn took the raise: smn gets the raise, then the clear.
    const b = plan(settled, [], T + 300_000, 'run-2');
    expect(b.result.claimed.map((e) => `${e.state}:${e.pending.join('+')}`)).toEqual(['raised:smn', 'cleared:webhook+smn']);
  });

  it('re-leases alerts of a run that died once its lease ran out', () => {
    const a = plan(emptyAlertRecord(), [cond('provisioning-stuck')]);
    expect(plan(a.next, [cond('provisioning-stuck')], T + LEASE_MS - 1, 'run-2').result.claimed).toEqual([]);
    expect(plan(a.next, [cond('provisioning-stuck')], T + LEASE_MS, 'run-2').result.claimed).toHaveLength(1);
  });

  it('ignores the settling of a run that lost its lease', () => {
    const a = plan(emptyAlertRecord(), [cond('provisioning-stuck')]);
    const taken = plan(a.next, [cond('provisioning-stuck')], T + LEASE_MS, 'run-2').next;
    const late = settleAlerts(taken, [{ deliveryId: a.result.claimed[0]!.deliveryId, delivered: ['webhook', 'smn'], failed: [] }], 'run-1');
    expect(late.changed).toBe(false);
  });

  it('queues nothing without sinks but still remembers what is raised', () => {
    const a = plan(emptyAlertRecord(), [cond('usage-push-stuck')], T, 'run-1', []);
    expect(a.result.raised).toHaveLength(1);
    expect(a.next.outbox).toEqual([]);
    expect(plan(a.next, [cond('usage-push-stuck')], T + 1, 'run-2', []).changed).toBe(false);
  });

  it('forgets a sink no longer configured, alerts older than a day, and the oldest past the cap', () => {
    const first = plan(emptyAlertRecord(), [cond('usage-push-stuck')]);
    // A run that tried nothing (its sinks were skipped) still releases its lease.
    const a = settleAlerts(first.next, [{ deliveryId: first.result.claimed[0]!.deliveryId, delivered: [], failed: [] }], 'run-1').next;
    expect(plan(a, [cond('usage-push-stuck')], T + 1000, 'run-2', ['webhook']).result.claimed[0]!.pending).toEqual(['webhook']);
    const old = plan(a, [cond('usage-push-stuck')], T + OUTBOX_MAX_AGE_MS + 1, 'run-2');
    expect(old.result).toMatchObject({ dropped: 1, claimed: [] });
    const many = Array.from({ length: OUTBOX_MAX + 5 }, (_, i) => cond(`order-failed:O${i}/L/newInstance`));
    expect(plan(emptyAlertRecord(), many).result).toMatchObject({ dropped: 5 });
  });
});

describe('storeAlertBackend', () => {
  it('lets only one of two concurrent runs raise and lease a condition', async () => {
    const store = new MemoryStore();
    const backend = storeAlertBackend(store, () => T);
    const [x, y] = await Promise.all(['run-a', 'run-b'].map((runId) => backend.update((r) => plan(r, [cond('usage-push-stuck')], T, runId), runId)));
    expect([x!.raised.length, y!.raised.length].sort()).toEqual([0, 1]);
    expect([x!.claimed.length, y!.claimed.length].sort()).toEqual([0, 1]);
    const [stored] = await store.read<AlertRecord>([ALERT_TAG]);
    expect(Object.keys(stored!.record!.active)).toEqual(['usage-push-stuck']);
    expect(stored!.version).toBe(1);
    expect((await store.listAudit(ALERT_TAG)).map((e) => e.activity)).toEqual(['ops-watch']);
  });

  it('writes nothing when nothing changed', async () => {
    const store = new MemoryStore();
    const backend = storeAlertBackend(store, () => T);
    await backend.update((r) => plan(r, [], T), 'quiet');
    expect(await store.read([ALERT_TAG])).toEqual([{ record: null, version: 0 }]);
  });
});

describe('fileAlertBackend', () => {
  it('keeps the state in its file and takes turns within the process', async () => {
    const path = join(dir, 'nested', 'state.json');
    const backend = fileAlertBackend(path);
    const results = await Promise.all(['run-a', 'run-b', 'run-c'].map((runId) => backend.update((r) => plan(r, [cond('store-unreachable')], T, runId), runId)));
    expect(results.map((r) => r.raised.length).sort()).toEqual([0, 0, 1]);
    const reread = await fileAlertBackend(path).update((r) => ({ next: r, changed: false, result: r }), 'read');
    expect(Object.keys(reread.active)).toEqual(['store-unreachable']);
  });

  it('starts empty from a missing or unreadable file', async () => {
    const backend = fileAlertBackend(join(dir, 'missing.json'));
    expect(await backend.update((r) => ({ next: r, changed: false, result: r }), 'read')).toEqual(emptyAlertRecord());
  });
});
