/**
 * Independent computations for derived test vectors: OpenSSL's command line, not the code under test.
 */
import { execFileSync } from 'node:child_process';

/** HMAC-SHA256 by `openssl dgst`, as lower-case hex. */
export function opensslHmacHex(key: string, msg: string | Buffer): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `key:${key}`], { input: msg }).toString();
  const hex = /([0-9a-f]{64})\s*$/.exec(out)?.[1];
  if (!hex) throw new Error(`unexpected openssl output: ${out}`);
  return hex;
}

/** HMAC-SHA256 by `openssl dgst`, as base64. */
export function opensslHmacBase64(key: string, msg: string | Buffer): string {
  return Buffer.from(opensslHmacHex(key, msg), 'hex').toString('base64');
}

/** The V2 basic signature computed with OpenSSL from a canonical payload written by hand. */
export function opensslV2(key: string, nonce: string, timestamp: string, payload: string): string {
  return opensslHmacHex(key, key + nonce + timestamp + opensslHmacHex(key, payload));
}

/** The kit x-sign computed with OpenSSL from a canonical payload written by hand. */
export function opensslKit(key: string, nonce: string, timestamp: string, payload: string): string {
  return opensslHmacHex(key, key + nonce + timestamp + payload);
}

/** AES-CBC (PKCS#7) by `openssl enc`, key and IV as raw bytes, result base64. */
export function opensslAesCbc(bits: 128 | 256, keyBytes: Buffer, iv: Buffer, plaintext: string): string {
  return execFileSync('openssl', ['enc', `-aes-${bits}-cbc`, '-K', keyBytes.toString('hex'), '-iv', iv.toString('hex')], {
    input: Buffer.from(plaintext, 'utf8'),
  }).toString('base64');
}
