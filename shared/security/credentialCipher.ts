/**
 * V1 credential encryption: `field = iv + base64(AES-CBC/PKCS#7(derivedKey, iv, UTF-8(text)))`, where
 * `iv` is 16 ASCII characters used as the IV bytes. Used for `userName`/`password` in V1 responses and
 * for the buyer's `mobilePhone`/`email` in V1 requests.
 * @module
 */
import { createCipheriv, createDecipheriv, randomInt } from 'node:crypto';
import { deriveAesKey } from './sha1prngKey';

/** Longest field the marketplace accepts, counted including the 16-character IV. */
export const MAX_CREDENTIAL_FIELD_CHARS = 128;
/** Longest plaintext (UTF-8 bytes) whose field fits in {@link MAX_CREDENTIAL_FIELD_CHARS}. */
export const MAX_CREDENTIAL_PLAINTEXT_BYTES = 79;

const IV_CHARS = 16;
const IV_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const IV_TEXT = /^[\x21-\x7e]{16}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;

/** The encrypted field would be longer than the marketplace accepts. Never carries the plaintext. */
export class CredentialTooLongError extends Error {
  override name = 'CredentialTooLongError';
  constructor(fieldChars: number) {
    super(
      `encrypted credential would be ${fieldChars} characters; the marketplace accepts at most ` +
        `${MAX_CREDENTIAL_FIELD_CHARS} (IV included), so the plaintext may be at most ${MAX_CREDENTIAL_PLAINTEXT_BYTES} UTF-8 bytes`,
    );
  }
}

/** A field that is malformed or does not decrypt with the given key. Never carries the field or key. */
export class CredentialDecryptError extends Error {
  override name = 'CredentialDecryptError';
}

/** Key size for the V1 `encryptType`: "1" (the default) is AES-256, "2" AES-128. */
export function encryptTypeBits(t: '1' | '2'): 256 | 128 {
  return t === '2' ? 128 : 256;
}

/** 16 characters from A-Z, a-z, 0-9 drawn with `crypto.randomInt`, as the reference sample does. */
export function randomIv(): string {
  let iv = '';
  for (let i = 0; i < IV_CHARS; i++) iv += IV_ALPHABET[randomInt(IV_ALPHABET.length)];
  return iv;
}

/**
 * Encrypts a credential for a V1 response.
 * @param input.iv 16 printable ASCII characters; random alphanumerics when omitted (tests fix it).
 * @throws CredentialTooLongError when the field would exceed 128 characters.
 * @throws RangeError when `iv` is not 16 printable ASCII characters.
 */
export function encryptCredential(input: { key: string; plaintext: string; bits: 128 | 256; iv?: string }): string {
  const iv = input.iv ?? randomIv();
  if (!IV_TEXT.test(iv)) throw new RangeError('iv must be 16 printable ASCII characters');
  const cipher = createCipheriv(`aes-${input.bits}-cbc`, deriveAesKey(input.key, input.bits), Buffer.from(iv, 'latin1'));
  const ct = Buffer.concat([cipher.update(input.plaintext, 'utf8'), cipher.final()]);
  const field = iv + ct.toString('base64');
  if (field.length > MAX_CREDENTIAL_FIELD_CHARS) throw new CredentialTooLongError(field.length);
  return field;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decryptWith(key: string, iv: Buffer, ct: Buffer, bits: 128 | 256): string | undefined {
  try {
    const decipher = createDecipheriv(`aes-${bits}-cbc`, deriveAesKey(key, bits), iv);
    const plain = Buffer.concat([decipher.update(ct), decipher.final()]);
    // A wrong key passes the padding check about 1 time in 256; requiring UTF-8 catches most of those.
    return strictUtf8.decode(plain);
  } catch {
    return undefined;
  }
}

/**
 * Decrypts a V1 encrypted field (buyer mobile/email, or our own credentials).
 * Spaces are turned back into `+` first: a `+` that went through one URL-decode too many arrives as a
 * space. With `bits: 'auto'` AES-256 is tried first (the default `encryptType`), then AES-128.
 * @returns the text and the key size that worked.
 * @throws CredentialDecryptError when the field is malformed or no key size decrypts it.
 */
export function decryptCredential(input: { key: string; field: string; bits: 128 | 256 | 'auto' }): { text: string; bits: 128 | 256 } {
  const field = input.field.replace(/ /g, '+');
  const ivText = field.slice(0, IV_CHARS);
  const body = field.slice(IV_CHARS);
  if (!IV_TEXT.test(ivText) || !BASE64.test(body)) throw new CredentialDecryptError('encrypted field is malformed');
  const ct = Buffer.from(body, 'base64');
  if (ct.length === 0 || ct.length % 16 !== 0) throw new CredentialDecryptError('encrypted field is malformed');
  const iv = Buffer.from(ivText, 'latin1');
  const sizes: Array<128 | 256> = input.bits === 'auto' ? [256, 128] : [input.bits];
  for (const bits of sizes) {
    const text = decryptWith(input.key, iv, ct, bits);
    if (text !== undefined) return { text, bits };
  }
  throw new CredentialDecryptError(`encrypted field does not decrypt with this key (AES-${sizes.join('/AES-')})`);
}
