import { describe, expect, it } from 'vitest';
import { canonicalPayload, jacksonString } from '../../../shared/security/canonicalJson';
import { InvalidParamError } from '../../../shared/core/errors';
import { signKit } from '../../../shared/security/kitSignature';
import { signV2 } from '../../../shared/security/v2Signature';
import { opensslKit, opensslV2 } from './independent';

const KEY = 'test-access-key-0001';
const NONCE = 'n0nce-16-chars-a';
const TS = '1700000000000';

// Each row: received body, and the canonical payload written out by hand from the rules
// (top level sorted by UTF-16 code unit, top-level nulls dropped, compact, nested order and literals kept).
const cases: Array<[string, string, string]> = [
  ['keys out of order', '{"testFlag":"1","activity":"newInstance","businessId":"b-1"}', '{"activity":"newInstance","businessId":"b-1","testFlag":"1"}'],
  ['upper case sorts before lower case', '{"b":"1","B":"2","a":"3","_":"4"}', '{"B":"2","_":"4","a":"3","b":"1"}'],
  ['integer-like keys keep code-unit order', '{"10":"a","9":"b","1":"c"}', '{"1":"c","10":"a","9":"b"}'],
  ['top-level null dropped, empty string kept', '{"b":null,"a":"","c":"x"}', '{"a":"","c":"x"}'],
  ['nested null kept', '{"a":{"z":null,"y":1}}', '{"a":{"z":null,"y":1}}'],
  ['non-ASCII values and keys written raw', '{"名称":"华为云","city":"Zürich"}', '{"city":"Zürich","名称":"华为云"}'],
  ['escaped non-ASCII decoded to raw', '{"name":"\\u534e\\u4e3a"}', '{"name":"华为"}'],
  ['slash not escaped', '{"url":"https:\\/\\/example.com/a"}', '{"url":"https://example.com/a"}'],
  ['numbers kept as written', '{"e":1e2,"d":-0,"c":1.0,"b":1,"a":-12.50E-3}', '{"a":-12.50E-3,"b":1,"c":1.0,"d":-0,"e":1e2}'],
  ['kit body nested lists and objects keep their order', '{"userList":[{"userName":"u","role":"admin","orgs":["z","a"]}],"flag":1,"instanceId":"i"}',
    '{"flag":1,"instanceId":"i","userList":[{"userName":"u","role":"admin","orgs":["z","a"]}]}'],
  ['whitespace removed', ' {\n  "b" : [ 1 , 2 ] ,\t"a" : true\r\n} ', '{"a":true,"b":[1,2]}'],
  ['control characters escaped as Jackson does', '{"s":"a\\u0001b\\u001fc\\td\\ne\\rf\\bg\\fh\\"i\\\\j\\u007f"}', '{"s":"a\\u0001b\\u001Fc\\td\\ne\\rf\\bg\\fh\\"i\\\\j\u007f"}'],
  ['empty object', '{}', '{}'],
  ['booleans and nested empty containers', '{"x":false,"w":[],"v":{}}', '{"v":{},"w":[],"x":false}'],
];

describe('canonicalPayload', () => {
  it.each(cases)('writes the marketplace payload: %s', (_name, body, expected) => {
    expect(canonicalPayload(body)).toBe(expected);
  });

  it.each(['[]', '"text"', '1', 'null', 'true'])('rejects the non-object body %s with InvalidParamError', (body) => {
    expect(() => canonicalPayload(body)).toThrow(InvalidParamError);
  });

  it.each(['', '{', '{"a":}', '{"a":1,}', '{"a":01}', '{"a":.5}', "{'a':1}", '{"a":"x\ny"}', '{"a":1}x', '{"a":1,"a":2}', '{"a":NaN}', '{"a":"\\x"}'])(
    'rejects the malformed body %j with InvalidParamError',
    (body) => {
      expect(() => canonicalPayload(body)).toThrow(InvalidParamError);
    },
  );
});

describe('jacksonString', () => {
  it.each([
    ['plain', '"plain"'],
    ['\u001f', '"\\u001F"'],
    ['\u0000', '"\\u0000"'],
    ['a/b', '"a/b"'],
    ['\u2028', '"\u2028"'],
  ])('writes %j as %s', (value, expected) => {
    expect(jacksonString(value)).toBe(expected);
  });
});

describe('signV2 derived vectors', () => {
  it.each(cases)('matches OpenSSL over the hand-written payload: %s', (_name, body, payload) => {
    expect(signV2({ key: KEY, nonce: NONCE, timestamp: TS, body })).toBe(opensslV2(KEY, NONCE, TS, payload));
  });
});

describe('signKit derived vectors', () => {
  it.each(cases)('matches OpenSSL over the hand-written payload: %s', (_name, body, payload) => {
    expect(signKit({ key: KEY, nonce: NONCE, timestamp: TS, body })).toBe(opensslKit(KEY, NONCE, TS, payload));
  });

  it('signs a non-ASCII key with its UTF-8 bytes', () => {
    const key = '密钥-ключ';
    expect(signKit({ key, nonce: NONCE, timestamp: TS, body: '{"a":"1"}' })).toBe(opensslKit(key, NONCE, TS, '{"a":"1"}'));
  });
});
