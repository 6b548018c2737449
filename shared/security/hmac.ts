/**
 * HMAC-SHA256 and the one constant-time string comparison every verifier uses.
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `msg` under `key`; strings are taken as UTF-8. */
export function hmacSha256(key: string | Buffer, msg: string | Buffer): Buffer {
  return createHmac('sha256', key).update(msg).digest();
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * True when `a` and `b` are the same string, in time that depends on neither their content nor their
 * lengths: both are hashed to 32-byte SHA-256 digests and those are compared with
 * `crypto.timingSafeEqual`, so the comparison always runs on two equal-length buffers.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
