import { describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/lifecycle/types';
import { parseV2Basic } from '../../../shared/protocol/parse';
import { v2BasicToCommand } from '../../../shared/basic/commands';

const PRODUCT = { productId: 'p-2', skuCode: 'sku-2', productName: 'Pro' };

describe('v2BasicToCommand', () => {
  it.each<[string, Record<string, unknown>, Command]>([
    [
      'newInstance',
      { activity: 'newInstance', orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b-1', testFlag: '1' },
      { activity: 'newInstance', orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b-1', test: true },
    ],
    ['queryInstance', { activity: 'queryInstance', instanceId: 'a,b' }, { activity: 'queryInstance', instanceIds: ['a', 'b'], test: false }],
    [
      'refreshInstance with productId',
      { activity: 'refreshInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', scene: 'TRIAL_TO_FORMAL', expireTime: '20250101000000', productId: 'p' },
      { activity: 'refreshInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', scene: 'TRIAL_TO_FORMAL', expireTime: '20250101000000', productId: 'p', test: false },
    ],
    [
      'refreshInstance without productId',
      { activity: 'refreshInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', scene: 'RENEWAL', expireTime: '20250101000000', productId: '' },
      { activity: 'refreshInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', scene: 'RENEWAL', expireTime: '20250101000000', test: false },
    ],
    ['updateInstanceStatus', { activity: 'updateInstanceStatus', instanceId: 'i', status: 'UNFREEZE' }, { activity: 'updateInstanceStatus', instanceId: 'i', status: 'UNFREEZE', test: false }],
    ['releaseInstance after the freeze period', { activity: 'releaseInstance', instanceId: 'i' }, { activity: 'releaseInstance', instanceId: 'i', test: false }],
    [
      'releaseInstance after an unsubscribe',
      { activity: 'releaseInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', testFlag: '1' },
      { activity: 'releaseInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', test: true },
    ],
    ['upgradeInstance', { activity: 'upgradeInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l' }, { activity: 'upgradeInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', test: false }],
    [
      'changeInstanceCheck with linearValue',
      { activity: 'changeInstanceCheck', instanceId: 'i', productInfo: JSON.stringify({ ...PRODUCT, linearValue: '5' }) },
      { activity: 'changeInstanceCheck', instanceId: 'i', productInfo: { ...PRODUCT, linearValue: 5 }, test: false },
    ],
    [
      'changeInstanceCheck without linearValue',
      { activity: 'changeInstanceCheck', instanceId: 'i', productInfo: PRODUCT },
      { activity: 'changeInstanceCheck', instanceId: 'i', productInfo: PRODUCT, test: false },
    ],
  ])('maps %s', (_label, body, command) => {
    const result = v2BasicToCommand(parseV2Basic(body));
    expect(result).toStrictEqual(command);
  });
});
