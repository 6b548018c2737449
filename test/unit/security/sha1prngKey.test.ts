import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveAesKey } from '../../../shared/security/sha1prngKey';

/**
 * A second, independent reading of Java's SHA1PRNG `updateState`: the state as a Java `byte[]`
 * (Int8Array, so every store wraps like a Java byte), the carry taken from the int sum.
 */
function javaSha1Prng(seed: string, bytes: number): Buffer {
  const sha1 = (b: Uint8Array) => new Uint8Array(createHash('sha1').update(b).digest());
  const state = new Int8Array(sha1(Buffer.from(seed, 'utf8')).buffer.slice(0));
  const out: number[] = [];
  while (out.length < bytes) {
    const output = new Int8Array(sha1(new Uint8Array(state.buffer)).buffer.slice(0));
    for (const b of output) out.push(b & 0xff);
    let last = 1;
    let zf = false;
    for (let i = 0; i < state.length; i++) {
      const v = (state[i] as number) + (output[i] as number) + last;
      const t = (v << 24) >> 24; // (byte) v
      zf = zf || (state[i] !== t);
      state[i] = t;
      last = v >> 8;
    }
    if (!zf) state[0] = ((state[0] as number) + 1) << 24 >> 24;
  }
  return Buffer.from(out.slice(0, bytes));
}

describe('deriveAesKey', () => {
  it('gives SHA1(SHA1(key))[0:16] for AES-128', () => {
    const once = createHash('sha1').update('some key').digest();
    expect(deriveAesKey('some key', 128)).toEqual(createHash('sha1').update(once).digest().subarray(0, 16));
  });

  it('agrees with an independent Java-byte implementation for any key, and 128 is a prefix of 256', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (key) => {
        const k256 = deriveAesKey(key, 256);
        expect(k256).toEqual(javaSha1Prng(key, 32));
        expect(deriveAesKey(key, 128)).toEqual(k256.subarray(0, 16));
      }),
      { numRuns: 500 },
    );
  });
});
