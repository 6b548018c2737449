import { describe, expect, it } from 'vitest';
import { parseV1Basic } from '../../../shared/protocol/parse';
import type { V1BasicActivity } from '../../../shared/protocol/schemas/v1Basic';
import { rejection } from './support';

const NEW_MINIMAL = { activity: 'newInstance', customerId: 'c-1', businessId: 'b-1', orderId: 'CS1' };

/** The smallest valid query of each activity. */
const MINIMAL: Record<V1BasicActivity, Record<string, string>> = {
  newInstance: NEW_MINIMAL,
  // A renewal needs its order and new expiry (the mapping onto refreshInstance has no default for them).
  refreshInstance: { activity: 'refreshInstance', instanceId: 'i-1', orderId: 'CS2', expireTime: '20270101000000' },
  expireInstance: { activity: 'expireInstance', instanceId: 'i-1' },
  releaseInstance: { activity: 'releaseInstance', instanceId: 'i-1' },
  upgrade: { activity: 'upgrade', instanceId: 'i-1', orderId: 'CS3' },
  instanceStatus: { activity: 'instanceStatus', instanceId: 'i-1', instanceStatus: 'FREEZE' },
  queryInstance: { activity: 'queryInstance', instanceId: 'i-1' },
};

/** A newInstance query with every documented field. */
const NEW_FULL: Record<string, string> = {
  ...NEW_MINIMAL,
  customerName: 'test_user',
  userId: 'u-1',
  userName: 'iam-user',
  mobilePhone: '0123456789abcdefxp7q1TOn7hGRMDSy9g0lTA==',
  email: 'Uh2977H2620i0K25jfBd+k8XeknCQrs8jcXzWw==',
  skuCode: 'sku-1',
  productId: '00301-666666-0--0',
  trialFlag: '0',
  trialToFormal: '1',
  expireTime: '20200727153156',
  chargingMode: '1',
  periodType: 'month',
  periodNumber: '12',
  amount: '1234567',
  diskSize: '100',
  bandWidth: '10',
  orderAmount: '-12.50',
  saasExtendParams: 'W3sibmFtZSI6ImEiLCJ2YWx1ZSI6ImIifV0=',
  testFlag: '1',
  timeStamp: '20200727073711903',
};

const REQUIRED: Array<[V1BasicActivity, string]> = [
  ['newInstance', 'customerId'],
  ['newInstance', 'businessId'],
  ['newInstance', 'orderId'],
  ['refreshInstance', 'instanceId'],
  ['refreshInstance', 'orderId'],
  ['refreshInstance', 'expireTime'],
  ['expireInstance', 'instanceId'],
  ['releaseInstance', 'instanceId'],
  ['upgrade', 'instanceId'],
  ['upgrade', 'orderId'],
  ['instanceStatus', 'instanceId'],
  ['instanceStatus', 'instanceStatus'],
  ['queryInstance', 'instanceId'],
];

const MAX_LENGTH: Array<[string, number]> = [
  ['customerId', 100],
  ['customerName', 255],
  ['userId', 128],
  ['userName', 255],
  ['mobilePhone', 512],
  ['email', 512],
  ['businessId', 64],
  ['orderId', 64],
  ['skuCode', 64],
  ['productId', 64],
  ['periodType', 16],
  ['saasExtendParams', 2048],
];

describe('parseV1Basic', () => {
  it.each(Object.entries(MINIMAL))('accepts a minimal %s query', (activity, params) => {
    expect(parseV1Basic(params)).toMatchObject({ activity, testFlag: false });
  });

  it('accepts a newInstance query with every documented field and keeps the values as strings', () => {
    expect(parseV1Basic(NEW_FULL)).toEqual({ ...NEW_FULL, testFlag: true });
  });

  it.each(REQUIRED)('rejects %s without %s', (activity, field) => {
    const params = { ...MINIMAL[activity] };
    delete params[field];
    expect(rejection(() => parseV1Basic(params))).toBe(`${field}: required`);
  });

  it.each(REQUIRED)('rejects %s whose %s is empty (an empty value counts as absent)', (activity, field) => {
    expect(rejection(() => parseV1Basic({ ...MINIMAL[activity], [field]: '' }))).toBe(`${field}: required`);
  });

  it.each(MAX_LENGTH)('rejects newInstance %s of %i + 1 characters and accepts %i', (field, max) => {
    expect(() => parseV1Basic({ ...NEW_MINIMAL, [field]: 'x'.repeat(max) })).not.toThrow();
    expect(rejection(() => parseV1Basic({ ...NEW_MINIMAL, [field]: 'x'.repeat(max + 1) }))).toBe(`${field}: at most ${max} characters`);
  });

  it.each([
    ['trialFlag', '2', 'trialFlag: must be "0" or "1"'],
    ['trialToFormal', 'yes', 'trialToFormal: must be "0" or "1"'],
    ['expireTime', '20200230153156', 'expireTime: must be 14 or 17 digits of a valid UTC time (yyyyMMddHHmmss[SSS])'],
    ['chargingMode', 'PERIOD', 'chargingMode: must be an integer (0 on-demand, 1 period, 3 one-time, 5 package)'],
    ['periodNumber', '1.5', 'periodNumber: must be an integer of at most 7 digits'],
    ['amount', '12345678', 'amount: must be an integer of at most 7 digits'],
    ['diskSize', '-1', 'diskSize: must be an integer of at most 7 digits'],
    ['bandWidth', 'ten', 'bandWidth: must be an integer of at most 7 digits'],
    ['orderAmount', '12,50', 'orderAmount: must be a decimal number'],
    ['testFlag', 'true', 'testFlag: must be "0" or "1"'],
  ])('rejects newInstance %s = %j', (field, value, message) => {
    expect(rejection(() => parseV1Basic({ ...NEW_MINIMAL, [field]: value }))).toBe(message);
  });

  it.each(Object.entries(MINIMAL))('ignores unknown extra parameters in %s (authToken included)', (_activity, params) => {
    expect(parseV1Basic({ ...params, authToken: 'Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=', foo: 'bar' })).toEqual(parseV1Basic(params));
  });

  it.each(Object.entries(MINIMAL).filter(([a]) => a !== 'newInstance'))('treats the newInstance fields as optional in %s', (_activity, params) => {
    const parsed = parseV1Basic({ ...params, orderId: 'CS9', expireTime: '20250101000000', orderAmount: '-3' });
    expect(parsed).toMatchObject({ orderId: 'CS9', expireTime: '20250101000000', orderAmount: '-3' });
  });

  it.each([
    [{ instanceStatus: 'FREEZE' }, 'FREEZE'],
    [{ instanceStatus: 'NORMAL' }, 'NORMAL'],
    [{ status: 'NORMAL' }, 'NORMAL'],
    [{ instanceStatus: 'FREEZE', status: 'NORMAL' }, 'FREEZE'],
  ])('reads the instanceStatus value from %j', (fields, status) => {
    const parsed = parseV1Basic({ activity: 'instanceStatus', instanceId: 'i-1', ...fields });
    expect(parsed).toEqual({ activity: 'instanceStatus', instanceId: 'i-1', status, testFlag: false });
  });

  it.each([
    [{ instanceStatus: 'UNFREEZE' }, 'instanceStatus: must be "FREEZE" or "NORMAL"'],
    [{ status: 'frozen' }, 'status: must be "FREEZE" or "NORMAL"'],
  ])('rejects instanceStatus %j', (fields, message) => {
    expect(rejection(() => parseV1Basic({ activity: 'instanceStatus', instanceId: 'i-1', ...fields }))).toBe(message);
  });

  it.each([
    [{}, 'activity: required'],
    [{ activity: 'upgradeInstance' }, 'activity: unknown activity "upgradeInstance"'],
    [{ activity: 'constructor' }, 'activity: unknown activity "constructor"'],
  ])('rejects the activity of %j', (params, message) => {
    expect(rejection(() => parseV1Basic(params))).toBe(message);
  });

  it('splits a queryInstance id list', () => {
    expect(parseV1Basic({ activity: 'queryInstance', instanceId: 'a,b,c', testFlag: '1' })).toEqual({ activity: 'queryInstance', instanceId: ['a', 'b', 'c'], testFlag: true });
  });

  describe('reference examples', () => {
    it('parses the newInstance query of the official sample (V1-A)', () => {
      const params = {
        activity: 'newInstance',
        businessId: '61e834ba-7b97-4418-b8f7-e5345137278c',
        customerId: '68cbc86abc2018ab880d92f36422fa0e',
        expireTime: '20200727153156',
        orderId: 'CS1906666666ABCDE',
        productId: '00301-666666-0--0',
        testFlag: '1',
        timeStamp: '20200727073711903',
        authToken: 'Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=',
      };
      const { authToken: _ignored, ...expected } = params;
      expect(parseV1Basic(params)).toEqual({ ...expected, testFlag: true });
    });

    it('parses the newInstance query with an encrypted mobilePhone (V1-B), keeping the ciphertext', () => {
      const params = {
        activity: 'newInstance',
        businessId: '61e834ba-7b97-4418-b8f7-e5345137278c',
        customerId: '68cbc86abc2018ab880d92f36422fa0e',
        customerName: 'test_user',
        mobilePhone: '0123456789abcdefxp7q1TOn7hGRMDSy9g0lTA==',
        orderId: 'CS1906666666ABCDE',
        productId: '00301-666666-0--0',
        testFlag: '1',
        timeStamp: '20240101080000123',
      };
      expect(parseV1Basic(params)).toMatchObject({ mobilePhone: '0123456789abcdefxp7q1TOn7hGRMDSy9g0lTA==', customerName: 'test_user' });
    });

    it('parses the queryInstance query example', () => {
      const params = { activity: 'queryInstance', instanceId: 'a1,b2', testFlag: '1', timeStamp: '20230327065233980', authToken: 'Eh/3Ud+R1j3d/wOui5CAcvRipM8IuribvgkXfJAsTfE=' };
      expect(parseV1Basic(params)).toEqual({ activity: 'queryInstance', instanceId: ['a1', 'b2'], testFlag: true, timeStamp: '20230327065233980' });
    });
  });
});
