/**
 * The workbench flow's `state` (§11.3 authorize), bound to the browser: `GET /sso/login?tenant=` makes a
 * random state, puts it in the authorize URL and in a short-lived cookie `kg_sso_state` together with the
 * tenant and an expiry, HMAC-signed with a key derived from `KG_DATA_KEY` (any key of the ring verifies, so
 * the data key can rotate). The callback accepts a `state` only when that cookie is present, unaltered,
 * unexpired and carries the same state. Nothing is stored server-side.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constantTimeEqual, hmacSha256 } from '../security/hmac';

/** The state cookie's name (fixed; part of the contract). */
export const STATE_COOKIE = 'kg_sso_state';

/** How long a login may take between `/sso/login?tenant=` and the callback (ms): 10 minutes. */
export const STATE_TTL_MS = 10 * 60_000;

/** What a verified state cookie says. */
export interface StateClaim {
  /** The tenant the login was started for. */
  tenantId: string;
}

const SUBKEY_LABEL = 'kg-sso-state/v1';

function mac(dataKey: Buffer, payload: string): Buffer {
  return hmacSha256(hmacSha256(dataKey, SUBKEY_LABEL), payload);
}

/**
 * A new state for `tenantId`: the value for the authorize URL and the signed cookie value.
 * @param keys the data key ring, newest first (the newest signs).
 * @param nowMs epoch ms.
 */
export function issueState(keys: readonly Buffer[], tenantId: string, nowMs: number): { state: string; cookieValue: string } {
  const [newest] = keys;
  if (!newest) throw new RangeError('issueState needs a data key');
  const state = randomBytes(32).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ s: state, t: tenantId, e: nowMs + STATE_TTL_MS }), 'utf8').toString('base64url');
  return { state, cookieValue: `${payload}.${mac(newest, payload).toString('base64url')}` };
}

/**
 * The claim of a state cookie that matches `state`, or undefined when the cookie is missing, altered, signed
 * under no key of the ring, expired at `nowMs`, or carries another state.
 */
export function verifyState(keys: readonly Buffer[], cookieValue: string | undefined, state: string, nowMs: number): StateClaim | undefined {
  if (!cookieValue || cookieValue.length > 2048) return undefined;
  const [payload = '', sig = '', extra] = cookieValue.split('.');
  if (extra !== undefined || payload === '' || sig === '') return undefined;
  const given = Buffer.from(sig, 'base64url');
  const signed = keys.some((key) => {
    const expected = mac(key, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return undefined;
  let claim: unknown;
  try {
    claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claim !== 'object' || claim === null) return undefined;
  const { s, t, e } = claim as { s?: unknown; t?: unknown; e?: unknown };
  if (typeof s !== 'string' || typeof t !== 'string' || typeof e !== 'number' || !(nowMs < e)) return undefined;
  return constantTimeEqual(s, state) ? { tenantId: t } : undefined;
}
