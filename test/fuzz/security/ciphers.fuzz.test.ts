import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CredentialDecryptError, decryptCredential, encryptCredential } from '../../../shared/security/credentialCipher';
import { generateDataKey, openSecret, parseDataKey, sealSecret, SealedSecretError } from '../../../shared/security/dataSeal';

const RUNS = 10_000;
const dataKey = parseDataKey(generateDataKey());
const b64chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= -_.';

describe('decryptCredential', () => {
  it('throws nothing but CredentialDecryptError on arbitrary fields', () => {
    const field = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.tuple(fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 16 }), fc.string({ unit: fc.constantFrom(...b64chars), maxLength: 64 })).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(field, fc.constantFrom(128 as const, 256 as const, 'auto' as const), (f, bits) => {
        try {
          const r = decryptCredential({ key: 'fuzz-key', field: f, bits });
          expect(typeof r.text).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(CredentialDecryptError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trips with the right key and never yields the plaintext with a wrong one', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 36 }), fc.string({ minLength: 1, maxLength: 36 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => Buffer.byteLength(s) <= 79),
        fc.constantFrom(128 as const, 256 as const),
        (key, wrong, plaintext, bits) => {
          fc.pre(key !== wrong);
          const field = encryptCredential({ key, plaintext, bits });
          expect(decryptCredential({ key, field, bits })).toEqual({ text: plaintext, bits });
          try {
            expect(decryptCredential({ key: wrong, field, bits: 'auto' }).text).not.toBe(plaintext);
          } catch (err) {
            expect(err).toBeInstanceOf(CredentialDecryptError);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('openSecret', () => {
  it('throws nothing but SealedSecretError on arbitrary text', () => {
    const sealedLike = fc.tuple(fc.string({ unit: fc.constantFrom(...b64chars), maxLength: 20 }), fc.string({ unit: fc.constantFrom(...b64chars), maxLength: 60 }))
      .map(([a, b]) => `gcm1.${a}.${b}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), sealedLike), (s) => {
        expect(() => openSecret(dataKey, s)).toThrow(SealedSecretError);
      }),
      { numRuns: RUNS },
    );
  });

  it('opens a sealed value and refuses it after any one character changes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(), fc.constantFrom(...b64chars), (plaintext, at, c) => {
        const sealed = sealSecret(dataKey, plaintext);
        expect(openSecret(dataKey, sealed)).toBe(plaintext);
        const i = at % sealed.length;
        fc.pre(sealed[i] !== c);
        const tampered = sealed.slice(0, i) + c + sealed.slice(i + 1);
        expect(() => openSecret(dataKey, tampered)).toThrow(SealedSecretError);
      }),
      { numRuns: RUNS },
    );
  });
});
