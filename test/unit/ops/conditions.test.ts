/**
 * The rules of ops-watch (shared/ops/conditions.ts) on observations built by hand: each rule's edge, its stable
 * id and its message, and that an unreachable store hides every other rule.
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../shared/ops/calls';
import { activeConditions, observationStart, type Observation } from '../../../shared/ops/conditions';
import type { StoredUsage } from '../../../shared/store/UsageLedger';

const H = 3600_000;
// 2030-05-20 10:00 China time.
const NOW = Date.UTC(2030, 4, 20, 2, 0, 0);
const SETTINGS = { failedOrders: 2, stuckProvisioningMs: 30 * 60_000 };

const call = (at: number, over: Partial<CallEvent> = {}): CallEvent => ({
  at, activity: 'newInstance', resultCode: over.ok ? '000000' : '000005', ok: false, fn: 'produce', test: false, orderId: 'CS1', orderLineId: 'CS1-1', reason: 'ProvisionerError: other inner error', ...over,
});
const observe = (over: Partial<Observation> = {}): Observation => ({ nowMs: NOW, calls: [], overdueUsage: [], provisioning: [], ...over });
const ids = (o: Observation, settings = SETTINGS) => activeConditions(o, settings).map((c) => c.id);

describe('activeConditions', () => {
  it('holds nothing on a quiet day', () => {
    expect(ids(observe())).toEqual([]);
  });

  it.each([
    ['still inside the 3 h window of a newInstance', [call(NOW - 2 * H)], []],
    ['past the window with no success', [call(NOW - 4 * H)], ['order-failed:CS1/CS1-1/newInstance']],
    ['past the window, recovered inside it', [call(NOW - 4 * H), call(NOW - 3.5 * H, { ok: true })], []],
    ['past the window, a success only after it', [call(NOW - 5 * H), call(NOW - H, { ok: true })], ['order-failed:CS1/CS1-1/newInstance']],
    ['a 1 h activity past its window', [call(NOW - 2 * H, { activity: 'releaseInstance', orderLineId: undefined })], ['order-failed:CS1//releaseInstance']],
    ['a dial test (testFlag 1) is no order', [call(NOW - 4 * H, { test: true }), call(NOW - 4 * H, { test: true, orderId: 'CS2' })], []],
  ])('order-failed: %s', (_what, calls, expected) => {
    expect(ids(observe({ calls })).filter((i) => i.startsWith('order-failed'))).toEqual(expected);
  });

  it('names the order line, the activity, the refund and the month in the message', () => {
    const [c] = activeConditions(observe({ calls: [call(NOW - 4 * H)] }), { ...SETTINGS, failedOrders: 0 });
    expect(c).toMatchObject({ kind: 'order-failed' });
    expect(c!.message).toMatch(/Order CS1 line CS1-1: newInstance failed 1 time.*unsubscribes and refunds.*2030-05.*000005/);
    expect(c!.message).not.toMatch(/[[\]]/);
  });

  it('counts failed order lines of the month against KG_ALERT_FAILED_ORDERS (0 turns it off)', () => {
    const one = [call(NOW - 4 * H)];
    const two = [...one, call(NOW - 5 * H, { orderId: 'CS2', orderLineId: 'CS2-1' })];
    expect(ids(observe({ calls: one }))).not.toContain('failed-orders-threshold');
    expect(ids(observe({ calls: two }))).toContain('failed-orders-threshold');
    expect(ids(observe({ calls: two }), { ...SETTINGS, failedOrders: 0 })).not.toContain('failed-orders-threshold');
    const message = activeConditions(observe({ calls: two }), SETTINGS).find((c) => c.id === 'failed-orders-threshold')!.message;
    expect(message).toMatch(/^2 failed order\(s\) in 2030-05 \(China time\), at or over the alert line of 2/);
  });

  it('lets last month\'s failed orders go when a new China month begins', () => {
    // 2030-06-01 00:30 China time; the line failed 2030-05-31 12:00 China time.
    const now = Date.UTC(2030, 4, 31, 16, 30);
    const calls = [call(Date.UTC(2030, 4, 31, 4, 0)), call(Date.UTC(2030, 4, 31, 4, 0), { orderId: 'CS2' })];
    expect(ids(observe({ nowMs: now - H, calls }))).toEqual(expect.arrayContaining(['failed-orders-threshold', 'order-failed:CS1/CS1-1/newInstance']));
    expect(ids(observe({ nowMs: now, calls }))).toEqual([]);
  });

  it('keeps a line that failed before midnight and closed its window after it, in the new month', () => {
    const now = Date.UTC(2030, 4, 31, 19, 0); // 2030-06-01 03:00 China time
    const calls = [call(Date.UTC(2030, 4, 31, 15, 30))]; // 2030-05-31 23:30 China time
    expect(ids(observe({ nowMs: now, calls }))).toEqual(['order-failed:CS1/CS1-1/newInstance']);
    expect(observationStart(now)).toBeLessThanOrEqual(calls[0]!.at);
  });

  it.each([
    ['the last two dial tests failed', [true, false, false], true],
    ['the last one passed', [false, false, true], false],
    ['only one dial test', [false], false],
    ['failures older than 48 h', [false, false], false],
  ])('dial-tests-failing: %s', (what, oks, expected) => {
    const age = what.startsWith('failures older') ? 50 * H : 0;
    const calls = oks.map((ok, i) => call(NOW - age - (oks.length - i) * H, { test: true, ok, resultCode: ok ? '000000' : '000001' }));
    expect(ids(observe({ calls })).includes('dial-tests-failing')).toBe(expected);
  });

  it('does not count kit calls or calls of other functions as dial tests', () => {
    const calls = [call(NOW - 2 * H, { test: true, fn: 'tenant-sync' }), call(NOW - H, { test: true, fn: 'tenant-sync' })];
    expect(ids(observe({ calls }))).not.toContain('dial-tests-failing');
  });

  const forward = (at: number, over: Partial<CallEvent> = {}) => call(at, { fn: 'tenant-sync', activity: 'tenantSync', orderId: undefined, orderLineId: undefined, tenantId: 'T1', reason: 'KitForwardError: other inner error', ...over });
  it.each([
    ['3 forward failures in the last hour', [forward(NOW - 50 * 60_000), forward(NOW - 30 * 60_000), forward(NOW - 10 * 60_000)], true],
    ['only 2', [forward(NOW - 30 * 60_000), forward(NOW - 10 * 60_000)], false],
    ['one of the 3 more than an hour ago', [forward(NOW - 70 * 60_000), forward(NOW - 30 * 60_000), forward(NOW - 10 * 60_000)], false],
    ['a kit success after the latest failure', [forward(NOW - 50 * 60_000), forward(NOW - 30 * 60_000), forward(NOW - 10 * 60_000), forward(NOW - 5 * 60_000, { ok: true, resultCode: '000000' })], false],
    ['a kit success before the latest failure', [forward(NOW - 50 * 60_000), forward(NOW - 40 * 60_000, { ok: true, resultCode: '000000' }), forward(NOW - 30 * 60_000), forward(NOW - 10 * 60_000)], true],
    ['kit failures of another reason', [1, 2, 3].map((m) => forward(NOW - m * 60_000, { reason: 'InvalidParamError: bad' })), false],
  ])('kit-forward-failing: %s', (_what, calls, expected) => {
    expect(ids(observe({ calls })).includes('kit-forward-failing')).toBe(expected);
  });

  const usage = (sn: string): StoredUsage => ({ meteringSn: sn, instanceId: 'i1', usageValue: '1', beginTime: '20300520T000000Z', endTime: '20300520T010000Z', recordedAt: NOW - 3 * H });
  it('raises usage-push-stuck for overdue usage and names the oldest record', () => {
    const [c] = activeConditions(observe({ overdueUsage: [usage('sn-1'), usage('sn-2')] }), SETTINGS);
    expect(c).toMatchObject({ id: 'usage-push-stuck', kind: 'usage-push-stuck' });
    expect(c!.message).toMatch(/^2 usage record\(s\) have waited more than 2 h .*sn-1 of instance i1/);
  });

  it.each([
    [31, 30, true],
    [29, 30, false],
    [300, 0, false],
  ])('provisioning-stuck: PROVISIONING for %i min with a limit of %i min -> %s', (minutes, limit, expected) => {
    const provisioning = [{ instanceId: 'inst-1', orderId: 'CS9', since: NOW - minutes * 60_000 }];
    expect(ids(observe({ provisioning }), { ...SETTINGS, stuckProvisioningMs: limit * 60_000 }).includes('provisioning-stuck')).toBe(expected);
  });

  it('raises reconcile-mismatch while the last reconciliation has findings', () => {
    const reconcile = { at: NOW - H, checked: 10, findings: 2, sample: ['expired-not-frozen i1 order CS1: past expiry', 'order-unknown i2 order CS2: MKT.9001'] };
    const [c] = activeConditions(observe({ reconcile }), SETTINGS);
    expect(c).toMatchObject({ id: 'reconcile-mismatch' });
    expect(c!.message).toMatch(/found 2 difference.*10 checked.*expired-not-frozen i1/);
    expect(ids(observe({ reconcile: { ...reconcile, findings: 0, sample: [] } }))).toEqual([]);
  });

  it('judges nothing else while the store is unreachable', () => {
    const o = observe({ storeError: 'StoreUnavailableError', calls: [call(NOW - 4 * H)] });
    expect(activeConditions(o, SETTINGS)).toEqual([{ id: 'store-unreachable', kind: 'store-unreachable', message: expect.stringMatching(/Redis did not answer \(StoreUnavailableError\)/) }]);
  });

  it('gives the same ids, in the same order, for the same observation', () => {
    const o = observe({ calls: [call(NOW - 4 * H), call(NOW - 5 * H, { orderId: 'CS0' })], overdueUsage: [usage('x')] });
    expect(ids(o)).toEqual(ids(o));
    expect(ids(o)).toEqual([...ids(o)].sort());
  });
});
