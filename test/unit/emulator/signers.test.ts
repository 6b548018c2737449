import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../infra/emulator/canonicalJson';
import { bitsOfEncryptType, decryptCredentialField, deriveAesKey } from '../../../infra/emulator/credentials';
import { bodySignature, parseBodySignHeader, signV1AuthToken, v1TimeStamp, verifyBodySign } from '../../../infra/emulator/v1Signer';
import { newNonce, signV2Request } from '../../../infra/emulator/v2Signer';

// Vectors from security-and-crypto.md §7 (recomputed there with Java 17 and Python).
const KEY = 'test-access-key-0001';
const V2A_BODY = '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}';
const V2A_NONCE = '50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA';

describe('canonicalJson', () => {
  it('reproduces the doc example body byte for byte from shuffled keys', () => {
    const body = { testFlag: '1', orderLineId: 'CS2211181819B4LVS-000001', activity: 'newInstance', orderId: 'CS2211181819B4LVS', businessId: '87b94795-0603-4e24-8ae5-69420d60e3c8' };
    expect(canonicalJson(body)).toBe(V2A_BODY);
  });

  it.each([
    ['drops null values but keeps empty strings', { b: null, a: '' }, '{"a":""}'],
    ['sorts upper case before lower case (ordinal order)', { b: '1', B: '2', a: '3' }, '{"B":"2","a":"3","b":"1"}'],
    ['leaves non-ASCII and "/" unescaped', { u: 'https://x/登录' }, '{"u":"https://x/登录"}'],
    ['writes control characters with upper-case hex, as Jackson does', { c: '\u001f\\u001f\n' }, '{"c":"\\u001F\\\\u001f\\n"}'],
  ])('%s', (_name, body, expected) => {
    expect(canonicalJson(body as Record<string, unknown>)).toBe(expected);
  });
});

describe('signV2Request', () => {
  it('matches vector V2-A', () => {
    expect(signV2Request({ key: KEY, nonce: V2A_NONCE, timestamp: '1680508066618', payload: V2A_BODY })).toBe('c506f4221ec15f98c40b8a5d5065d8b815a2c5596cf4421382088b5652565458');
  });

  it('changes when any one input changes', () => {
    const base = { key: KEY, nonce: V2A_NONCE, timestamp: '1680508066618', payload: V2A_BODY };
    const reference = signV2Request(base);
    for (const variant of [{ key: `${KEY}x` }, { nonce: `${V2A_NONCE}0` }, { timestamp: '1680508066619' }, { payload: `${V2A_BODY} ` }]) {
      expect(signV2Request({ ...base, ...variant })).not.toBe(reference);
    }
  });
});

describe('newNonce', () => {
  it('makes 64 upper-case hex characters, different each time', () => {
    const a = newNonce();
    expect(a).toMatch(/^[0-9A-F]{64}$/);
    expect(newNonce()).not.toBe(a);
  });
});

describe('signV1AuthToken', () => {
  it('matches vector V1-A (official sample, key xxxxxxx)', () => {
    const params = {
      activity: 'newInstance', businessId: '61e834ba-7b97-4418-b8f7-e5345137278c', customerId: '68cbc86abc2018ab880d92f36422fa0e',
      expireTime: '20200727153156', orderId: 'CS1906666666ABCDE', productId: '00301-666666-0--0', testFlag: '1', timeStamp: '20200727073711903',
    };
    expect(signV1AuthToken('xxxxxxx', params)).toBe('Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=');
    expect(signV1AuthToken('xxxxxxx', { ...params, authToken: 'ignored' })).toBe('Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=');
  });

  it('matches vector V1-B (encrypted mobilePhone signed as ciphertext)', () => {
    const params = {
      activity: 'newInstance', businessId: '61e834ba-7b97-4418-b8f7-e5345137278c', customerId: '68cbc86abc2018ab880d92f36422fa0e', customerName: 'test_user',
      mobilePhone: '0123456789abcdefxp7q1TOn7hGRMDSy9g0lTA==', orderId: 'CS1906666666ABCDE', productId: '00301-666666-0--0', testFlag: '1', timeStamp: '20240101080000123',
    };
    expect(signV1AuthToken(KEY, params)).toBe('Q/uopLfS6z7/64zqtX8EPVMDX4TlewCjrjY17hShFWc=');
  });
});

describe('v1TimeStamp', () => {
  it('formats UTC as yyyyMMddHHmmssSSS', () => {
    expect(v1TimeStamp(new Date(Date.UTC(2020, 6, 27, 7, 37, 11, 903)))).toBe('20200727073711903');
  });
});

describe('verifyBodySign', () => {
  const body = Buffer.from('{"resultCode":"000000","resultMsg":"success.","instanceId":"87b94795-0603-4e24-8ae5-69420d60e3c8"}');
  const header = 'sign_type="HMAC-SHA256", signature="FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU="';

  it('matches vector V1-C and the public sample check value', () => {
    expect(bodySignature(KEY, body)).toBe('FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU=');
    expect(bodySignature('abcde', 'a=1&b=2')).toBe('4sbEVd9vKZQGPRRr8TyjWery0lZV7tetTnzfX3Gb9Ok=');
  });

  it.each([
    ['the documented header', header, true],
    ['the spacing of the HTTP Body签名 page', 'sign_type="HMAC-SHA256", signature= "FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU="', true],
    ['no space after the comma', 'sign_type="HMAC-SHA256",signature="FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU="', true],
    ['values without quotes', 'sign_type=HMAC-SHA256, signature=FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU=', false],
    ['another sign_type', 'sign_type="HMAC-SHA1", signature="FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU="', false],
    ['a signature of other bytes', 'sign_type="HMAC-SHA256", signature="4sbEVd9vKZQGPRRr8TyjWery0lZV7tetTnzfX3Gb9Ok="', false],
  ])('judges %s', (_name, value, valid) => {
    expect(verifyBodySign(KEY, value, body)).toBe(valid);
  });

  it('rejects a body that differs by one trailing newline', () => {
    expect(verifyBodySign(KEY, header, Buffer.concat([body, Buffer.from('\n')]))).toBe(false);
    expect(parseBodySignHeader(header)?.signType).toBe('HMAC-SHA256');
  });
});

describe('deriveAesKey', () => {
  it.each([
    ['xxxxxxx', 'c962ef8500ad13239b5ec0eb6a5c570b3cae0fd0e5c28e793eb6aaa22d251123'],
    ['abcde', '8dc54f2e15823c98aea063e339a5d4c53d1a471adbf839311f5083e7778f46fb'],
    ['9fa6c870-8bb0-4e9b-b71e-4c223300156f', '6de9c7fe5a9cd34b86611483e5124a8fdd1fc74c4f54543ee7cd43c5195a3198'],
    [KEY, 'fa32b243c1eeb23e93357bb8be8ec84903d6395e4f1ccb2379a1666d99a6ab9f'],
  ])('derives the Java SHA1PRNG keys for %s', (key, aes256) => {
    expect(deriveAesKey(key, 256).toString('hex')).toBe(aes256);
    expect(deriveAesKey(key, 128).toString('hex')).toBe(aes256.slice(0, 32));
  });
});

describe('decryptCredentialField', () => {
  it.each([
    ['xxxxxxx', 'Uh2977H2620i0K25jfBd+k8XeknCQrs8jcXzWw==', 256, '15905222222'],
    ['xxxxxxx', 'AbCdEf01234567898VSGPXAv/es5MLXHrzDxMg==', 256, 'admin'],
    ['xxxxxxx', 'AbCdEf0123456789EwD4osKn1L6UtW2nj56JYw==', 128, 'admin'],
    [KEY, 'AbCdEf0123456789We/3PQJmOEsA2sMQgtDRAw==', 256, 'admin'],
    [KEY, 'AbCdEf0123456789X5wYvuMV2C73Uls+aItuyw==', 128, 'admin'],
    [KEY, '0123456789abcdefbXkTxCXeW44rSuoEGzP0TQ==', 256, 'Huawei@12345'],
    [KEY, '0123456789abcdefDc5/DV6uP2NDHdCMlpUEOw==', 128, 'Huawei@12345'],
    [KEY, '0123456789abcdefnJ8Fzk+SQOVamPuLqaAzfQ==', 256, '用户名'],
  ] as const)('decrypts the §7 vector %s / %s', (key, field, bits, plain) => {
    expect(decryptCredentialField(key, field, bits)).toBe(plain);
  });

  it('refuses a field decrypted with the wrong key size or key', () => {
    const wrong = [() => decryptCredentialField(KEY, '0123456789abcdefnJ8Fzk+SQOVamPuLqaAzfQ==', 128), () => decryptCredentialField('other', 'AbCdEf0123456789We/3PQJmOEsA2sMQgtDRAw==', 256)];
    for (const attempt of wrong) {
      let plain: string | undefined;
      try {
        plain = attempt();
      } catch {
        plain = undefined;
      }
      expect(plain === undefined || !['用户名', 'admin'].includes(plain)).toBe(true);
    }
  });

  it('maps encryptType to key sizes ("1" or absent: 256, "2": 128)', () => {
    expect([bitsOfEncryptType(undefined), bitsOfEncryptType('1'), bitsOfEncryptType('2'), bitsOfEncryptType('3')]).toEqual([256, 256, 128, undefined]);
  });
});
