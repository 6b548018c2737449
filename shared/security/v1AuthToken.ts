/**
 * The V1 `authToken`: `base64(HMAC-SHA256(Key + timeStamp, "k1=v1&k2=v2…"))` over the parameters sorted
 * by name. GET basic interfaces carry it in the query; V1 kit POSTs carry it in the `authToken` header
 * with the parameters in the JSON body.
 * @module
 */
import { InvalidParamError } from '../core/errors';
import { constantTimeEqual, hmacSha256 } from './hmac';
import { authFailure, findMatchingKey, paramFailure, type Verification } from './verifyResult';

const AUTH_TOKEN = 'authToken';
const TIME_STAMP = 'timeStamp';

/** UTF-16 code-unit order, as Java's `TreeMap<String,…>` sorts. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The V1 GET string to sign: every parameter but `authToken`, sorted by name (UTF-16 code unit),
 * written `name=value` joined by `&`, values not re-encoded, empty values kept as `name=`.
 * @param params parameters already URL-decoded once (see {@link parseWireQuery}).
 */
export function v1StringToSign(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== AUTH_TOKEN)
    .sort(byCodeUnit)
    .map((k) => `${k}=${params[k] ?? ''}`)
    .join('&');
}

function tokenFor(key: string, timeStamp: string, stringToSign: string): string {
  return hmacSha256(key + timeStamp, stringToSign).toString('base64');
}

/**
 * The V1 `authToken` for GET parameters: the HMAC key is `key + params.timeStamp`.
 * @throws InvalidParamError when `params.timeStamp` is missing.
 */
export function signV1AuthToken(input: { key: string; params: Record<string, string> }): string {
  const ts = input.params[TIME_STAMP];
  if (typeof ts !== 'string' || ts === '') throw new InvalidParamError('timeStamp is missing');
  return tokenFor(input.key, ts, v1StringToSign(input.params));
}

/**
 * Verifies a V1 GET call against a key ring (newest first). Missing `timeStamp` gives `000002`,
 * a missing or wrong `authToken` `000001`. The token is compared exactly (Base64 is case-sensitive).
 * V1 documents no clock window, so none is applied here.
 */
export function verifyV1AuthToken(input: { params: Record<string, string>; keys: readonly string[] }): Verification {
  const { params } = input;
  const ts = params[TIME_STAMP];
  if (typeof ts !== 'string' || ts === '') return paramFailure('timeStamp is missing');
  const token = params[AUTH_TOKEN];
  if (typeof token !== 'string' || token === '') return authFailure('authToken is missing');
  for (const stringToSign of v1StringsToSign(params)) {
    const index = findMatchingKey(input.keys, (key) => constantTimeEqual(tokenFor(key, ts, stringToSign), token));
    if (index !== -1) return { ok: true, keyIndex: index };
  }
  return authFailure('authToken does not match any configured key');
}

/**
 * The strings a V1 GET token may be computed over: blank values kept as `name=` (the GET sample,
 * security-and-crypto.md §4.1), then, when the request has blank values, without them (lifecycle.md §7
 * says the official sample skips blanks, as the V1 POST sample does). The references disagree; both are
 * accepted.
 */
export function v1StringsToSign(params: Record<string, string>): string[] {
  const kept = v1StringToSign(params);
  const nonBlank = Object.fromEntries(Object.entries(params).filter(([, v]) => v.trim() !== ''));
  const skipped = v1StringToSign(nonBlank);
  return skipped === kept ? [kept] : [kept, skipped];
}

function decodeComponent(text: string): string {
  // Java's servlet decoding: `+` is a space, then %XX sequences as UTF-8.
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new InvalidParamError('query string has a malformed %-escape');
  }
}

/**
 * Parses a raw query string as it appears on the wire (a leading `?` is ignored): each name and value
 * is URL-decoded once, `+` read as a space, and for a repeated name the first value wins (as the sample
 * reads `getParameterMap()[0]`). A name without `=` gets the empty value.
 * @throws InvalidParamError on a malformed %-escape.
 */
export function parseWireQuery(raw: string): Record<string, string> {
  // A prototype-free object, so names such as `__proto__` are ordinary parameters.
  const params = Object.create(null) as Record<string, string>;
  const text = raw.startsWith('?') ? raw.slice(1) : raw;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
    if (!Object.prototype.hasOwnProperty.call(params, name)) params[name] = value;
  }
  return params;
}

// Java `Character.isWhitespace`, which `StringUtils.isBlank` uses: no-break spaces do not count.
const JAVA_BLANK = /^[\t\n\u000b\f\r\u001c-\u001f \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]*$/;

/** The text a body value contributes to the V1 POST string, or undefined when it is skipped. */
function postValueText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') text = String(value);
  // Nested values are unspecified in the docs; compact JSON is our choice.
  else text = JSON.stringify(value) ?? '';
  return JAVA_BLANK.test(text) ? undefined : text;
}

/**
 * The V1 POST (kit) string to sign: top-level body members sorted by name, blank values (null, empty,
 * whitespace only) skipped, numbers in decimal, `k=v` joined by `&`. An `authToken` member (it belongs
 * in the header) is left out.
 */
export function v1PostStringToSign(body: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const k of Object.keys(body).sort(byCodeUnit)) {
    if (k === AUTH_TOKEN) continue;
    const text = postValueText(body[k]);
    if (text !== undefined) parts.push(`${k}=${text}`);
  }
  return parts.join('&');
}

function postTimeStamp(body: Record<string, unknown>): string | undefined {
  const ts = postValueText(body[TIME_STAMP]);
  return ts === undefined ? undefined : ts;
}

/**
 * The V1 POST (kit) `authToken` header value: HMAC key `key + body.timeStamp`.
 * @throws InvalidParamError when `body.timeStamp` is missing.
 */
export function signV1PostAuthToken(input: { key: string; body: Record<string, unknown> }): string {
  const ts = postTimeStamp(input.body);
  if (ts === undefined) throw new InvalidParamError('timeStamp is missing');
  return tokenFor(input.key, ts, v1PostStringToSign(input.body));
}

/** Verifies a V1 POST (kit) call: `authToken` from the header, parameters from the JSON body. */
export function verifyV1PostAuthToken(input: {
  body: Record<string, unknown>;
  authToken: string | undefined;
  keys: readonly string[];
}): Verification {
  const ts = postTimeStamp(input.body);
  if (ts === undefined) return paramFailure('timeStamp is missing');
  const token = input.authToken;
  if (typeof token !== 'string' || token === '') return authFailure('authToken is missing');
  const stringToSign = v1PostStringToSign(input.body);
  const index = findMatchingKey(input.keys, (key) => constantTimeEqual(tokenFor(key, ts, stringToSign), token));
  return index === -1 ? authFailure('authToken does not match any configured key') : { ok: true, keyIndex: index };
}
