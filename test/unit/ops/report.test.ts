/**
 * buildMonthReport on hand-made calls: China-time month boundaries, windows that straddle a month's end,
 * the previous month's tail, an empty month, dial-test runs, percentiles, kit failures, usage and the
 * headline level.
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../shared/ops/calls';
import { buildMonthReport, reportDays, reportRange, reportStatus, type MonthReport } from '../../../shared/ops/report';
import { percentile } from '../../../shared/ops/reportLatency';
import type { DeadLetter } from '../../../shared/store/UsageLedger';

const H = 3_600_000;
const Z = (iso: string): number => Date.parse(iso);

function call(at: number, over: Partial<CallEvent> = {}): CallEvent {
  const ok = over.ok ?? (over.resultCode === undefined || over.resultCode === '000000');
  return { at, activity: 'newInstance', resultCode: ok ? '000000' : '000005', ok, fn: 'produce', test: false, ...over };
}
const fail = (at: number, orderId: string, over: Partial<CallEvent> = {}): CallEvent =>
  call(at, { ok: false, resultCode: '000001', reason: 'signature mismatch', orderId, orderLineId: `${orderId}-000001`, ...over });
const success = (at: number, orderId: string, over: Partial<CallEvent> = {}): CallEvent =>
  call(at, { ok: true, orderId, orderLineId: `${orderId}-000001`, ...over });

describe('buildMonthReport: China-time months', () => {
  it('counts a failure at 2026-10-31T16:30Z (00:30 on 1 November in China) in November, not October', () => {
    const calls = [fail(Z('2026-10-31T16:30:00Z'), 'NOV1')];
    const now = Z('2026-11-02T00:00:00Z');
    expect(buildMonthReport({ calls, nowMs: now, month: '2026-10' }).failedOrders.count).toBe(0);
    const nov = buildMonthReport({ calls, nowMs: now, month: '2026-11' });
    expect(nov.failedOrders).toEqual({
      count: 1, limit: 5,
      orders: [{ orderId: 'NOV1', orderLineId: 'NOV1-000001', activity: 'newInstance', resultCode: '000001', reason: 'signature mismatch', at: Z('2026-10-31T16:30:00Z'), attempts: 1 }],
    });
    expect(nov.perDay[0]).toEqual({ day: '2026-11-01', calls: 1, failures: 1, p50: null, p99: null });
  });

  it('defaults to the China month of now: 2026-10-31T16:30Z is November', () => {
    const r = buildMonthReport({ calls: [], nowMs: Z('2026-10-31T16:30:00Z') });
    expect(r.month).toBe('2026-11');
    expect(r.current).toBe(true);
    expect(r.perDay.map((d) => d.day)).toEqual(['2026-11-01']);
  });

  it('reads calls from 3 h before the month to 3 h after it, never past now', () => {
    const { sinceMs, untilMs } = reportRange('2026-10', Z('2026-12-01T00:00:00Z'));
    expect(sinceMs).toBe(Z('2026-09-30T13:00:00Z'));
    expect(untilMs).toBe(Z('2026-10-31T19:00:00Z'));
    expect(reportRange('2026-10', Z('2026-10-10T00:00:00Z')).untilMs).toBe(Z('2026-10-10T00:00:00Z'));
    expect(() => reportRange('2026-13', 0)).toThrow(RangeError);
  });
});

describe('buildMonthReport: a retry window straddling the month end', () => {
  // 23:00 on 31 October, China time; the newInstance window ends 02:00 on 1 November.
  const firstFailure = Z('2026-10-31T15:00:00Z');

  it('is at risk in October while the window is open', () => {
    const r = buildMonthReport({ calls: [fail(firstFailure, 'EDGE')], nowMs: Z('2026-10-31T15:30:00Z'), month: '2026-10' });
    expect(r.atRisk).toEqual([expect.objectContaining({ orderId: 'EDGE', at: firstFailure, windowEndsAt: firstFailure + 3 * H })]);
    expect(r.failedOrders.count).toBe(0);
    expect(r.status.level).toBe('amber');
  });

  it('counts in October when recovered after midnight within the window (and is not November\'s)', () => {
    const calls = [fail(firstFailure, 'EDGE'), success(Z('2026-10-31T17:00:00Z'), 'EDGE', { ms: 120 })];
    const now = Z('2026-11-01T04:00:00Z');
    const oct = buildMonthReport({ calls, nowMs: now, month: '2026-10' });
    expect(oct).toMatchObject({ recovered: 1, atRisk: [], failedOrders: { count: 0 } });
    // The recovering success was answered in November: October's figures do not show it.
    expect(oct.answers).toEqual([{ activity: 'newInstance', resultCode: '000001', count: 1 }]);
    const nov = buildMonthReport({ calls, nowMs: now, month: '2026-11' });
    expect(nov).toMatchObject({ recovered: 0, atRisk: [], failedOrders: { count: 0 } });
    expect(nov.answers).toEqual([{ activity: 'newInstance', resultCode: '000000', count: 1 }]);
  });

  it('fails in October when the window closes in November without a success', () => {
    const calls = [fail(firstFailure, 'EDGE'), success(firstFailure + 3 * H + 1, 'EDGE')];
    const r = buildMonthReport({ calls, nowMs: Z('2026-11-01T04:00:00Z'), month: '2026-10' });
    expect(r.failedOrders.orders.map((o) => o.orderId)).toEqual(['EDGE']);
    expect(buildMonthReport({ calls, nowMs: Z('2026-11-01T04:00:00Z'), month: '2026-11' }).failedOrders.count).toBe(0);
  });

  it('leaves a line that started failing in the last hours of September to September', () => {
    // 22:00 on 30 September China time, retried (and failing) at 01:00 on 1 October.
    const calls = [fail(Z('2026-09-30T14:00:00Z'), 'SEPT'), fail(Z('2026-09-30T17:00:00Z'), 'SEPT')];
    const now = Z('2026-10-05T00:00:00Z');
    expect(buildMonthReport({ calls, nowMs: now, month: '2026-10' }).failedOrders.count).toBe(0);
    expect(buildMonthReport({ calls, nowMs: now, month: '2026-09' }).failedOrders.orders).toEqual([
      expect.objectContaining({ orderId: 'SEPT', at: Z('2026-09-30T14:00:00Z'), attempts: 2 }),
    ]);
  });
});

describe('buildMonthReport: an empty month', () => {
  it('has every day of a past month with zeros, no rows, no usage and a green headline', () => {
    const r = buildMonthReport({ calls: [], nowMs: Z('2026-12-15T00:00:00Z'), month: '2026-10' });
    expect(r).toMatchObject({
      month: '2026-10', current: false, status: { level: 'green', reasons: [] }, failedOrders: { count: 0, limit: 5, orders: [] },
      atRisk: [], recovered: 0, answers: [], latency: [], slowest: [], kitSyncFailures: [],
    });
    expect(r.usage).toBeUndefined();
    expect(r.perDay).toHaveLength(31);
    expect(r.perDay.every((d) => d.calls === 0 && d.failures === 0 && d.p50 === null)).toBe(true);
    expect(r.dialTests).toEqual({ days: r.perDay.map((d) => ({ day: d.day, total: 0, failed: 0 })), failingRun: 0, freezeAfter: 5 });
  });

  it('has no days at all for a month that has not started', () => {
    expect(reportDays('2026-12', Z('2026-11-20T00:00:00Z'))).toEqual([]);
    expect(buildMonthReport({ calls: [], nowMs: Z('2026-11-20T00:00:00Z'), month: '2026-12' }).perDay).toEqual([]);
  });
});

describe('buildMonthReport: dial tests', () => {
  const dial = (iso: string, ok: boolean): CallEvent => call(Z(iso), { test: true, ok, resultCode: ok ? '000000' : '000001', activity: 'queryInstance' });
  const now = Z('2026-10-10T12:00:00Z');

  // Each day's dial tests in order: P passed, F failed (01:00Z and later, 2 h apart).
  const plan = (days: Record<string, string>): CallEvent[] =>
    Object.entries(days).flatMap(([d, runs]) => [...runs].map((r, i) => dial(`2026-10-${d}T0${1 + 2 * i}:00:00Z`, r === 'P')));
  it.each([
    ['one failure among passes fails the day', { '06': 'PP', '07': 'FP', '08': 'PF' }, 2],
    ['a passing latest day ends any run', { '06': 'FF', '07': 'FF', '08': 'PP' }, 0],
    ['a passing day breaks the run', { '05': 'FF', '06': 'PP', '07': 'FF', '08': 'F' }, 2],
    ['the run counts back from the latest dialled day', { '03': 'F', '04': 'F', '05': 'FF', '06': 'F', '07': 'FP' }, 5],
  ] as const)('%s', (_name, days, run) => {
    expect(buildMonthReport({ calls: plan(days), nowMs: now, month: '2026-10' }).dialTests.failingRun).toBe(run);
  });

  it('skips silent days: neither breaking nor extending the run, up to a silent today', () => {
    const calls = [dial('2026-10-05T01:00:00Z', true), dial('2026-10-06T01:00:00Z', false), dial('2026-10-08T01:00:00Z', false), dial('2026-10-08T13:00:00Z', true)];
    const r = buildMonthReport({ calls, nowMs: now, month: '2026-10' });
    expect(r.dialTests.failingRun).toBe(2);
    expect(r.dialTests.days.slice(4)).toEqual([
      { day: '2026-10-05', total: 1, failed: 0 }, { day: '2026-10-06', total: 1, failed: 1 }, { day: '2026-10-07', total: 0, failed: 0 },
      { day: '2026-10-08', total: 2, failed: 1 }, { day: '2026-10-09', total: 0, failed: 0 }, { day: '2026-10-10', total: 0, failed: 0 },
    ]);
    // Dial tests are not orders, whatever they carry.
    expect(r.failedOrders.count).toBe(0);
  });

  it('turns red one day before the freeze', () => {
    const calls = ['06', '07', '08', '09'].map((d) => dial(`2026-10-${d}T01:00:00Z`, false));
    const r = buildMonthReport({ calls, nowMs: now, month: '2026-10' });
    expect(r.dialTests.failingRun).toBe(4);
    expect(r.status.level).toBe('red');
  });
});

describe('buildMonthReport: answers, latency and kit failures', () => {
  it('takes nearest-rank percentiles per activity and per day, and lists the 10 slowest', () => {
    const t0 = Z('2026-10-03T02:00:00Z');
    const calls = Array.from({ length: 12 }, (_, i) => success(t0 + i * 60_000, `O${i}`, { ms: (i + 1) * 100 }));
    const r = buildMonthReport({ calls, nowMs: Z('2026-10-04T00:00:00Z'), month: '2026-10' });
    expect(r.latency).toEqual([{ activity: 'newInstance', count: 12, p50: 600, p99: 1200, max: 1200 }]);
    expect(r.perDay[2]).toEqual({ day: '2026-10-03', calls: 12, failures: 0, p50: 600, p99: 1200 });
    expect(r.slowest.map((s) => s.ms)).toEqual([1200, 1100, 1000, 900, 800, 700, 600, 500, 400, 300]);
    expect(r.slowest[0]).toEqual({ at: t0 + 11 * 60_000, activity: 'newInstance', ms: 1200, resultCode: '000000', orderId: 'O11' });
  });

  it.each([[[5], 50, 5], [[1, 2], 50, 1], [[1, 2], 99, 2], [[10, 20, 30, 40], 50, 20], [Array.from({ length: 200 }, (_, i) => i + 1), 99, 198]])(
    'percentile(%j, %i) = %i', (list, p, want) => expect(percentile(list, p)).toBe(want),
  );

  it('names the activity of a kit call refused before parsing by its function, and lists kit failures', () => {
    const at = Z('2026-10-03T02:00:00Z');
    const calls = [
      call(at, { fn: 'tenant-sync', activity: 'unknown', ok: false, resultCode: '000001', reason: 'x-sign mismatch', ms: 0 }),
      call(at + 1, { fn: 'auth-sync', activity: 'authSync', ok: false, resultCode: '000002', reason: 'bad', tenantId: 'T1', test: true }),
      call(at + 2, { fn: 'tenant-sync', activity: 'tenantSync', ok: true, tenantId: 'T1' }),
      call(at + 3, { fn: 'produce', activity: 'unknown', ok: false, resultCode: '000002', reason: 'not json' }),
    ];
    const r = buildMonthReport({ calls, nowMs: at + H, month: '2026-10' });
    expect(r.kitSyncFailures).toEqual([
      { fn: 'tenant-sync', activity: 'tenantSync', resultCode: '000001', reason: 'x-sign mismatch', at },
      { fn: 'auth-sync', activity: 'authSync', resultCode: '000002', reason: 'bad', at: at + 1, tenantId: 'T1', test: true },
    ]);
    expect(r.answers).toEqual([
      { activity: 'authSync', resultCode: '000002', count: 1 },
      { activity: 'tenantSync', resultCode: '000000', count: 1 },
      { activity: 'tenantSync', resultCode: '000001', count: 1 },
      { activity: 'unknown', resultCode: '000002', count: 1 },
    ]);
  });
});

describe('buildMonthReport: usage and the headline level', () => {
  const dead = (i: number): DeadLetter => ({ usage: { meteringSn: `sn${i}`, instanceId: 'i', usageValue: '1', beginTime: '20261001T000000Z', endTime: '20261001T010000Z', recordedAt: 0 }, code: 'MKT.9002', reason: 'r', at: i });

  it('sums the ledger counts and keeps the first 20 dead letters', () => {
    const r = buildMonthReport({
      calls: [], nowMs: Z('2026-10-04T00:00:00Z'), month: '2026-10',
      usage: { counts: [{ instanceId: 'a', hour: '2026100100', pending: 1, pushed: 2, dead: 3 }, { instanceId: 'b', hour: '2026100101', pending: 4, pushed: 5, dead: 22 }], deadLetters: Array.from({ length: 25 }, (_, i) => dead(i)) },
    });
    expect(r.usage).toMatchObject({ pending: 5, pushed: 7, dead: 25 });
    expect(r.usage?.deadLetters.map((d) => d.usage.meteringSn)).toEqual(Array.from({ length: 20 }, (_, i) => `sn${i}`));
    expect(r.status).toEqual({ level: 'amber', reasons: ['25 usage records dead-lettered'] });
  });

  const base = (count: number, risk: number): Pick<MonthReport, 'failedOrders' | 'atRisk' | 'dialTests' | 'usage'> => ({
    failedOrders: { count, limit: 5, orders: [] },
    atRisk: Array.from({ length: risk }, () => ({ orderId: 'o', orderLineId: '', activity: 'newInstance', resultCode: '000005', reason: '', at: 0, attempts: 1, windowEndsAt: 1 })),
    dialTests: { days: [], failingRun: 0, freezeAfter: 5 },
  });
  it.each([[0, 0, 'green'], [1, 0, 'amber'], [0, 2, 'amber'], [4, 1, 'amber'], [4, 2, 'red'], [5, 0, 'red'], [7, 0, 'red']] as const)(
    '%i failed and %i at risk is %s', (count, risk, level) => expect(reportStatus(base(count, risk)).level).toBe(level),
  );
});
