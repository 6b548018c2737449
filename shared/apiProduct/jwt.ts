/**
 * The Agents gateway's backend credentials (platform-and-open-api.md §7.2): an HS256 JWT with header
 * `{"alg":"HS256","sign_type":"SIGN"}` and payload `{"api_key": <AK>, "timestamp": <epoch ms>}`, signed with
 * the SK of that AK; valid about 5 minutes. The backend finds the SK by the AK and checks the signature.
 *
 * Where the reference is unclear this module is tolerant, and says so:
 * - `timestamp` may be epoch milliseconds (the reference) or seconds (a value below 10^11 is taken as
 *   seconds), a JSON number or a string of digits;
 * - the window applies both ways (a clock ahead of ours is allowed the same skew as one behind);
 * - the parts may be base64url with or without `=` padding, or standard base64 (`+`, `/`);
 * - `sign_type`, `typ` and any other header or payload field are ignored; only `alg` must be exactly `HS256`
 *   (so `none`, `HS512`, `RS256` are refused before any signature is looked at).
 * Pure computation (node:crypto only); the signature is compared in constant time.
 * @module
 */
import { ConfigError } from '../core/errors';
import { constantTimeEqual, hmacSha256 } from '../security/hmac';
import { GatewayAuthError } from './errors';

/** One `ak:sk` pair of KG_GATEWAY_KEYS. */
export interface GatewayKey {
  ak: string;
  sk: string;
}

/** What a verified token says. */
export interface GatewayJwtClaims {
  /** The AK (`api_key`) that signed. */
  apiKey: string;
  /** `timestamp`, as epoch ms. */
  timestampMs: number;
  /** Index in the key ring of the pair that verified (0: the newest). */
  keyIndex: number;
}

/** The validity the reference gives a token, both directions (ms): 5 minutes. */
export const GATEWAY_JWT_WINDOW_MS = 300_000;

/** Longest token accepted (characters); a real one is about 150. */
const MAX_TOKEN_LENGTH = 8192;

/** A timestamp below this is in seconds (10^11 ms is 1973; 10^11 s is the year 5138). */
const SECONDS_BELOW = 1e11;

const B64_PART = /^[A-Za-z0-9_\-+/]+={0,2}$/;

/**
 * Parses KG_GATEWAY_KEYS entries (`ak:sk`, newest first; the SK is everything after the first `:`).
 * Throws {@link ConfigError} naming the setting (never a value) when an entry is not `ak:sk`.
 * @example
 * parseGatewayKeyRing(['gw-ak-2:sk-new', 'gw-ak-1:sk-old']);
 */
export function parseGatewayKeyRing(entries: readonly string[]): GatewayKey[] {
  return entries.map((entry, i) => {
    const at = entry.indexOf(':');
    const ak = at > 0 ? entry.slice(0, at).trim() : '';
    const sk = at > 0 ? entry.slice(at + 1).trim() : '';
    if (ak === '' || sk === '') throw new ConfigError(`invalid configuration: KG_GATEWAY_KEYS entry ${i + 1} is not ak:sk`);
    return { ak, sk };
  });
}

/** Decodes one JSON-object part, or undefined. */
function jsonPart(part: string): Record<string, unknown> | undefined {
  if (!B64_PART.test(part)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(part, 'base64')));
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `timestamp` as epoch ms, or undefined when it is not a non-negative integer (number or digits). */
function timestampMs(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) return undefined;
  return n < SECONDS_BELOW ? n * 1000 : n;
}

/**
 * Verifies the gateway's JWT and returns its claims; throws {@link GatewayAuthError} with the reason
 * (`malformed`, `alg`, `unknown-key`, `bad-signature`, `expired`, `future`). Checks, in order: the shape, `alg`,
 * the payload fields, the AK, the signature (every SK of that AK, so a rotation needs no failed call), the clock.
 * @param token the bare JWT (no `Bearer `).
 * @param ring KG_GATEWAY_KEYS, newest first.
 * @param nowMs our clock (epoch ms).
 * @param windowMs the validity both ways (ms); default 5 minutes.
 * @example
 * const { apiKey } = verifyGatewayJwt(token, parseGatewayKeyRing(['gw-ak:gw-sk']), Date.now());
 */
export function verifyGatewayJwt(token: string, ring: readonly GatewayKey[], nowMs: number, windowMs: number = GATEWAY_JWT_WINDOW_MS): GatewayJwtClaims {
  const text = token.trim();
  if (text.length === 0 || text.length > MAX_TOKEN_LENGTH) throw new GatewayAuthError('malformed');
  const parts = text.split('.');
  if (parts.length !== 3) throw new GatewayAuthError('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonPart(headerPart);
  if (!header) throw new GatewayAuthError('malformed');
  if (header.alg !== 'HS256') throw new GatewayAuthError('alg');
  const payload = jsonPart(payloadPart);
  if (!payload) throw new GatewayAuthError('malformed');
  const apiKey = payload.api_key;
  const ts = timestampMs(payload.timestamp);
  if (typeof apiKey !== 'string' || apiKey === '' || ts === undefined) throw new GatewayAuthError('malformed');
  if (signaturePart !== '' && !B64_PART.test(signaturePart)) throw new GatewayAuthError('malformed');
  const candidates = ring.map((key, index) => ({ key, index })).filter((c) => c.key.ak === apiKey);
  if (candidates.length === 0) throw new GatewayAuthError('unknown-key');
  const received = signaturePart.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const input = `${headerPart}.${payloadPart}`;
  let keyIndex = -1;
  // Every candidate is computed and compared, so the time taken does not say which one matched.
  for (const c of candidates) {
    if (constantTimeEqual(hmacSha256(c.key.sk, input).toString('base64url'), received) && keyIndex < 0) keyIndex = c.index;
  }
  if (keyIndex < 0) throw new GatewayAuthError('bad-signature');
  if (nowMs - ts > windowMs) throw new GatewayAuthError('expired');
  if (ts - nowMs > windowMs) throw new GatewayAuthError('future');
  return { apiKey, timestampMs: ts, keyIndex };
}

/**
 * Signs a token as the Agents gateway does, for a merchant's own tests of an API product.
 * @param timestampMs the `timestamp` claim (epoch ms); default now.
 * @example
 * const headers = { Authorization: `Bearer ${signGatewayJwt('gw-ak', 'gw-sk')}`, 'X-Customer-Id': 'buyer-1' };
 */
export function signGatewayJwt(ak: string, sk: string, timestampMs: number = Date.now()): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
  const input = `${part({ alg: 'HS256', sign_type: 'SIGN' })}.${part({ api_key: ak, timestamp: timestampMs })}`;
  return `${input}.${hmacSha256(sk, input).toString('base64url')}`;
}
