/**
 * The AES key Java's reference code gets from `KeyGenerator("AES")` seeded by
 * `SecureRandom("SHA1PRNG").setSeed(UTF-8(Key))`: not the Key bytes, but the SHA1PRNG output stream.
 * @module
 */
import { createHash } from 'node:crypto';

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

/** A byte read as Java's signed `byte` (-128..127). */
function signedByte(b: number): number {
  return b < 128 ? b : b - 256;
}

/**
 * `state := state + block + 1`, byte by byte from index 0 with Java signed-byte arithmetic (an
 * unsigned 160-bit addition gives a different AES-256 key). If no byte changed, bumps byte 0.
 */
function advanceState(state: Buffer, block: Buffer): void {
  let carry = 1;
  let changed = false;
  for (let i = 0; i < state.length; i++) {
    const v = signedByte(state[i] ?? 0) + signedByte(block[i] ?? 0) + carry;
    const next = v & 0xff;
    if (next !== state[i]) changed = true;
    state[i] = next;
    carry = v >> 8; // arithmetic shift, as Java's
  }
  if (!changed) state[0] = ((state[0] ?? 0) + 1) & 0xff;
}

/**
 * Derives the AES key the marketplace uses for V1 credentials and buyer mobile/email.
 * AES-128 = `SHA1(SHA1(key))[0:16]`; AES-256 continues the SHA1PRNG stream (the 128-bit key is its prefix).
 * @param key the merchant Key, taken as UTF-8 text.
 * @param bits 256 for `encryptType` "1", 128 for "2".
 */
export function deriveAesKey(key: string, bits: 128 | 256): Buffer {
  const want = bits / 8;
  const state = sha1(Buffer.from(key, 'utf8'));
  const blocks: Buffer[] = [];
  let have = 0;
  while (have < want) {
    const block = sha1(state);
    blocks.push(block);
    have += block.length;
    advanceState(state, block);
  }
  return Buffer.concat(blocks).subarray(0, want);
}
