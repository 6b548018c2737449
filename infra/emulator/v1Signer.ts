/**
 * The emulator's own V1 signer (security-and-crypto.md §4.1, §5.1): the `authToken` of a GET request
 * and the `Body-Sign` header of an answer.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function hmacBase64(key: string, data: Buffer | string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest('base64');
}

/**
 * `base64(HMAC(key + timeStamp, "k1=v1&k2=v2..."))` over the decoded parameters sorted by name,
 * `authToken` left out. The emulator never sends blank values, so the sample's "skip blank" rule and
 * the doc's "keep `name=`" rule give the same string.
 */
export function signV1AuthToken(key: string, params: Record<string, string>): string {
  const timeStamp = params.timeStamp ?? '';
  const joined = Object.keys(params)
    .filter((name) => name !== 'authToken')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  return hmacBase64(key + timeStamp, joined);
}

/** `yyyyMMddHHmmssSSS` in UTC, the V1 `timeStamp` format. */
export function v1TimeStamp(at: Date = new Date()): string {
  const iso = at.toISOString(); // 2024-01-01T08:00:00.123Z
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23);
}

/** `base64(HMAC(key, exact body bytes))`, the signature inside `Body-Sign`. */
export function bodySignature(key: string, body: Buffer | string): string {
  return hmacBase64(key, body);
}

/** The two quoted values of a `Body-Sign` header, or `undefined` when it does not have that shape. */
export function parseBodySignHeader(value: string): { signType: string; signature: string } | undefined {
  // Spacing differs between sources (§10), so whitespace around `,` and `=` is allowed; quotes are not optional.
  const match = /^\s*sign_type\s*=\s*"([^"]*)"\s*,\s*signature\s*=\s*"([^"]*)"\s*$/.exec(value);
  if (!match) return undefined;
  return { signType: match[1] ?? '', signature: match[2] ?? '' };
}

/** True when `header` is a well-formed Body-Sign whose HMAC-SHA256 signature covers `body` under `key`. */
export function verifyBodySign(key: string, header: string, body: Buffer): boolean {
  const parsed = parseBodySignHeader(header);
  if (!parsed || parsed.signType !== 'HMAC-SHA256') return false;
  const expected = Buffer.from(bodySignature(key, body), 'utf8');
  const actual = Buffer.from(parsed.signature, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
