import { describe, expect, it } from 'vitest';
import { commandFromV1 } from '../../../shared/basic/commands';
import { tryParse } from './tryParse';
import { parseV1Basic } from '../../../shared/protocol/parse';

/** What a V1 request becomes: its command (parse, then map), or the 000002 the schema answers. */
function mapV1Command(params: Record<string, string>) {
  const parsed = tryParse(() => parseV1Basic(params));
  if (!parsed.ok) return parsed;
  const command = commandFromV1(parsed.value);
  // businessId is also kept as an attribute for the provisioner (commands.ts); the tables below name the rest.
  if (command.activity === 'newInstance' && command.attributes) {
    const { businessId: _kept, ...rest } = command.attributes;
    return { ok: true, command: { ...command, ...(Object.keys(rest).length > 0 ? { attributes: rest } : { attributes: undefined }) } };
  }
  return { ok: true, command };
}

describe('V1 request -> command', () => {
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
    [{ activity: 'queryInstance', instanceId: 'a, b,c' }, { activity: 'queryInstance', instanceIds: ['a', 'b', 'c'], test: false }],
    // The schema also reads the status from `status` (pages disagree on the name); the mapping used to refuse it.
    [{ activity: 'instanceStatus', instanceId: 'i', status: 'NORMAL' }, { activity: 'updateInstanceStatus', instanceId: 'i', status: 'UNFREEZE', test: false }],
  ])('maps %j', (params, command) => {
    expect(mapV1Command(params)).toEqual({ ok: true, command });
  });

  // The marketplace gets the schema's answer (it runs before the mapping, which checks nothing again).
  it.each([
    [{ activity: 'newInstance', customerId: 'c', businessId: 'b' }, 'orderId: required'],
    [{ activity: 'newInstance', customerId: 'c', orderId: 'O', businessId: '  ' }, 'businessId: required'],
    [{ activity: 'refreshInstance', instanceId: 'i', orderId: 'R' }, 'expireTime: required'],
    [{ activity: 'expireInstance' }, 'instanceId: required'],
    [{ activity: 'instanceStatus', instanceId: 'i', instanceStatus: 'UNFREEZE' }, 'instanceStatus: must be "FREEZE" or "NORMAL"'],
    [{ activity: 'upgrade', instanceId: 'i' }, 'orderId: required'],
    [{ activity: 'queryInstance', instanceId: 'a, b,,c' }, 'instanceId: item 3 is empty'],
  ])('rejects %j with 000002: %s', (params, resultMsg) => {
    expect(mapV1Command(params)).toEqual({ ok: false, resultCode: '000002', resultMsg });
  });
});
