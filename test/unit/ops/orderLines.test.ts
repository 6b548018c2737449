import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../shared/ops/calls';
import { orderLineOutcomes } from '../../../shared/ops/orderLines';

const H = 3_600_000;
const T0 = Date.parse('2026-11-10T02:00:00Z');

function call(at: number, ok: boolean, over: Partial<CallEvent> = {}): CallEvent {
  return { at, activity: 'newInstance', resultCode: ok ? '000000' : '000005', ok, fn: 'produce', test: false, orderId: 'CS1', orderLineId: 'CS1-1', ...(ok ? {} : { reason: 'provisioner refused' }), ...over };
}

describe('orderLineOutcomes', () => {
  it('a success inside the window recovers the line; the last failure names the code', () => {
    const [line] = orderLineOutcomes([call(T0, false), call(T0 + H, false, { resultCode: '000100', reason: 'later' }), call(T0 + 2 * H, true)], T0 + 10 * H);
    expect(line).toMatchObject({ state: 'recovered', attempts: 2, resultCode: '000100', reason: 'later', succeededAt: T0 + 2 * H, windowEndsAt: T0 + 3 * H, month: '2026-11' });
  });

  it('no success by the end of the window: failed; a success after it does not undo that', () => {
    const [late] = orderLineOutcomes([call(T0, false), call(T0 + 3 * H + 1, true)], T0 + 10 * H);
    expect(late).toMatchObject({ state: 'failed', succeededAt: T0 + 3 * H + 1 });
    const [never] = orderLineOutcomes([call(T0, false)], T0 + 3 * H);
    expect(never?.state).toBe('failed');
  });

  it('the window still open and nothing succeeded: at risk', () => {
    const [line] = orderLineOutcomes([call(T0, false)], T0 + 3 * H - 1);
    expect(line?.state).toBe('at-risk');
  });

  it('uses the activity window: a renewal has 1 h', () => {
    const [line] = orderLineOutcomes([call(T0, false, { activity: 'refreshInstance' }), call(T0 + 2 * H, true, { activity: 'refreshInstance' })], T0 + 5 * H);
    expect(line?.state).toBe('failed');
  });

  it('keeps order lines and activities apart, and ignores test calls and calls without an order', () => {
    const lines = orderLineOutcomes([
      call(T0, false),
      call(T0, false, { orderLineId: 'CS1-2' }),
      call(T0, false, { activity: 'upgradeInstance' }),
      call(T0 + H, true, { orderLineId: 'CS1-2' }),
      call(T0, false, { test: true, orderId: 'CS9' }),
      call(T0, false, { orderId: undefined }),
    ], T0 + 10 * H);
    expect(lines.map((l) => [l.orderLineId, l.activity, l.state])).toEqual([
      ['CS1-1', 'newInstance', 'failed'], ['CS1-2', 'newInstance', 'recovered'], ['CS1-1', 'upgradeInstance', 'failed'],
    ]);
  });

  it('a success before the first failure does not recover it; the month is the first failure\'s (China time)', () => {
    const edge = Date.parse('2026-10-31T16:30:00Z');
    const [line] = orderLineOutcomes([call(edge - H, true), call(edge, false)], edge + 5 * H);
    expect(line).toMatchObject({ state: 'failed', month: '2026-11' });
  });

  it('orders failures that arrive out of order by time', () => {
    const [line] = orderLineOutcomes([call(T0 + H, false, { resultCode: '000101' }), call(T0, false, { resultCode: '000100' })], T0 + 2 * H);
    expect(line).toMatchObject({ firstFailedAt: T0, lastFailedAt: T0 + H, resultCode: '000101', windowEndsAt: T0 + 3 * H, state: 'at-risk' });
  });

  it('counts basic-interface calls only: a kit sync naming an order is a kit failure, not an order line', () => {
    expect(orderLineOutcomes([call(T0, false, { fn: 'tenant-sync', activity: 'tenantSync' })], T0 + 10 * H)).toEqual([]);
  });

  it('keeps the last reason that said why when a later replayed refusal carries none', () => {
    const [line] = orderLineOutcomes([call(T0, false, { resultCode: '000100', reason: 'no seats' }), call(T0 + H, false, { resultCode: '000100', reason: '' })], T0 + 4 * H);
    expect(line).toMatchObject({ resultCode: '000100', reason: 'no seats', attempts: 2 });
  });
});
