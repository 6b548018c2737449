import { tryVerify } from '../../../shared/security/verifyResult';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidParamError } from '../../../shared/core/errors';
import {
  parseWireQuery, signV1AuthToken, signV1PostAuthToken, v1PostStringToSign, v1StringToSign, verifyV1AuthToken, verifyV1PostAuthToken,
} from '../../../shared/security/v1AuthToken';
import { opensslHmacBase64 } from './independent';

const KEY = 'test-access-key-0001';
const TS = '20240101080000123';

describe('parseWireQuery', () => {
  it.each([
    ['a=%2B', { a: '+' }],
    ['a=+', { a: ' ' }],
    ['a=x%3Dy', { a: 'x=y' }],
    ['a=b=c', { a: 'b=c' }],
    ['?a=1&b=2', { a: '1', b: '2' }],
    ['a=1&a=2', { a: '1' }],
    ['flag&x=', { flag: '', x: '' }],
    ['n%61me=%E5%8D%8E', { name: '华' }],
    ['a=1&&b=2&', { a: '1', b: '2' }],
    ['', {}],
  ])('decodes %j once, + as space, first value winning', (raw, expected) => {
    expect({ ...parseWireQuery(raw) }).toEqual(expected);
  });

  it('keeps __proto__ as an ordinary parameter', () => {
    const p = parseWireQuery('__proto__=x&constructor=y');
    expect(Object.keys(p).sort()).toEqual(['__proto__', 'constructor']);
    expect(p['__proto__']).toBe('x');
  });

  it.each(['a=%', 'a=%zz', 'a=%E5%8D'])('rejects the malformed escape in %j with InvalidParamError', (raw) => {
    expect(() => parseWireQuery(raw)).toThrow(InvalidParamError);
  });
});

describe('v1StringToSign', () => {
  it('sorts by UTF-16 code unit, drops authToken, keeps empty values', () => {
    expect(v1StringToSign({ b: '2', authToken: 'x', B: '', a: '1', timeStamp: TS })).toBe(`B=&a=1&b=2&timeStamp=${TS}`);
  });
});

describe('verifyV1AuthToken', () => {
  // URL-encoded values on the wire; the token is computed by OpenSSL over the hand-decoded string.
  const decoded = `activity=newInstance&email=a+b=c@x.cn&name=a b&timeStamp=${TS}`;
  const token = opensslHmacBase64(KEY + TS, decoded);
  const wire = `timeStamp=${TS}&name=a+b&email=a%2Bb%3Dc%40x.cn&activity=newInstance&authToken=${encodeURIComponent(token)}`;

  it('verifies URL-encoded values (%2B, +, %3D) after one decode', () => {
    expect(tryVerify(() => verifyV1AuthToken({ params: parseWireQuery(wire), keys: [KEY] }))).toEqual({ ok: true, keyIndex: 0 });
  });

  it('signs the same decoded parameters to the OpenSSL token', () => {
    expect(signV1AuthToken({ key: KEY, params: parseWireQuery(wire) })).toBe(token);
  });

  it.each<[string, Record<string, string>, '000001' | '000002']>([
    ['a missing timeStamp', { activity: 'x', authToken: token }, '000002'],
    ['a missing authToken', { activity: 'x', timeStamp: TS }, '000001'],
    ['a wrong authToken', { ...parseWireQuery(wire), authToken: token.replace(/^./, token[0] === 'A' ? 'B' : 'A') }, '000001'],
    ['an authToken in the wrong case', { ...parseWireQuery(wire), authToken: token.toLowerCase() }, '000001'],
    ['a changed value', { ...parseWireQuery(wire), name: 'a+b' }, '000001'],
    ['a changed timeStamp', { ...parseWireQuery(wire), timeStamp: `${TS}1` }, '000001'],
  ])('rejects %s', (_n, params, code) => {
    expect(tryVerify(() => verifyV1AuthToken({ params, keys: [KEY] }))).toMatchObject({ ok: false, resultCode: code });
  });

  it('names the matching key of a ring', () => {
    expect(tryVerify(() => verifyV1AuthToken({ params: parseWireQuery(wire), keys: ['new-key', KEY] }))).toEqual({ ok: true, keyIndex: 1 });
  });

  it('refuses to sign without a timeStamp', () => {
    expect(() => signV1AuthToken({ key: KEY, params: { a: '1' } })).toThrow(InvalidParamError);
  });
});

describe('v1PostStringToSign', () => {
  it('skips blank values, writes numbers in decimal and sorts names', () => {
    const body = { timeStamp: TS, flag: 1, name: '', memo: '   ', nbsp: '\u00a0', nothing: null, tenantId: 't', big: 12.5, ok: true };
    expect(v1PostStringToSign(body)).toBe(`big=12.5&flag=1&nbsp=\u00a0&ok=true&tenantId=t&timeStamp=${TS}`);
  });

  it('verifies a header authToken computed with OpenSSL', () => {
    const body = { tenantId: 't-1', flag: 0, timeStamp: TS, domainName: 'https://x.cn' };
    const token = opensslHmacBase64(KEY + TS, `domainName=https://x.cn&flag=0&tenantId=t-1&timeStamp=${TS}`);
    expect(signV1PostAuthToken({ key: KEY, body })).toBe(token);
    expect(tryVerify(() => verifyV1PostAuthToken({ body, authToken: token, keys: [KEY] }))).toEqual({ ok: true, keyIndex: 0 });
    expect(tryVerify(() => verifyV1PostAuthToken({ body: { ...body, flag: 1 }, authToken: token, keys: [KEY] }))).toMatchObject({ resultCode: '000001' });
    expect(tryVerify(() => verifyV1PostAuthToken({ body, authToken: undefined, keys: [KEY] }))).toMatchObject({ resultCode: '000001' });
    expect(tryVerify(() => verifyV1PostAuthToken({ body: { flag: 1 }, authToken: token, keys: [KEY] }))).toMatchObject({ resultCode: '000002' });
  });
});

describe('verifyV1AuthToken with blank values', () => {
  const KEY = 'test-access-key-0001';
  const params = { activity: 'newInstance', businessId: 'b', customerName: '', email: '', orderId: 'CS1', timeStamp: '20240101080000123' };
  const tokenOver = (text: string) => createHmac('sha256', KEY + params.timeStamp).update(text).digest('base64');

  it.each([
    ['kept as name= (GET sample)', 'activity=newInstance&businessId=b&customerName=&email=&orderId=CS1&timeStamp=20240101080000123'],
    ['skipped (lifecycle.md §7)', 'activity=newInstance&businessId=b&orderId=CS1&timeStamp=20240101080000123'],
  ])('accepts a token computed with blank values %s', (_form, text) => {
    expect(tryVerify(() => verifyV1AuthToken({ params: { ...params, authToken: tokenOver(text) }, keys: [KEY] }))).toEqual({ ok: true, keyIndex: 0 });
  });

  it('still rejects a token over any other string', () => {
    const other = 'activity=newInstance&businessId=b&customerName=x&orderId=CS1&timeStamp=20240101080000123';
    expect(tryVerify(() => verifyV1AuthToken({ params: { ...params, authToken: tokenOver(other) }, keys: [KEY] }))).toMatchObject({ ok: false, resultCode: '000001' });
  });
});
