/**
 * HMAC-SHA256 and the one constant-time string comparison every verifier uses.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `msg` under `key`; strings are taken as UTF-8. */
export function hmacSha256(key: string | Buffer, msg: string | Buffer): Buffer {
  return createHmac('sha256', key).update(msg).digest();
}

/**
 * HMAC-SHA256 of `msg` under `key` as hex or base64 text: the digest encoded in one step, about 1 µs cheaper
 * per call than encoding the {@link hmacSha256} buffer (three of these run on every V2 call).
 */
export function hmacSha256Text(key: string | Buffer, msg: string | Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', key).update(msg).digest(encoding);
}

/**
 * True when `a` and `b` are the same string, in time that does not depend on where they differ: the UTF-8
 * bytes are compared with `crypto.timingSafeEqual`. Only the lengths are compared in ordinary time, and a
 * length tells nothing secret here: one side is always a signature we computed, whose length is public
 * (64 hex characters, 44 base64), the other is what the caller sent. Hashing both first, as this did
 * before, cost 9.9 µs per call against 1.4 µs (64-character signatures, measured on node-svc under load).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The signature every HMAC-signed exchange with the merchant's own systems uses (provisioner calls, kit
 * forwards, usage ingestion, alerts): lower-case hex HMAC-SHA256 under `secret` of `"<timestamp>.<purpose>.<body>"`.
 * The purpose keeps a signature made for one exchange from passing as another under a shared secret.
 */
export function purposeSignature(secret: string, timestamp: number | string, purpose: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.${purpose}.`).update(body).digest('hex');
}
