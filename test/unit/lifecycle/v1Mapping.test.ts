import { describe, expect, it } from 'vitest';
import { mapV1Command } from '../../../shared/lifecycle/v1Mapping';

describe('mapV1Command', () => {
  it('maps newInstance with orderLineId "" and keeps only allow-listed, non-secret attributes', () => {
    const mapped = mapV1Command({
      activity: 'newInstance', orderId: 'O-1', businessId: 'b-1', productId: 'p', skuCode: 's', expireTime: '20270101000000',
      customerId: 'c-1', customerName: 'ACME', chargingMode: '1', mobilePhone: 'enc-mobile', email: 'enc-mail', authToken: 't', timeStamp: '20260101000000000', testFlag: '1',
    });
    expect(mapped).toEqual({
      ok: true,
      command: {
        activity: 'newInstance', orderId: 'O-1', orderLineId: '', businessId: 'b-1', test: true, productId: 'p', skuCode: 's', expireTime: '20270101000000',
        attributes: { customerId: 'c-1', customerName: 'ACME', chargingMode: '1' },
      },
    });
  });

  it.each([
    [{ activity: 'refreshInstance', instanceId: 'i', orderId: 'R', expireTime: '20270101000000' },
      { activity: 'refreshInstance', instanceId: 'i', orderId: 'R', orderLineId: '', scene: 'RENEWAL', expireTime: '20270101000000', test: false }],
    [{ activity: 'refreshInstance', instanceId: 'i', orderId: 'R', expireTime: '20270101000000', trialToFormal: '1', productId: 'p' },
      { activity: 'refreshInstance', instanceId: 'i', orderId: 'R', orderLineId: '', scene: 'TRIAL_TO_FORMAL', expireTime: '20270101000000', productId: 'p', test: false }],
    [{ activity: 'expireInstance', instanceId: 'i' }, { activity: 'updateInstanceStatus', instanceId: 'i', status: 'FREEZE', test: false }],
    [{ activity: 'instanceStatus', instanceId: 'i', instanceStatus: 'FREEZE' }, { activity: 'updateInstanceStatus', instanceId: 'i', status: 'FREEZE', test: false }],
    [{ activity: 'instanceStatus', instanceId: 'i', instanceStatus: 'NORMAL' }, { activity: 'updateInstanceStatus', instanceId: 'i', status: 'UNFREEZE', test: false }],
    [{ activity: 'releaseInstance', instanceId: 'i' }, { activity: 'releaseInstance', instanceId: 'i', test: false }],
    [{ activity: 'upgrade', instanceId: 'i', orderId: 'U', skuCode: 's2', testFlag: '0' },
      { activity: 'upgradeInstance', instanceId: 'i', orderId: 'U', orderLineId: '', skuCode: 's2', test: false }],
    [{ activity: 'queryInstance', instanceId: 'a, b,,c' }, { activity: 'queryInstance', instanceIds: ['a', 'b', 'c'], test: false }],
  ])('maps %j', (params, command) => {
    expect(mapV1Command(params)).toEqual({ ok: true, command });
  });

  it.each([
    [{ activity: 'newInstance', businessId: 'b' }, 'orderId is missing'],
    [{ activity: 'newInstance', orderId: 'O', businessId: '  ' }, 'businessId is missing'],
    [{ activity: 'refreshInstance', instanceId: 'i', orderId: 'R' }, 'expireTime is missing'],
    [{ activity: 'expireInstance' }, 'instanceId is missing'],
    [{ activity: 'instanceStatus', instanceId: 'i', instanceStatus: 'UNFREEZE' }, 'instanceStatus is invalid'],
    [{ activity: 'upgrade', instanceId: 'i' }, 'orderId is missing'],
    [{ activity: 'queryInstance', instanceId: ' , ' }, 'instanceId is invalid'],
    [{ activity: 'upgradeInstance', instanceId: 'i' }, 'activity is invalid'],
    [{}, 'activity is invalid'],
  ])('rejects %j with 000002: %s', (params, resultMsg) => {
    expect(mapV1Command(params)).toEqual({ ok: false, resultCode: '000002', resultMsg });
  });
});
