/**
 * The V1 response signature header: `Body-Sign: sign_type="HMAC-SHA256", signature="<base64>"`, an
 * HMAC-SHA256 under the plain Key (not Key + timeStamp) of the exact response body bytes.
 * @module
 */
import { hmacSha256Text } from './hmac';
import { rememberingPerKey } from '../core/boundedMap';

/** The header name; the marketplace reads it case-sensitively, so write exactly this. */
export const BODY_SIGN_HEADER = 'Body-Sign';

/** Base64 HMAC-SHA256 of the exact body bytes (a string is taken as UTF-8). */
export function bodySignature(key: string, bodyBytes: string | Buffer): string {
  return hmacSha256Text(key, bodyBytes, 'base64');
}

/**
 * Per key, the headers of the last 512 bodies signed (16 keys at most). The marketplace's retries and dial
 * tests get the same bytes again (a stored answer replayed, an unchanged query), so a warm function signs
 * each distinct body once. Bodies may hold access details in clear (a query answer), which this process holds
 * anyway while it answers; nothing here leaves the process.
 */
const signedHeader = rememberingPerKey((key, body) => headerOf(bodySignature(key, body)), 512);

/**
 * The `Body-Sign` header value. Sources differ on a space after `signature=`; the quotes are what the
 * marketplace parses, and the 2025 FAQ writes no space, so neither do we.
 */
export function bodySignHeader(key: string, body: string | Buffer): string {
  return typeof body === 'string' ? signedHeader(key, body) : headerOf(bodySignature(key, body));
}

function headerOf(signature: string): string {
  return `sign_type="HMAC-SHA256", signature="${signature}"`;
}
