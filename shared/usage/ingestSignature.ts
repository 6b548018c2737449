/**
 * The signature of `POST /usage`, the route the merchant's own back end reports usage on:
 * `x-kg-signature` = lower-case hex HMAC-SHA256(KG_USAGE_INGEST_KEY, "<timestamp>.usage.<body>"), with the
 * timestamp in epoch ms as sent in `x-kg-timestamp` and the body as the exact bytes sent. The same shape as the
 * `http` provisioner's requests, with `usage` as the step. Pure computation (node:crypto only).
 * @module
 */
import { constantTimeEqual, purposeSignature } from '../security/hmac';
import { findMatchingKey } from '../security/verifyResult';

/** Header names (lower case). */
export const USAGE_INGEST_HEADERS = {
  /** Epoch ms at signing, decimal. */
  timestamp: 'x-kg-timestamp',
  /** Lower-case hex HMAC-SHA256, 64 characters. */
  signature: 'x-kg-signature',
} as const;

/** Accepted clock difference between the back end and us, both directions (ms): 5 minutes. */
export const USAGE_INGEST_TOLERANCE_MS = 300_000;

/** Hex HMAC-SHA256 over `<timestampMs>.usage.<body>`. */
export function usageIngestSignature(key: string, timestampMs: number | string, body: string | Uint8Array): string {
  return purposeSignature(key, timestampMs, 'usage', body);
}

/**
 * The two headers the merchant's back end sends with `POST /usage`.
 * @param key the newest KG_USAGE_INGEST_KEY.
 * @param body the exact JSON text that will be sent.
 * @param nowMs the timestamp to sign (epoch ms); default now.
 * @example
 * const body = JSON.stringify([{ instanceId, usageValue: 3, beginTime: '2024-01-01T00:00:00Z', endTime: '2024-01-01T01:00:00Z' }]);
 * const res = await fetch(`${base}/usage`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', ...signUsageIngest(process.env.KG_USAGE_INGEST_KEY!, body) },
 *   body,
 * });
 * // 200: every record stored; 422: see `refused`; 401: signature; 400: body; 503: retry later
 */
export function signUsageIngest(key: string, body: string | Uint8Array, nowMs: number = Date.now()): { 'x-kg-timestamp': string; 'x-kg-signature': string } {
  if (key === '') throw new RangeError('signUsageIngest: the key is empty');
  const ts = String(Math.floor(nowMs));
  return { 'x-kg-timestamp': ts, 'x-kg-signature': usageIngestSignature(key, ts, body) };
}

/** Why a request's signature was refused. */
export type UsageIngestAuthProblem = 'missing-header' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature';

/**
 * Checks the signature headers against every key of the ring (newest first).
 * @returns the index of the key that matched, or the problem.
 */
export function verifyUsageIngest(
  keys: readonly string[],
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
  nowMs: number,
  toleranceMs: number = USAGE_INGEST_TOLERANCE_MS,
): { ok: true; keyIndex: number } | { ok: false; problem: UsageIngestAuthProblem } {
  const ts = headers[USAGE_INGEST_HEADERS.timestamp];
  const sig = headers[USAGE_INGEST_HEADERS.signature];
  if (ts === undefined || sig === undefined || ts === '' || sig === '') return { ok: false, problem: 'missing-header' };
  if (!/^\d{1,16}$/.test(ts)) return { ok: false, problem: 'bad-timestamp' };
  if (Math.abs(nowMs - Number(ts)) > toleranceMs) return { ok: false, problem: 'stale-timestamp' };
  const given = sig.toLowerCase();
  const keyIndex = findMatchingKey(keys, (key) => constantTimeEqual(usageIngestSignature(key, ts, body), given));
  return keyIndex === -1 ? { ok: false, problem: 'bad-signature' } : { ok: true, keyIndex };
}
