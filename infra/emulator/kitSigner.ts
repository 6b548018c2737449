/**
 * The emulator's own 联营 kit signer, written from the specification (security-and-crypto.md §3.2, §4.2;
 * joint-operation-kit-and-sso.md §2.2, §2.3) and not from the server's code, so a bug on either side
 * shows up: the V2 `x-sign` header and the V1 POST `authToken` header.
 * @module
 */
import { createHmac } from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/** What one V2 kit signature covers. */
export interface KitSignInput {
  /** The 联营SaaS同步接口 key (never the basic-interface key). */
  key: string;
  /** The `x-nonce` header value. */
  nonce: string;
  /** The `x-timestamp` header value: Unix time in ms, as the decimal string sent. */
  timestamp: string;
  /** The canonical JSON text of the body (see {@link kitPayload}), or the raw text for hostile cases. */
  payload: string;
}

function hmac(key: string, data: string): Buffer {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(data, 'utf8')).digest();
}

/**
 * `hex(HMAC(key, key + nonce + timestamp + payload))`, lower-case hex. Unlike the basic interface
 * there is no inner HMAC over the payload (security-and-crypto.md §3.2 step 3).
 */
export function signKitRequest({ key, nonce, timestamp, payload }: KitSignInput): string {
  return hmac(key, key + nonce + timestamp + payload).toString('hex');
}

/**
 * The `RequestPayload` of a kit body: top-level keys in ordinal order, top-level `null`s dropped,
 * compact, non-ASCII and `/` raw. Nested values (user and department lists) keep their own key order
 * and their JSON types (`"flag":1` stays a number).
 */
export function kitPayload(body: Record<string, unknown>): string {
  return canonicalJson(body);
}

// Java `Character.isWhitespace`, which `StringUtils.isBlank` applies: U+00A0, U+2007 and U+202F do not count.
const JAVA_BLANK = /^[\t\n\u000b\f\r\u001c-\u001f \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]*$/;

/** A V1 body value as text, or undefined when the sample's `isBlank` skips it. */
function v1Text(name: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'boolean') text = String(value);
  // Nested values are unspecified (security-and-crypto.md §4.2): V1 carries lists as JSON strings.
  else throw new Error(`V1 kit body field ${name} must be a string, a number or a boolean`);
  return JAVA_BLANK.test(text) ? undefined : text;
}

/**
 * The V1 POST string to sign (security-and-crypto.md §4.2): the top-level body fields but `authToken`,
 * sorted by name, blank values skipped, numbers in decimal, `name=value` joined by `&`, not URL-encoded.
 * @throws Error when a value is an object or an array (V1 sends lists as JSON strings).
 */
export function v1KitStringToSign(body: Record<string, unknown>): string {
  const parts: string[] = [];
  // Default sort compares UTF-16 code units, the order of Java's TreeMap<String, ?>.
  for (const name of Object.keys(body).sort()) {
    if (name === 'authToken') continue;
    const text = v1Text(name, body[name]);
    if (text !== undefined) parts.push(`${name}=${text}`);
  }
  return parts.join('&');
}

/**
 * The V1 kit `authToken` header: `base64(HMAC(key + timeStamp, v1KitStringToSign(body)))`, where
 * `timeStamp` is the body's own field.
 * @throws Error when the body has no `timeStamp`, or a nested value.
 */
export function signV1KitAuthToken(key: string, body: Record<string, unknown>): string {
  const timeStamp = v1Text('timeStamp', body.timeStamp);
  if (timeStamp === undefined) throw new Error('V1 kit body has no timeStamp');
  return hmac(key + timeStamp, v1KitStringToSign(body)).toString('base64');
}
