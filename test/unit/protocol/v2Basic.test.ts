import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseV2Basic } from '../../../shared/protocol/parse';
import type { V2BasicActivity, V2BasicRequestOf } from '../../../shared/protocol/schemas/v2Basic';
import { rejection, withField } from './support';

const PRODUCT_INFO = { productId: '00301-xxxx-0--0', skuCode: 'sku-1', productName: 'Basic' };

/** The smallest valid body of each activity. */
const MINIMAL: Record<V2BasicActivity, Record<string, unknown>> = {
  newInstance: { activity: 'newInstance', orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b-1' },
  queryInstance: { activity: 'queryInstance', instanceId: 'i-1' },
  refreshInstance: { activity: 'refreshInstance', instanceId: 'i-1', orderId: 'CS2', orderLineId: 'CS2-000001', scene: 'RENEWAL', expireTime: '20221124023618' },
  updateInstanceStatus: { activity: 'updateInstanceStatus', instanceId: 'i-1', status: 'FREEZE' },
  releaseInstance: { activity: 'releaseInstance', instanceId: 'i-1' },
  upgradeInstance: { activity: 'upgradeInstance', instanceId: 'i-1', orderId: 'CS3', orderLineId: 'CS3-000001' },
  changeInstanceCheck: { activity: 'changeInstanceCheck', instanceId: 'i-1', productInfo: PRODUCT_INFO },
};

/** Every documented field of each activity, with its value and the parsed result. */
const FULL: Array<[V2BasicActivity, Record<string, unknown>, Record<string, unknown>]> = [
  ['newInstance', { ...MINIMAL.newInstance, testFlag: '1' }, { ...MINIMAL.newInstance, testFlag: true }],
  ['queryInstance', { activity: 'queryInstance', instanceId: 'i-1,i-2', testFlag: '0' }, { activity: 'queryInstance', instanceId: ['i-1', 'i-2'], testFlag: false }],
  [
    'refreshInstance',
    { ...MINIMAL.refreshInstance, scene: 'RENEWAL_CHANGE', expireTime: '20221124023618256', productId: 'p-2', testFlag: '1' },
    { ...MINIMAL.refreshInstance, scene: 'RENEWAL_CHANGE', expireTime: '20221124023618256', productId: 'p-2', testFlag: true },
  ],
  ['updateInstanceStatus', { ...MINIMAL.updateInstanceStatus, status: 'UNFREEZE', testFlag: '1' }, { ...MINIMAL.updateInstanceStatus, status: 'UNFREEZE', testFlag: true }],
  ['releaseInstance', { ...MINIMAL.releaseInstance, orderId: 'CS4', orderLineId: 'CS4-000001', testFlag: '1' }, { ...MINIMAL.releaseInstance, orderId: 'CS4', orderLineId: 'CS4-000001', testFlag: true }],
  ['upgradeInstance', { ...MINIMAL.upgradeInstance, testFlag: '1' }, { ...MINIMAL.upgradeInstance, testFlag: true }],
  [
    'changeInstanceCheck',
    { ...MINIMAL.changeInstanceCheck, productInfo: { ...PRODUCT_INFO, linearValue: 10 }, testFlag: '1' },
    { ...MINIMAL.changeInstanceCheck, productInfo: { ...PRODUCT_INFO, linearValue: 10 }, testFlag: true },
  ],
];

/** Mandatory fields (dotted path for nested ones). */
const REQUIRED: Array<[V2BasicActivity, string]> = [
  ['newInstance', 'orderId'],
  ['newInstance', 'orderLineId'],
  ['newInstance', 'businessId'],
  ['queryInstance', 'instanceId'],
  ['refreshInstance', 'instanceId'],
  ['refreshInstance', 'orderId'],
  ['refreshInstance', 'orderLineId'],
  ['refreshInstance', 'scene'],
  ['refreshInstance', 'expireTime'],
  ['updateInstanceStatus', 'instanceId'],
  ['updateInstanceStatus', 'status'],
  ['releaseInstance', 'instanceId'],
  ['upgradeInstance', 'instanceId'],
  ['upgradeInstance', 'orderId'],
  ['upgradeInstance', 'orderLineId'],
  ['changeInstanceCheck', 'instanceId'],
  ['changeInstanceCheck', 'productInfo'],
  ['changeInstanceCheck', 'productInfo.productId'],
  ['changeInstanceCheck', 'productInfo.skuCode'],
  ['changeInstanceCheck', 'productInfo.productName'],
];

/** Free-text string fields and their documented maximum length. */
const MAX_LENGTH: Array<[V2BasicActivity, string, number]> = [
  ['newInstance', 'orderId', 64],
  ['newInstance', 'orderLineId', 64],
  ['newInstance', 'businessId', 64],
  ['queryInstance', 'instanceId', 64],
  ['refreshInstance', 'instanceId', 64],
  ['refreshInstance', 'orderId', 64],
  ['refreshInstance', 'orderLineId', 64],
  ['refreshInstance', 'productId', 64],
  ['updateInstanceStatus', 'instanceId', 64],
  ['releaseInstance', 'instanceId', 64],
  ['releaseInstance', 'orderId', 64],
  ['releaseInstance', 'orderLineId', 64],
  ['upgradeInstance', 'instanceId', 64],
  ['upgradeInstance', 'orderId', 64],
  ['upgradeInstance', 'orderLineId', 64],
  ['changeInstanceCheck', 'instanceId', 64],
  ['changeInstanceCheck', 'productInfo.productId', 64],
  ['changeInstanceCheck', 'productInfo.skuCode', 64],
  ['changeInstanceCheck', 'productInfo.productName', 64],
];

const MAX_LENGTH_MESSAGE = (activity: V2BasicActivity, path: string, max: number) =>
  activity === 'queryInstance' ? `${path}: item 1 is longer than ${max} characters` : `${path}: at most ${max} characters`;

describe('parseV2Basic', () => {
  it.each(Object.entries(MINIMAL))('accepts a minimal %s body', (activity, body) => {
    expect(parseV2Basic(body)).toMatchObject({ activity, testFlag: false });
  });

  it.each(FULL)('accepts a %s body with every documented field', (_activity, body, parsed) => {
    expect(parseV2Basic(body)).toEqual(parsed);
  });

  it.each(REQUIRED)('rejects %s without %s', (activity, path) => {
    expect(rejection(() => parseV2Basic(withField(MINIMAL[activity], path, undefined)))).toBe(`${path}: required`);
  });

  it.each(REQUIRED)('rejects %s whose %s is null (null counts as absent)', (activity, path) => {
    expect(rejection(() => parseV2Basic(withField(MINIMAL[activity], path, null)))).toBe(`${path}: required`);
  });

  it.each(MAX_LENGTH)('accepts %s.%s of exactly %i characters', (activity, path, max) => {
    expect(() => parseV2Basic(withField(MINIMAL[activity], path, 'x'.repeat(max)))).not.toThrow();
  });

  it.each(MAX_LENGTH)('rejects %s.%s of %i + 1 characters', (activity, path, max) => {
    expect(rejection(() => parseV2Basic(withField(MINIMAL[activity], path, 'x'.repeat(max + 1))))).toBe(MAX_LENGTH_MESSAGE(activity, path, max));
  });

  it.each(MAX_LENGTH.filter(([activity]) => activity !== 'queryInstance'))('counts %s.%s in UTF-16 units, as Java does: %i - 1 letters and an emoji are too long', (activity, path, max) => {
    const astral = `${'x'.repeat(max - 1)}\u{1F600}`;
    expect(astral.length).toBe(max + 1);
    expect(rejection(() => parseV2Basic(withField(MINIMAL[activity], path, astral)))).toBe(MAX_LENGTH_MESSAGE(activity, path, max));
    expect(() => parseV2Basic(withField(MINIMAL[activity], path, `${'x'.repeat(max - 2)}\u{1F600}`))).not.toThrow();
  });

  it.each(MAX_LENGTH)('rejects %s.%s given as a number (the wire type is string)', (activity, path) => {
    expect(rejection(() => parseV2Basic(withField(MINIMAL[activity], path, 12345)))).toBe(`${path}: must be a string`);
  });

  it.each([
    ['newInstance', 'orderId'],
    ['refreshInstance', 'instanceId'],
    ['changeInstanceCheck', 'productInfo.skuCode'],
  ] as const)('rejects an empty mandatory %s.%s', (activity, path) => {
    expect(rejection(() => parseV2Basic(withField(MINIMAL[activity], path, '')))).toBe(`${path}: must not be empty`);
  });

  it.each([
    ['refreshInstance', 'scene', 'RENEW', 'scene: must be "TRIAL_TO_FORMAL" or "RENEWAL" or "UNSUBSCRIBE_RENEWAL_PERIOD" or "RENEWAL_CHANGE"'],
    ['updateInstanceStatus', 'status', 'freeze', 'status: must be "FREEZE" or "UNFREEZE"'],
    ['updateInstanceStatus', 'status', 1, 'status: must be "FREEZE" or "UNFREEZE"'],
    ['newInstance', 'testFlag', '2', 'testFlag: must be "0" or "1"'],
    ['newInstance', 'testFlag', true, 'testFlag: must be "0" or "1"'],
    ['queryInstance', 'instanceId', ['i-1'], 'instanceId: must be a string'],
    ['changeInstanceCheck', 'productInfo', ['x'], 'productInfo: must be an object or a JSON string of one'],
    ['changeInstanceCheck', 'productInfo', '{"productId":', 'productInfo: must be an object or a JSON string of one'],
    ['changeInstanceCheck', 'productInfo.linearValue', 1.5, 'productInfo.linearValue: must be a non-negative integer'],
    ['changeInstanceCheck', 'productInfo.linearValue', '-3', 'productInfo.linearValue: must be a non-negative integer'],
    ['changeInstanceCheck', 'productInfo.linearValue', '10 seats', 'productInfo.linearValue: must be a non-negative integer'],
  ] as const)('rejects %s.%s = %j', (activity, path, value, message) => {
    expect(rejection(() => parseV2Basic(withField(MINIMAL[activity], path, value)))).toBe(message);
  });

  it.each([
    ['"1"', '1', true],
    ['"0"', '0', false],
    ['the number 1', 1, true],
    ['the number 0', 0, false],
    ['""', '', false],
    ['absent', undefined, false],
  ])('reads testFlag %s', (_label, value, test) => {
    expect(parseV2Basic(withField(MINIMAL.newInstance, 'testFlag', value)).testFlag).toBe(test);
  });

  it.each(Object.entries(MINIMAL))('ignores unknown extra fields in %s', (_activity, body) => {
    const parsed = parseV2Basic({ ...body, orderNotify: 'x', extra: { nested: [1, 2] }, zzz: 7 });
    expect(parsed).toEqual(parseV2Basic(body));
  });

  describe('activity', () => {
    it.each([
      [{ orderId: 'CS1' }, 'activity: required'],
      [{ activity: 7 }, 'activity: must be a string'],
      [{ activity: 'orderNotify' }, 'activity: unknown activity "orderNotify"'],
      [{ activity: 'toString' }, 'activity: unknown activity "toString"'],
      [{ activity: 'upgrade' }, 'activity: unknown activity "upgrade"'],
    ])('rejects %j', (body, message) => {
      expect(rejection(() => parseV2Basic(body))).toBe(message);
    });

    it('quotes at most 64 characters of an unknown activity', () => {
      const message = rejection(() => parseV2Basic({ activity: `${'a'.repeat(64)}SECRET` }));
      expect(message).toBe(`activity: unknown activity "${'a'.repeat(64)}…"`);
      expect(message).not.toContain('SECRET');
    });
  });

  it.each([null, [], 'text', 42, true])('rejects a body that is not an object: %j', (body) => {
    expect(rejection(() => parseV2Basic(body))).toBe('body: must be a JSON object');
  });

  it('never quotes the received value of a field that is too long', () => {
    const secret = `S3cr3t-${'z'.repeat(80)}`;
    expect(rejection(() => parseV2Basic({ ...MINIMAL.newInstance, businessId: secret }))).not.toContain('S3cr3t');
  });

  it('drops null optional fields instead of rejecting them', () => {
    expect(parseV2Basic({ ...MINIMAL.refreshInstance, productId: null })).toEqual({ ...MINIMAL.refreshInstance, testFlag: false });
  });

  it('treats an empty optional productId as absent', () => {
    expect(parseV2Basic({ ...MINIMAL.refreshInstance, productId: '' })).not.toHaveProperty('productId');
  });

  describe('expireTime', () => {
    it.each(['20221124023618', '20221124023618256', '20240229235959', '20000229000000000', '99991231235959999'])('accepts %s', (expireTime) => {
      expect(parseV2Basic({ ...MINIMAL.refreshInstance, expireTime })).toMatchObject({ expireTime });
    });

    it.each([
      ['20230229000000', 'Feb 29 in a common year'],
      ['19000229000000', 'Feb 29 in 1900'],
      ['20221324000000', 'month 13'],
      ['20220000000000', 'month 0'],
      ['20220431000000', 'April 31'],
      ['20221124240000', 'hour 24'],
      ['20221124236000', 'minute 60'],
      ['20221124235960', 'second 60'],
      ['202211240236181', '15 digits'],
      ['2022112402361825', '16 digits'],
      ['2022-11-24T02:36:18Z', 'ISO text'],
      ['', 'empty'],
    ])('rejects %s (%s)', (expireTime) => {
      expect(rejection(() => parseV2Basic({ ...MINIMAL.refreshInstance, expireTime }))).toBe(
        'expireTime: must be 14 or 17 digits of a valid UTC time (yyyyMMddHHmmss[SSS])',
      );
    });
  });

  describe('queryInstance instanceId list', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `inst-${String(i).padStart(59, '0')}`);

    it('accepts 100 ids of 64 characters each (longer than the documented 100 characters)', () => {
      const list = ids(100);
      expect(parseV2Basic({ activity: 'queryInstance', instanceId: list.join(',') })).toMatchObject({ instanceId: list });
    });

    it.each([
      ['101 ids', ids(101).join(','), 'instanceId: at most 100 comma-separated ids'],
      ['an empty middle item', 'a,,b', 'instanceId: item 2 is empty'],
      ['a trailing comma', 'a,b,', 'instanceId: item 3 is empty'],
      ['a blank item', 'a, ,b', 'instanceId: item 2 is empty'],
      ['an empty string', '', 'instanceId: must not be empty'],
      ['an id of 65 characters', `a,${'x'.repeat(65)}`, 'instanceId: item 2 is longer than 64 characters'],
    ])('rejects %s', (_label, instanceId, message) => {
      expect(rejection(() => parseV2Basic({ activity: 'queryInstance', instanceId }))).toBe(message);
    });

    it('trims blanks around ids', () => {
      expect(parseV2Basic({ activity: 'queryInstance', instanceId: ' a , b' })).toMatchObject({ instanceId: ['a', 'b'] });
    });
  });

  describe('changeInstanceCheck productInfo', () => {
    it.each([
      ['an object', { ...PRODUCT_INFO, linearValue: 10 }],
      ['a JSON string', JSON.stringify({ ...PRODUCT_INFO, linearValue: 10 })],
      ['a JSON string with a numeric-string linearValue', JSON.stringify({ ...PRODUCT_INFO, linearValue: '10' })],
      ['an object with a numeric-string linearValue', { ...PRODUCT_INFO, linearValue: '10' }],
    ])('reads productInfo given as %s', (_label, productInfo) => {
      expect(parseV2Basic({ ...MINIMAL.changeInstanceCheck, productInfo })).toMatchObject({ productInfo: { ...PRODUCT_INFO, linearValue: 10 } });
    });

    it.each([null, ''])('treats linearValue %j as absent', (linearValue) => {
      const parsed = parseV2Basic({ ...MINIMAL.changeInstanceCheck, productInfo: { ...PRODUCT_INFO, linearValue } }) as V2BasicRequestOf<'changeInstanceCheck'>;
      expect(parsed.productInfo).toEqual(PRODUCT_INFO);
    });
  });

  describe('reference examples', () => {
    it('parses the newInstance example', () => {
      const body = JSON.parse(
        '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}',
      );
      expect(parseV2Basic(body)).toEqual({
        activity: 'newInstance',
        businessId: '87b94795-0603-4e24-8ae5-69420d60e3c8',
        orderId: 'CS2211181819B4LVS',
        orderLineId: 'CS2211181819B4LVS-000001',
        testFlag: true,
      });
    });

    it('parses the queryInstance example', () => {
      const body = JSON.parse('{"activity":"queryInstance","instanceId":"03pf80c2bae96vc49b80b917bea776d7","testFlag":"1"}');
      expect(parseV2Basic(body)).toEqual({ activity: 'queryInstance', instanceId: ['03pf80c2bae96vc49b80b917bea776d7'], testFlag: true });
    });

    it('parses the refreshInstance example (17-digit expireTime)', () => {
      const body = JSON.parse(
        '{"activity":"refreshInstance","expireTime":"20221124023618256","instanceId":"03pf80c2bae96vc49b80b917bea776d7","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","productId":"00301-xxxx-0--0","scene":"RENEWAL","testFlag":"1"}',
      );
      expect(parseV2Basic(body)).toEqual({
        activity: 'refreshInstance',
        expireTime: '20221124023618256',
        instanceId: '03pf80c2bae96vc49b80b917bea776d7',
        orderId: 'CS2211181819B4LVS',
        orderLineId: 'CS2211181819B4LVS-000001',
        productId: '00301-xxxx-0--0',
        scene: 'RENEWAL',
        testFlag: true,
      });
    });

    it('parses the updateInstanceStatus example', () => {
      const body = JSON.parse('{"activity":"updateInstanceStatus","instanceId":"03pf80c2bae96vc49b80b917bea776d7","status":"FREEZE","testFlag":"1"}');
      expect(parseV2Basic(body)).toEqual({ activity: 'updateInstanceStatus', instanceId: '03pf80c2bae96vc49b80b917bea776d7', status: 'FREEZE', testFlag: true });
    });
  });

  it('types its result as a union discriminated by activity', () => {
    const parsed = parseV2Basic(MINIMAL.queryInstance);
    if (parsed.activity === 'queryInstance') expectTypeOf(parsed.instanceId).toEqualTypeOf<string[]>();
    if (parsed.activity === 'refreshInstance') expectTypeOf(parsed.productId).toEqualTypeOf<string | undefined>();
    expectTypeOf(parsed.testFlag).toEqualTypeOf<boolean>();
  });
});
