/**
 * The fake open API's own `SDK-HMAC-SHA256` (APIG AK/SK) implementation, written from the reference
 * (platform-and-open-api.md §5.2) and NOT from `@huaweicloud/huaweicloud-sdk-core` or
 * `shared/marketplace`, so a mistake in the server's signer shows up as a refused request.
 *
 * Verification is stricter than a gateway in two places, both so that no change of a signed byte can
 * go unnoticed: `X-Sdk-Content-Sha256` (e.g. `UNSIGNED-PAYLOAD`) must be the real hash of the body,
 * and the raw query must use upper-case, valid UTF-8 percent escapes (so no two spellings decode alike).
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The algorithm name in `Authorization` and the string to sign. */
export const AKSK_ALGORITHM = 'SDK-HMAC-SHA256';

const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const AUTHORIZATION = /^SDK-HMAC-SHA256 Access=([^\s,]+), SignedHeaders=([^\s,]+), Signature=([0-9a-f]{64})$/;
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** A request as it arrived: raw path and query (no decoding), header values by lower-case name, body bytes. */
export interface AkSkRequest {
  method: string;
  /** The raw path (percent escapes as sent). */
  path: string;
  /** The raw query after `?` (empty string when none). */
  query: string;
  /** Header values by lower-case name (as node gives them). */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** What {@link verifyAkSk} decided. */
export type AkSkVerdict = { ok: true; ak: string; signedHeaders: string[]; date: string } | { ok: false; reason: string };

/** Credentials and clock of a verification. */
export interface AkSkVerifyOptions {
  ak: string;
  sk: string;
  /** Now (epoch ms); default Date.now(). */
  nowMs?: number;
  /** How far `X-Sdk-Date` may be from now (ms); default 15 minutes, as the gateway allows. */
  maxSkewMs?: number;
}

/** §5.2: unreserved characters kept, every other UTF-8 byte as `%XX` (upper-case hex). */
export function akskEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += UNRESERVED.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** CanonicalURI: each raw path segment encoded, always ending with `/`. */
export function canonicalUri(rawPath: string): string {
  const path = rawPath.split('/').map(akskEncode).join('/');
  return path.endsWith('/') ? path : `${path}/`;
}

/** CanonicalQuery: decoded pairs, keys sorted, each key's values sorted, `k=v` encoded, joined by `&`. */
export function canonicalQuery(rawQuery: string): string {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    const values = byKey.get(k) ?? [];
    values.push(v);
    byKey.set(k, values);
  }
  const parts: string[] = [];
  for (const key of [...byKey.keys()].sort()) {
    for (const value of (byKey.get(key) ?? []).sort()) parts.push(`${akskEncode(key)}=${akskEncode(value)}`);
  }
  return parts.join('&');
}

/** Why a raw query could decode the same as another spelling of it, or undefined when it is unambiguous. */
function queryAmbiguity(rawQuery: string): string | undefined {
  if (/%(?![0-9A-F]{2})/.test(rawQuery)) return 'query has a percent escape that is not %XX with upper-case hex';
  for (const part of rawQuery.split('&')) {
    for (const side of part.split('=')) {
      try {
        decodeURIComponent(side.replace(/\+/g, ' '));
      } catch {
        return 'query has percent escapes that are not valid UTF-8';
      }
    }
  }
  return undefined;
}

/** The canonical request of §5.2 step 2. */
export function canonicalRequest(input: { method: string; path: string; query: string; headers: Record<string, string>; signedHeaders: string[]; payloadHash: string }): string {
  const headerLines = input.signedHeaders.map((name) => `${name}:${input.headers[name] ?? ''}\n`).join('');
  return [input.method.toUpperCase(), canonicalUri(input.path), canonicalQuery(input.query), headerLines, input.signedHeaders.join(';'), input.payloadHash].join('\n');
}

/** §5.2 step 3 and 4: hex HMAC-SHA256(SK, "SDK-HMAC-SHA256\n<date>\n<sha256hex(canonical)>"). */
function akskSignature(sk: string, date: string, canonical: string): string {
  return createHmac('sha256', Buffer.from(sk, 'utf8')).update(`${AKSK_ALGORITHM}\n${date}\n${sha256Hex(canonical)}`, 'utf8').digest('hex');
}

/** `X-Sdk-Date` as epoch ms, or undefined when it is not a real `YYYYMMDDTHHMMSSZ` time. */
export function parseSdkDate(date: string): number | undefined {
  const m = SDK_DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  return ms;
}

/** `YYYYMMDDTHHMMSSZ` (UTC) of an epoch time. */
export function formatSdkDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Signs a request with this module's implementation (for tests and tools; the server has its own).
 * `url` is the full URL with its query; every header in `headers` is signed, plus `host` (from the URL
 * unless given) and `x-sdk-date`. Returns the headers to send (lower-case names) with `authorization`.
 */
export function signAkSkRequest(o: { ak: string; sk: string; method: string; url: string; headers?: Record<string, string>; body?: string | Buffer; date?: string }): Record<string, string> {
  const url = new URL(o.url);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = v;
  headers.host ??= url.host;
  const date = o.date ?? headers['x-sdk-date'] ?? formatSdkDate(Date.now());
  headers['x-sdk-date'] = date;
  const signedHeaders = Object.keys(headers).sort();
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body, 'utf8');
  const canonical = canonicalRequest({ method: o.method, path: url.pathname, query: url.search.replace(/^\?/, ''), headers, signedHeaders, payloadHash: headers['x-sdk-content-sha256'] ?? sha256Hex(body) });
  const signature = akskSignature(o.sk, date, canonical);
  return { ...headers, authorization: `${AKSK_ALGORITHM} Access=${o.ak}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}` };
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks one request's AK/SK signature; the reason never holds the SK or the expected signature. */
export function verifyAkSk(req: AkSkRequest, options: AkSkVerifyOptions): AkSkVerdict {
  const fail = (reason: string): AkSkVerdict => ({ ok: false, reason });
  const auth = req.headers.authorization;
  if (auth === undefined || auth === '') return fail('Authorization header missing');
  const m = AUTHORIZATION.exec(auth);
  if (!m) return fail('Authorization is not "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<64 hex>"');
  const [, ak = '', list = '', signature = ''] = m;
  if (!safeEqualHex(ak, options.ak)) return fail('unknown access key');
  const signedHeaders = list.split(';');
  const sorted = [...signedHeaders].sort();
  if (signedHeaders.some((h, i) => h === '' || h !== h.toLowerCase() || h !== sorted[i] || (i > 0 && h === signedHeaders[i - 1]))) {
    return fail('SignedHeaders must be distinct lower-case names in sorted order');
  }
  for (const required of ['host', 'x-sdk-date']) if (!signedHeaders.includes(required)) return fail(`${required} is not a signed header`);
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return fail(`signed header ${name} is missing from the request`);
    headers[name] = value;
  }
  const date = headers['x-sdk-date'] ?? '';
  const at = parseSdkDate(date);
  if (at === undefined) return fail('X-Sdk-Date is not YYYYMMDDTHHMMSSZ');
  const skew = Math.abs((options.nowMs ?? Date.now()) - at);
  if (skew > (options.maxSkewMs ?? 15 * 60_000)) return fail(`X-Sdk-Date is ${Math.round(skew / 1000)} s away from now`);
  const ambiguity = queryAmbiguity(req.query);
  if (ambiguity) return fail(ambiguity);
  const bodyHash = sha256Hex(req.body);
  const declared = req.headers['x-sdk-content-sha256'];
  if (declared !== undefined && declared !== bodyHash) return fail('X-Sdk-Content-Sha256 is not the SHA-256 of the body (unsigned payloads are refused)');
  const canonical = canonicalRequest({ method: req.method, path: req.path, query: req.query, headers, signedHeaders, payloadHash: bodyHash });
  if (!safeEqualHex(akskSignature(options.sk, date, canonical), signature)) return fail('signature does not match the request');
  return { ok: true, ak, signedHeaders, date };
}
