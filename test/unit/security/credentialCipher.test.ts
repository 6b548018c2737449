import { describe, expect, it } from 'vitest';
import {
  CredentialDecryptError, CredentialTooLongError, decryptCredential, encryptCredential, encryptTypeBits,
  MAX_CREDENTIAL_FIELD_CHARS, randomIv,
} from '../../../shared/security/credentialCipher';
import { deriveAesKey } from '../../../shared/security/sha1prngKey';
import { opensslAesCbc } from './independent';

const KEY = 'test-access-key-0001';
const IV = 'Zz09Yy18Xx27Ww36';

describe('encryptCredential', () => {
  it.each([
    ['a short password', 'P@ss-w0rd!', 256],
    ['non-ASCII text', '管理员 Zürich', 128],
    ['exactly one block', '0123456789abcdef', 256],
    ['79 bytes, the largest that fits', 'x'.repeat(79), 256],
  ] as const)('matches openssl enc for %s', (_n, plaintext, bits) => {
    const expected = IV + opensslAesCbc(bits, deriveAesKey(KEY, bits), Buffer.from(IV, 'latin1'), plaintext);
    expect(encryptCredential({ key: KEY, plaintext, bits, iv: IV })).toBe(expected);
  });

  it('throws CredentialTooLongError at 80 bytes, naming the limits and not the plaintext', () => {
    const secret = `S3cret-${'y'.repeat(73)}`;
    let caught: unknown;
    try {
      encryptCredential({ key: KEY, plaintext: secret, bits: 256 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CredentialTooLongError);
    const err = caught as Error;
    expect(err.name).toBe('CredentialTooLongError');
    expect(err.message).toMatch(/128/);
    expect(err.message).toMatch(/79/);
    expect(err.message).not.toContain('S3cret');
  });

  it('makes a 16-character alphanumeric IV when none is given, different each time', () => {
    const a = encryptCredential({ key: KEY, plaintext: 'admin', bits: 256 });
    const b = encryptCredential({ key: KEY, plaintext: 'admin', bits: 256 });
    expect(a.slice(0, 16)).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(MAX_CREDENTIAL_FIELD_CHARS);
    expect(randomIv()).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it.each(['short', '0123456789abcdeé', '0123456789 abcde'])('rejects the IV %j', (iv) => {
    expect(() => encryptCredential({ key: KEY, plaintext: 'a', bits: 256, iv })).toThrow(RangeError);
  });
});

describe('decryptCredential', () => {
  const field = encryptCredential({ key: KEY, plaintext: 'a+b@example.com', bits: 128, iv: 'AbCdEf0123456789' });

  it('reads spaces as the + they were before one URL-decode too many', () => {
    const plusField = 'AbCdEf0123456789X5wYvuMV2C73Uls+aItuyw==';
    expect(decryptCredential({ key: KEY, field: plusField.replace('+', ' '), bits: 128 })).toEqual({ text: 'admin', bits: 128 });
  });

  it('finds AES-128 with auto after trying AES-256', () => {
    expect(decryptCredential({ key: KEY, field, bits: 'auto' })).toEqual({ text: 'a+b@example.com', bits: 128 });
  });

  it.each([
    ['the wrong key', { key: 'another-key', field, bits: 'auto' as const }],
    ['the wrong key size', { key: KEY, field, bits: 256 as const }],
    ['a field shorter than the IV', { key: KEY, field: 'short', bits: 256 as const }],
    ['a ciphertext that is not base64', { key: KEY, field: `${field.slice(0, 16)}!!!!`, bits: 256 as const }],
    ['a ciphertext of 15 bytes', { key: KEY, field: `${field.slice(0, 16)}${Buffer.alloc(15).toString('base64')}`, bits: 256 as const }],
    ['an empty ciphertext', { key: KEY, field: field.slice(0, 16), bits: 256 as const }],
  ])('throws CredentialDecryptError for %s', (_n, input) => {
    expect(() => decryptCredential(input)).toThrow(CredentialDecryptError);
  });
});

describe('encryptTypeBits', () => {
  it.each([['1', 256], ['2', 128]] as const)('maps encryptType %s to AES-%i', (t, bits) => {
    expect(encryptTypeBits(t)).toBe(bits);
  });
});
