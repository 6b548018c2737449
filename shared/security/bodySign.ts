/**
 * The V1 response signature header: `Body-Sign: sign_type="HMAC-SHA256", signature="<base64>"`, an
 * HMAC-SHA256 under the plain Key (not Key + timeStamp) of the exact response body bytes.
 * @module
 */
import { setBounded } from '../core/boundedMap';
import { hmacSha256Text } from './hmac';

/** The header name; the marketplace reads it case-sensitively, so write exactly this. */
export const BODY_SIGN_HEADER = 'Body-Sign';

/** Base64 HMAC-SHA256 of the exact body bytes (a string is taken as UTF-8). */
export function bodySignature(key: string, bodyBytes: string | Buffer): string {
  return hmacSha256Text(key, bodyBytes, 'base64');
}

/** Bodies whose header a warm function remembers, per key. */
const SIGNED_BODIES_MAX = 512;
/** Keys with remembered headers (a ring holds a few; more only in tests). */
const SIGNING_KEYS_MAX = 16;

/**
 * Per key, the headers of the bodies signed last (body text -> header value). The marketplace's retries and
 * dial tests get the same bytes again (a stored answer replayed, an unchanged query), so a warm function
 * signs each distinct body once; the HMAC is a pure function of key and body, so a remembered header is
 * the one a new computation would give. Bodies may hold access details in clear (a query answer), which this
 * process holds anyway while it answers; nothing here leaves the process.
 */
const signedBodies = new Map<string, Map<string, string>>();

/**
 * The `Body-Sign` header value. Sources differ on a space after `signature=`; the quotes are what the
 * marketplace parses, and the 2025 FAQ writes no space, so neither do we.
 */
export function bodySignHeader(key: string, body: string | Buffer): string {
  if (typeof body !== 'string') return headerOf(bodySignature(key, body));
  let signed = signedBodies.get(key);
  if (signed === undefined) {
    signed = new Map();
    setBounded(signedBodies, key, signed, SIGNING_KEYS_MAX);
  }
  let header = signed.get(body);
  if (header === undefined) {
    header = headerOf(bodySignature(key, body));
    setBounded(signed, body, header, SIGNED_BODIES_MAX);
  }
  return header;
}

function headerOf(signature: string): string {
  return `sign_type="HMAC-SHA256", signature="${signature}"`;
}
