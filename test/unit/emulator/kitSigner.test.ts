import { describe, expect, it } from 'vitest';
import { kitTimeStamp } from '../../../infra/emulator/kitBodies';
import { kitPayload, signKitRequest, signV1KitAuthToken, v1KitStringToSign } from '../../../infra/emulator/kitSigner';

// Vectors from security-and-crypto.md §7 (V2-B kit x-sign; V1-A authToken, whose HMAC rule the V1 POST shares, §4.2).
const KEY = 'test-access-key-0001';
const NONCE = '50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA';
const TIMESTAMP = '1680508066618';
/** The doc's tenantSync example body (joint-operation-kit-and-sso.md §5), tenantId filled in, in the doc's field order. */
const DOC_TENANT_BODY = {
  instanceId: 'huaiweitest123456', orderId: 'CS1906666666ABCDE', tenantId: '68cbc86abc2018ab880d92f36422fa0e', tenantCode: 'huawei', name: 'huaiweitest',
  domainName: 'https://example.tenantaccount.com', flag: 1, testFlag: 0, timeStamp: '20220413093539534',
};
const V2B_PAYLOAD = '{"domainName":"https://example.tenantaccount.com","flag":1,"instanceId":"huaiweitest123456","name":"huaiweitest","orderId":"CS1906666666ABCDE","tenantCode":"huawei","tenantId":"68cbc86abc2018ab880d92f36422fa0e","testFlag":0,"timeStamp":"20220413093539534"}';
const V2B_SIGN = '60e5e9fc564b93105f92d99813cf10ef2aedda63299b9030226565fbad15a8e9';

describe('kitPayload', () => {
  it('re-canonicalises the unsorted doc example into the V2-B payload (numbers stay numbers)', () => {
    expect(kitPayload(DOC_TENANT_BODY)).toBe(V2B_PAYLOAD);
  });

  it('sorts only the top level, drops only top-level nulls, keeps nested order and nested nulls', () => {
    const body = { userList: [{ userName: 'u', name: '张三', orgCode: null }], b: null, a: '' };
    expect(kitPayload(body)).toBe('{"a":"","userList":[{"userName":"u","name":"张三","orgCode":null}]}');
  });
});

describe('signKitRequest', () => {
  it('matches vector V2-B', () => {
    expect(signKitRequest({ key: KEY, nonce: NONCE, timestamp: TIMESTAMP, payload: kitPayload(DOC_TENANT_BODY) })).toBe(V2B_SIGN);
  });

  it('has no inner HMAC (the basic-interface form gives another value) and changes with every input', () => {
    const base = { key: KEY, nonce: NONCE, timestamp: TIMESTAMP, payload: V2B_PAYLOAD };
    for (const variant of [{ key: `${KEY}x` }, { nonce: `${NONCE}0` }, { timestamp: '1680508066619' }, { payload: `${V2B_PAYLOAD} ` }]) {
      expect(signKitRequest({ ...base, ...variant })).not.toBe(V2B_SIGN);
    }
  });
});

describe('signV1KitAuthToken', () => {
  const V1A = {
    activity: 'newInstance', businessId: '61e834ba-7b97-4418-b8f7-e5345137278c', customerId: '68cbc86abc2018ab880d92f36422fa0e',
    expireTime: '20200727153156', orderId: 'CS1906666666ABCDE', productId: '00301-666666-0--0', testFlag: '1', timeStamp: '20200727073711903',
  };
  const V1A_TOKEN = 'Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=';

  it('matches vector V1-A for the same fields posted as a body', () => {
    expect(signV1KitAuthToken('xxxxxxx', V1A)).toBe(V1A_TOKEN);
  });

  it.each([
    ['a number written in decimal', { ...V1A, testFlag: 1 }],
    ['blank values skipped', { ...V1A, customerName: '', email: '  \t', mobilePhone: null }],
    ['an authToken member left out', { ...V1A, authToken: 'ignored' }],
    ['fields in any order', Object.fromEntries(Object.entries(V1A).reverse())],
  ])('gives the V1-A token with %s', (_name, body) => {
    expect(signV1KitAuthToken('xxxxxxx', body)).toBe(V1A_TOKEN);
  });

  it('keeps a value of Java non-breaking space (not blank for StringUtils.isBlank)', () => {
    expect(v1KitStringToSign({ a: '\u00a0', b: ' ' })).toBe('a=\u00a0');
  });

  it('signs a list field as its JSON text and refuses a nested value or a missing timeStamp', () => {
    expect(v1KitStringToSign({ userList: '[{"userName":"u"}]', flag: 0, timeStamp: '1' })).toBe('flag=0&timeStamp=1&userList=[{"userName":"u"}]');
    expect(() => signV1KitAuthToken(KEY, { userList: [{ userName: 'u' }], timeStamp: '1' })).toThrow(/userList/);
    expect(() => signV1KitAuthToken(KEY, { flag: 1 })).toThrow(/timeStamp/);
  });
});

describe('kitTimeStamp', () => {
  it('formats UTC+8 as yyyyMMddHHmmssSSS, across the date line', () => {
    expect(kitTimeStamp(new Date(Date.UTC(2022, 3, 13, 1, 35, 39, 534)))).toBe('20220413093539534');
    expect(kitTimeStamp(new Date(Date.UTC(2022, 11, 31, 17, 0, 0, 5)))).toBe('20230101010000005');
  });
});
