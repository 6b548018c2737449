/**
 * The emulator's own V2 basic-interface signer, written from the specification
 * (security-and-crypto.md §3.1) and not from the server's code, so a bug on either side shows up.
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';

/** What one V2 signature covers. */
export interface V2SignInput {
  /** The basic-interface access key. */
  key: string;
  nonce: string;
  /** Unix time in ms, as the decimal string sent in the query. */
  timestamp: string;
  /** The canonical JSON text of the body (see `canonicalJson`), or the raw text for hostile cases. */
  payload: string;
}

function hmacHex(key: string, data: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(data, 'utf8')).digest('hex');
}

/** `hex(HMAC(key, key + nonce + timestamp + hex(HMAC(key, payload))))`, lower-case hex. */
export function signV2Request({ key, nonce, timestamp, payload }: V2SignInput): string {
  return hmacHex(key, key + nonce + timestamp + hmacHex(key, payload));
}

/** A nonce shaped like the marketplace's: 64 upper-case hex characters. */
export function newNonce(): string {
  return randomBytes(32).toString('hex').toUpperCase();
}
