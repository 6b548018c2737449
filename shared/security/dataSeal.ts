/**
 * AES-256-GCM for secrets at rest (for example a provisioned password kept in the store until the
 * marketplace queries it). Format: `gcm1.<base64url iv>.<base64url ciphertext+tag>`, 12-byte random IV,
 * the version prefix bound as associated data.
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { remembering } from '../core/boundedMap';
import { ConfigError } from '../core/errors';

const PREFIX = 'gcm1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const AAD = Buffer.from(PREFIX, 'ascii');
const SEALED = /^gcm1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/;

/** A sealed value that is malformed, was altered, or was sealed under another key. */
export class SealedSecretError extends Error {
  override name = 'SealedSecretError';
}

/**
 * Reads `KG_DATA_KEY`: 32 bytes as base64 (standard or URL-safe) or as 64 hex characters.
 * @throws ConfigError naming KG_DATA_KEY (never its value) otherwise.
 */
export function parseDataKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new ConfigError('KG_DATA_KEY must be 32 bytes written as base64 or as 64 hex characters (kg keygen data-key makes one)');
}

/** A new random data key, base64 (the `KG_DATA_KEY` form). */
export function generateDataKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError('data key must be 32 bytes');
}

/** Seals `plaintext` under the 32-byte `key` with a fresh random IV. */
export function sealSecret(key: Buffer, plaintext: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}.${iv.toString('base64url')}.${ct.toString('base64url')}`;
}

/** True when `s` has the sealed format (says nothing about whether it opens). */
export function isSealed(s: string): boolean {
  return SEALED.test(s);
}

/**
 * Opens a value made by {@link sealSecret}.
 * @throws SealedSecretError when the value is malformed, altered, or sealed under another key.
 */
export function openSecret(key: Buffer, sealed: string): string {
  checkKey(key);
  if (!isSealed(sealed)) throw new SealedSecretError('sealed secret is malformed');
  const [, ivText = '', ctText = ''] = sealed.split('.');
  const iv = Buffer.from(ivText, 'base64url');
  const data = Buffer.from(ctText, 'base64url');
  // Refuse non-canonical base64url (different text, same bytes), so only the exact sealed text opens.
  const canonical = iv.toString('base64url') === ivText && data.toString('base64url') === ctText;
  if (!canonical || iv.length !== IV_BYTES || data.length < TAG_BYTES) throw new SealedSecretError('sealed secret is malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
    return plain.toString('utf8');
  } catch {
    throw new SealedSecretError('sealed secret was altered or sealed under another key');
  }
}

/** Seals with the newest data key and opens with any key of the ring, so `KG_DATA_KEY` can rotate. */
export interface Sealer {
  seal(plaintext: string): string;
  /** @throws SealedSecretError when no key of the ring opens the value. */
  open(sealed: string): string;
}

/**
 * Reads `KG_DATA_KEY` as a key ring: one key, or several separated by commas, newest first. New values
 * are sealed with the first; values sealed under an older key still open (rotate by prepending a key;
 * drop the old one only when no stored value still needs it).
 * @throws ConfigError naming KG_DATA_KEY when any entry is not a 32-byte key.
 */
export function parseDataKeyRing(text: string): Buffer[] {
  const keys = text.split(',').map((k) => k.trim()).filter((k) => k !== '').map(parseDataKey);
  if (keys.length === 0) throw new ConfigError('KG_DATA_KEY is empty (kg keygen data-key makes one)');
  return keys;
}

/** How many opened values a {@link Sealer} keeps (see createSealer). */
const OPENED_CACHE_MAX = 1024;

/**
 * A {@link Sealer} over a key ring (newest first).
 *
 * It remembers the last {@link OPENED_CACHE_MAX} values it opened, keyed by their exact sealed text: a
 * query answer opens the same stored password on every call, and an AES-GCM decipher costs more than the
 * rest of the query's own work. The same sealed text always opens to the same plaintext (the tag
 * authenticates it), a value that fails to open is never kept, and this process holds the data key
 * anyway, so the cache gives nothing away that the process did not have.
 */
export function createSealer(keys: readonly Buffer[]): Sealer {
  const [newest] = keys;
  if (!newest) throw new RangeError('a sealer needs at least one data key');
  return {
    seal: (plaintext) => sealSecret(newest, plaintext),
    open: remembering((sealed: string) => {
      let last: unknown;
      for (const key of keys) {
        try {
          return openSecret(key, sealed);
        } catch (err) {
          last = err;
        }
      }
      throw last;
    }, OPENED_CACHE_MAX),
  };
}
