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
