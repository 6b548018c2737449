/**
 * The usage push body signature (platform-and-open-api.md §6.3), the fake open API's own code:
 * `signature = base64(HMAC-SHA256(basic-interface key, "ts={ts}&nonce={nonce}&body={body}"))`, body the
 * exact bytes sent, which must be the JSON with keys in natural (sorted) order at every level.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `signature` header for `body` sent with `ts` and `nonce`. */
export function usageBodySignature(key: string, ts: string, nonce: string, body: string | Buffer): string {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(Buffer.concat([Buffer.from(`ts=${ts}&nonce=${nonce}&body=`, 'utf8'), bytes]))
    .digest('base64');
}

/** True when `signature` is the body signature of `body` under `key` (constant-time comparison). */
export function verifyUsageBodySignature(input: { key: string; ts: string; nonce: string; body: string | Buffer; signature: string }): boolean {
  const expected = Buffer.from(usageBodySignature(input.key, input.ts, input.nonce, input.body), 'utf8');
  const given = Buffer.from(input.signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A JSON value with every object's keys in natural (UTF-16 code unit) order, recursively. */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The compact JSON text with sorted keys at every level (what KooGallery signs). */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}
