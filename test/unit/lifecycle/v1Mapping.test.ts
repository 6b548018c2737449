import { describe, expect, it } from 'vitest';
import { isV1TrialToFormal, mapV1Command, v1TrialToFormalCommand } from '../../../shared/lifecycle/v1Mapping';

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

describe('isV1TrialToFormal', () => {
  it.each([
    [{ activity: 'newInstance', trialToFormal: '1' }, true],
    [{ activity: 'newInstance', trialToFormal: '0' }, false],
    [{ activity: 'newInstance' }, false],
    [{ activity: 'refreshInstance', trialToFormal: '1' }, false],
  ])('%j -> %s', (params, expected) => {
    expect(isV1TrialToFormal(params)).toBe(expected);
  });
});

describe('v1TrialToFormalCommand', () => {
  it('turns a trial-to-formal newInstance into a TRIAL_TO_FORMAL refresh of the existing instance', () => {
    expect(v1TrialToFormalCommand({ activity: 'newInstance', trialToFormal: '1', orderId: 'F-1', expireTime: '20270101000000', productId: 'p' }, 'inst-1')).toEqual({
      ok: true,
      command: { activity: 'refreshInstance', instanceId: 'inst-1', orderId: 'F-1', orderLineId: '', scene: 'TRIAL_TO_FORMAL', expireTime: '20270101000000', productId: 'p', test: false },
    });
  });

  it('rejects one without expireTime with 000002', () => {
    expect(v1TrialToFormalCommand({ activity: 'newInstance', trialToFormal: '1', orderId: 'F-1' }, 'inst-1')).toMatchObject({ ok: false, resultCode: '000002' });
  });
});
