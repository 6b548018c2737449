import { describe, expect, it } from 'vitest';
import { bodySignature, bodySignHeader } from '../../../shared/security/bodySign';
import { opensslHmacBase64 } from './independent';

const KEY = 'test-access-key-0001';

describe('bodySignature', () => {
  it.each([
    ['leading and trailing whitespace', ' {"resultCode":"000000"}\n'],
    ['non-ASCII text', '{"resultMsg":"成功"}'],
    ['an empty body', ''],
  ])('signs the exact bytes, including %s (checked with OpenSSL)', (_n, body) => {
    expect(bodySignature(KEY, body)).toBe(opensslHmacBase64(KEY, body));
    expect(bodySignature(KEY, Buffer.from(body))).toBe(opensslHmacBase64(KEY, body));
  });

  it('changes when one trailing newline is added', () => {
    expect(bodySignature(KEY, '{}')).not.toBe(bodySignature(KEY, '{}\n'));
  });
});

describe('bodySignHeader', () => {
  it('quotes both values, with no space after signature=', () => {
    expect(bodySignHeader(KEY, '{}')).toMatch(/^sign_type="HMAC-SHA256", signature="[A-Za-z0-9+/]{43}="$/);
  });
});

describe('bodySignHeader, remembered', () => {
  const header = (key: string, body: string) => `sign_type="HMAC-SHA256", signature="${opensslHmacBase64(key, body)}"`;

  it('gives the header a fresh computation gives, for repeated and distinct bodies, keys and non-ASCII text', () => {
    const keys = [KEY, 'another-key-0002', '密钥-0003'];
    const bodies = Array.from({ length: 40 }, (_, i) => `{"resultCode":"000000","resultMsg":"成功 ${i % 7}","n":${i % 13}}`);
    for (let round = 0; round < 3; round++) {
      for (const key of keys) for (const body of bodies) expect(bodySignHeader(key, body)).toBe(header(key, body));
    }
    // Same text as a Buffer, never remembered: the same header.
    expect(bodySignHeader(KEY, Buffer.from(bodies[0]!))).toBe(header(KEY, bodies[0]!));
  });

  it('stays right past its bound: more distinct bodies and keys than it keeps, then the first ones again', () => {
    const bodies = Array.from({ length: 1500 }, (_, i) => `{"i":${i}}`);
    for (const body of bodies) bodySignHeader(KEY, body);
    for (let k = 0; k < 40; k++) expect(bodySignHeader(`key-${k}`, bodies[k]!)).toBe(header(`key-${k}`, bodies[k]!));
    for (const body of [bodies[0]!, bodies[700]!, bodies[1499]!]) expect(bodySignHeader(KEY, body)).toBe(header(KEY, body));
  });
});
