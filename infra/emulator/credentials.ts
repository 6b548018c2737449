/**
 * Decrypting V1 `appInfo` credentials (security-and-crypto.md §6): a 16-character text IV followed by
 * base64 AES-CBC, keyed by Java's `SHA1PRNG`-seeded `KeyGenerator`, re-implemented here on its own.
 * @module
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** AES key size in bits: 256 for `encryptType` "1" (the default), 128 for "2". */
export type AesBits = 128 | 256;

const sha1 = (data: Buffer): Buffer => createHash('sha1').update(data).digest();
const signedByte = (x: number): number => (x < 128 ? x : x - 256);

/** The AES key Java derives from `SecureRandom("SHA1PRNG").setSeed(UTF-8(key))` for `bits`. */
export function deriveAesKey(key: string, bits: AesBits): Buffer {
  const state = sha1(Buffer.from(key, 'utf8'));
  const out: Buffer[] = [];
  let length = 0;
  while (length < bits / 8) {
    const block = sha1(state);
    out.push(block);
    length += block.length;
    // state := state + block + 1, byte by byte, with Java's signed-byte carry.
    let carry = 1;
    let changed = false;
    for (let i = 0; i < state.length; i++) {
      const v = signedByte(state[i] ?? 0) + signedByte(block[i] ?? 0) + carry;
      const nb = v & 0xff;
      changed ||= nb !== state[i];
      state[i] = nb;
      carry = v >> 8;
    }
    if (!changed) state[0] = ((state[0] ?? 0) + 1) & 0xff;
  }
  return Buffer.concat(out).subarray(0, bits / 8);
}

const IV_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `iv + base64(AES-CBC(text))` with a 16-character alphanumeric IV (§6.3), as the marketplace sends mobilePhone/email. */
export function encryptCredentialField(key: string, text: string, bits: AesBits, iv?: string): string {
  const ivText = iv ?? Array.from(randomBytes(16), (b) => IV_ALPHABET[b % IV_ALPHABET.length]).join('');
  const cipher = createCipheriv(`aes-${bits}-cbc`, deriveAesKey(key, bits), Buffer.from(ivText, 'ascii'));
  return ivText + Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

/**
 * An encrypted field whose base64 holds `+` and `/` (and, for short text, `=`), the characters that
 * must survive URL decoding exactly once: a server that decodes twice, or reads `+` as a space in the
 * decoded value, signs something else. Tries random IVs until one gives such a field.
 */
export function encryptedFieldWithBase64Specials(key: string, text: string, bits: AesBits): string {
  for (;;) {
    const field = encryptCredentialField(key, text, bits);
    if (field.slice(16).includes('+') && field.slice(16).includes('/')) return field;
  }
}

/** Decrypts `iv + base64(ciphertext)`; throws when the padding or the UTF-8 is wrong. */
export function decryptCredentialField(key: string, field: string, bits: AesBits): string {
  if (field.length <= 16) throw new Error('credential is shorter than its 16-character IV');
  const iv = Buffer.from(field.slice(0, 16), 'ascii');
  const ciphertext = Buffer.from(field.slice(16), 'base64');
  const decipher = createDecipheriv(`aes-${bits}-cbc`, deriveAesKey(key, bits), iv);
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return new TextDecoder('utf-8', { fatal: true }).decode(plain);
}

/** The key size an answer's `encryptType` announces ("1" or absent: 256, "2": 128), or undefined if unknown. */
export function bitsOfEncryptType(encryptType: unknown): AesBits | undefined {
  if (encryptType === undefined || encryptType === '1') return 256;
  if (encryptType === '2') return 128;
  return undefined;
}
