import { describe, expect, it } from 'vitest';
import { decideRefresh, type RefreshCommand } from '../../../shared/lifecycle/refreshInstance';
import type { RefreshScene } from '../../../shared/lifecycle/types';
import { INSTANCE_ID, T0, call, codeOf, envAt, makeRecord } from './support';

function refresh(overrides: Partial<RefreshCommand> = {}): RefreshCommand {
  return { activity: 'refreshInstance', instanceId: INSTANCE_ID, orderId: 'R-1', orderLineId: 'R-1-000001', scene: 'RENEWAL', expireTime: '20270101000000', test: false, ...overrides };
}

describe('decideRefresh', () => {
  it.each<[RefreshScene, string]>([
    ['TRIAL_TO_FORMAL', '20270101000000'],
    ['RENEWAL', '20270101000000000'],
    ['UNSUBSCRIBE_RENEWAL_PERIOD', '20251201000000'],
    ['RENEWAL_CHANGE', '20280101123456789'],
  ])('sets the new expiry for %s (%s)', (scene, expireTime) => {
    const result = call(makeRecord('ACTIVE'), refresh({ scene, expireTime }));
    expect(result.effect).toEqual({ kind: 'renew', instanceId: INSTANCE_ID, scene, expireTime, orderId: 'R-1', orderLineId: 'R-1-000001' });
    expect(result.record?.expireTime).toBe(expireTime);
    expect(result.record?.history.at(-1)).toEqual({
      at: T0 + 5, activity: 'refreshInstance', orderId: 'R-1', orderLineId: 'R-1-000001', scene, from: 'ACTIVE', to: 'ACTIVE', expireTime,
    });
    expect(result.answer.remember).toBe(`refresh:R-1:R-1-000001:${scene}`);
  });

  it('updates productId when sent and keeps it otherwise', () => {
    expect(call(makeRecord('ACTIVE'), refresh({ productId: 'product-year' })).record?.productId).toBe('product-year');
    expect(call(makeRecord('ACTIVE'), refresh()).record?.productId).toBe('product-1');
  });

  it.each(['2027010100000', '202701010000001', '20270101000000x', ''])('rejects expireTime %j with 000002 and no effect', (expireTime) => {
    const decision = decideRefresh(makeRecord('ACTIVE'), refresh({ expireTime }), envAt());
    expect(decision.kind).toBe('answer');
    if (decision.kind === 'answer') expect(decision.response).toEqual({ resultCode: '000002', resultMsg: 'expireTime is invalid' });
  });

  it('replays the stored answer for the same order line and scene, even after a later release', () => {
    const first = call(makeRecord('ACTIVE'), refresh());
    const released = { ...first.record!, status: 'RELEASED' as const };
    const again = call(released, refresh());
    expect(again.body).toBe(first.body);
    expect(again.effect).toBeUndefined();
  });

  it('treats another scene or another order as a new refresh', () => {
    const first = call(makeRecord('ACTIVE'), refresh());
    expect(call(first.record, refresh({ scene: 'RENEWAL_CHANGE' })).effect?.kind).toBe('renew');
    expect(call(first.record, refresh({ orderId: 'R-2', orderLineId: 'R-2-000001' })).effect?.kind).toBe('renew');
  });

  it('moves the expiry back on UNSUBSCRIBE_RENEWAL_PERIOD after a renewal', () => {
    const renewed = call(makeRecord('ACTIVE'), refresh({ expireTime: '20280101000000' }));
    const unsubscribed = call(renewed.record, refresh({ orderId: 'U-9', orderLineId: 'U-9-000001', scene: 'UNSUBSCRIBE_RENEWAL_PERIOD', expireTime: '20270101000000' }));
    expect(codeOf(unsubscribed.answer)).toBe('000000');
    expect(unsubscribed.record?.expireTime).toBe('20270101000000');
  });
});
