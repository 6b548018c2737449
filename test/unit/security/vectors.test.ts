/**
 * The published vectors of security-and-crypto.md §7 (recomputed there with Java 17 and Python).
 */
import { tryVerify } from '../../../shared/security/verifyResult';
import { describe, expect, it } from 'vitest';
import { bodySignature, bodySignHeader, BODY_SIGN_HEADER } from '../../../shared/security/bodySign';
import { decryptCredential, encryptCredential } from '../../../shared/security/credentialCipher';
import { signKit, verifyKitSignature } from '../../../shared/security/kitSignature';
import { deriveAesKey } from '../../../shared/security/sha1prngKey';
import { parseWireQuery, signV1AuthToken, v1StringToSign, verifyV1AuthToken } from '../../../shared/security/v1AuthToken';
import { signV2, verifyV2Signature } from '../../../shared/security/v2Signature';

const KEY = 'test-access-key-0001';
const NONCE = '50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA';
const TS = '1680508066618';
const NOW = 1680508066618 + 5_000;

describe('signV1AuthToken', () => {
  const params = {
    activity: 'newInstance', businessId: '61e834ba-7b97-4418-b8f7-e5345137278c',
    customerId: '68cbc86abc2018ab880d92f36422fa0e', expireTime: '20200727153156', orderId: 'CS1906666666ABCDE',
    productId: '00301-666666-0--0', testFlag: '1', timeStamp: '20200727073711903',
  };

  it('reproduces V1-A, the official sample token (string to sign and token)', () => {
    expect(v1StringToSign(params)).toBe(
      'activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&expireTime=20200727153156&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20200727073711903',
    );
    expect(signV1AuthToken({ key: 'xxxxxxx', params })).toBe('Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=');
  });

  it('keys the V1-A HMAC with Key + timeStamp (the bare Key gives another token)', () => {
    expect(signV1AuthToken({ key: 'xxxxxxx', params: { ...params, timeStamp: '20200727073711904' } })).not.toBe(
      'Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=',
    );
  });

  const v1b = {
    activity: 'newInstance', businessId: '61e834ba-7b97-4418-b8f7-e5345137278c',
    customerId: '68cbc86abc2018ab880d92f36422fa0e', customerName: 'test_user',
    mobilePhone: '0123456789abcdefxp7q1TOn7hGRMDSy9g0lTA==', orderId: 'CS1906666666ABCDE',
    productId: '00301-666666-0--0', testFlag: '1', timeStamp: '20240101080000123',
  };
  const V1B_TOKEN = 'Q/uopLfS6z7/64zqtX8EPVMDX4TlewCjrjY17hShFWc=';

  it('reproduces V1-B, signing the encrypted mobilePhone as received', () => {
    expect(signV1AuthToken({ key: KEY, params: v1b })).toBe(V1B_TOKEN);
  });

  it('verifies V1-B from its URL-encoded wire form', () => {
    const wire =
      'activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e' +
      '&customerName=test_user&mobilePhone=0123456789abcdefxp7q1TOn7hGRMDSy9g0lTA%3D%3D&orderId=CS1906666666ABCDE' +
      '&productId=00301-666666-0--0&testFlag=1&timeStamp=20240101080000123&authToken=Q%2FuopLfS6z7%2F64zqtX8EPVMDX4TlewCjrjY17hShFWc%3D';
    const params = parseWireQuery(wire);
    expect(params['authToken']).toBe(V1B_TOKEN);
    expect(tryVerify(() => verifyV1AuthToken({ params, keys: ['old-key', KEY] }))).toEqual({ ok: true, keyIndex: 1 });
  });

  it('decrypts the V1-B mobilePhone with AES-256', () => {
    expect(decryptCredential({ key: KEY, field: v1b.mobilePhone, bits: 256 })).toEqual({ text: '13800000000', bits: 256 });
  });
});

describe('bodySignHeader', () => {
  it('reproduces V1-C, header value and signature', () => {
    const body = '{"resultCode":"000000","resultMsg":"success.","instanceId":"87b94795-0603-4e24-8ae5-69420d60e3c8"}';
    expect(bodySignature(KEY, body)).toBe('FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU=');
    expect(`${BODY_SIGN_HEADER}: ${bodySignHeader(KEY, body)}`).toBe(
      'Body-Sign: sign_type="HMAC-SHA256", signature="FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU="',
    );
  });

  it('reproduces the V1-C sanity check of the public sample (key abcde, body a=1&b=2)', () => {
    expect(bodySignature('abcde', Buffer.from('a=1&b=2'))).toBe('4sbEVd9vKZQGPRRr8TyjWery0lZV7tetTnzfX3Gb9Ok=');
  });
});

describe('deriveAesKey', () => {
  it.each([
    ['xxxxxxx', 'c962ef8500ad13239b5ec0eb6a5c570b', 'c962ef8500ad13239b5ec0eb6a5c570b3cae0fd0e5c28e793eb6aaa22d251123'],
    ['abcde', '8dc54f2e15823c98aea063e339a5d4c5', '8dc54f2e15823c98aea063e339a5d4c53d1a471adbf839311f5083e7778f46fb'],
    ['9fa6c870-8bb0-4e9b-b71e-4c223300156f', '6de9c7fe5a9cd34b86611483e5124a8f', '6de9c7fe5a9cd34b86611483e5124a8fdd1fc74c4f54543ee7cd43c5195a3198'],
    [KEY, 'fa32b243c1eeb23e93357bb8be8ec849', 'fa32b243c1eeb23e93357bb8be8ec84903d6395e4f1ccb2379a1666d99a6ab9f'],
  ])('derives the Java SHA1PRNG keys for %s', (key, k128, k256) => {
    expect(deriveAesKey(key, 128).toString('hex')).toBe(k128);
    expect(deriveAesKey(key, 256).toString('hex')).toBe(k256);
  });
});

describe('encryptCredential', () => {
  it.each([
    ['xxxxxxx', 'Uh2977H2620i0K25', '15905222222', 256, 'Uh2977H2620i0K25jfBd+k8XeknCQrs8jcXzWw=='],
    ['xxxxxxx', 'AbCdEf0123456789', 'admin', 256, 'AbCdEf01234567898VSGPXAv/es5MLXHrzDxMg=='],
    ['xxxxxxx', 'AbCdEf0123456789', 'admin', 128, 'AbCdEf0123456789EwD4osKn1L6UtW2nj56JYw=='],
    [KEY, 'AbCdEf0123456789', 'admin', 256, 'AbCdEf0123456789We/3PQJmOEsA2sMQgtDRAw=='],
    [KEY, 'AbCdEf0123456789', 'admin', 128, 'AbCdEf0123456789X5wYvuMV2C73Uls+aItuyw=='],
    [KEY, '0123456789abcdef', 'Huawei@12345', 256, '0123456789abcdefbXkTxCXeW44rSuoEGzP0TQ=='],
    [KEY, '0123456789abcdef', 'Huawei@12345', 128, '0123456789abcdefDc5/DV6uP2NDHdCMlpUEOw=='],
    [KEY, '0123456789abcdef', '用户名', 256, '0123456789abcdefnJ8Fzk+SQOVamPuLqaAzfQ=='],
  ] as const)('key %s iv %s encrypts %s with AES-%i to the Java field, and decrypts it back', (key, iv, plaintext, bits, field) => {
    expect(encryptCredential({ key, iv, plaintext, bits })).toBe(field);
    expect(decryptCredential({ key, field, bits })).toEqual({ text: plaintext, bits });
    expect(decryptCredential({ key, field, bits: 'auto' })).toEqual({ text: plaintext, bits });
  });

  it('gives the 40-character field of the first credential row', () => {
    expect(encryptCredential({ key: 'xxxxxxx', iv: 'Uh2977H2620i0K25', plaintext: '15905222222', bits: 256 })).toHaveLength(40);
  });
});

describe('signV2', () => {
  const body =
    '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}';
  const SIG = 'c506f4221ec15f98c40b8a5d5065d8b815a2c5596cf4421382088b5652565458';

  it('reproduces V2-A', () => {
    expect(signV2({ key: KEY, nonce: NONCE, timestamp: TS, body })).toBe(SIG);
  });

  it('verifies V2-A sent in upper case, as the doc examples are', () => {
    const query = { signature: SIG.toUpperCase(), timestamp: TS, nonce: NONCE };
    expect(tryVerify(() => verifyV2Signature({ body, query, keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });
});

describe('signKit', () => {
  // The doc's tenantSync body, keys in the doc's unsorted order.
  const body =
    '{"tenantId":"68cbc86abc2018ab880d92f36422fa0e","flag":1,"testFlag":0,"domainName":"https://example.tenantaccount.com",' +
    '"instanceId":"huaiweitest123456","name":"huaiweitest","orderId":"CS1906666666ABCDE","tenantCode":"huawei","timeStamp":"20220413093539534"}';
  const XSIGN = '60e5e9fc564b93105f92d99813cf10ef2aedda63299b9030226565fbad15a8e9';

  it('reproduces V2-B from an unsorted body', () => {
    expect(signKit({ key: KEY, nonce: NONCE, timestamp: TS, body })).toBe(XSIGN);
  });

  it('verifies V2-B from headers', () => {
    const headers = { 'x-sign': XSIGN, 'x-timestamp': TS, 'x-nonce': NONCE };
    expect(tryVerify(() => verifyKitSignature({ body, headers, keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });
});
