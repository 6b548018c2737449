import { describe, expect, it } from 'vitest';
import type { InstanceCommand } from '../../../shared/lifecycle/decide';
import { INSTANCE_ID, T0, call, makeRecord } from './support';

function upgrade(extra: { productId?: string; skuCode?: string; orderId?: string } = {}): InstanceCommand {
  const orderId = extra.orderId ?? 'U-1';
  return { activity: 'upgradeInstance', instanceId: INSTANCE_ID, orderId, orderLineId: `${orderId}-000001`, test: false, ...extra };
}

describe('decideUpgrade', () => {
  it.each([
    [{}, 'product-1', 'sku-1'],
    [{ skuCode: 'sku-9' }, 'product-1', 'sku-9'],
    [{ productId: 'product-9', skuCode: 'sku-9' }, 'product-9', 'sku-9'],
  ])('with %j ends with productId %s and skuCode %s', (extra, productId, skuCode) => {
    const result = call(makeRecord('ACTIVE'), upgrade(extra));
    expect(result.effect).toEqual({ kind: 'upgrade', instanceId: INSTANCE_ID, orderId: 'U-1', orderLineId: 'U-1-000001', ...extra });
    expect(result.record).toMatchObject({ productId, skuCode, status: 'ACTIVE' });
    expect(result.answer.remember).toBe('upgrade:U-1:U-1-000001');
    expect(result.record?.history.at(-1)).toEqual({ at: T0 + 5, activity: 'upgradeInstance', orderId: 'U-1', orderLineId: 'U-1-000001', from: 'ACTIVE', to: 'ACTIVE' });
  });

  it('replays a repeated upgrade order and upgrades again for a new one', () => {
    const first = call(makeRecord('ACTIVE'), upgrade({ skuCode: 'sku-2' }));
    expect(call(first.record, upgrade({ skuCode: 'sku-2' })).effect).toBeUndefined();
    expect(call(first.record, upgrade({ orderId: 'U-2', skuCode: 'sku-3' })).record?.skuCode).toBe('sku-3');
  });
});
