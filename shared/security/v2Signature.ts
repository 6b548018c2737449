/**
 * The V2 basic-interface signature (query `signature`, `timestamp`, `nonce`):
 * `hex(HMAC(AK, AK + nonce + timestamp + hex(HMAC(AK, RequestPayload))))`.
 * @module
 */
import { rememberingPerKey } from '../core/boundedMap';
import { canonicalPayload } from './canonicalJson';
import { hmacSha256Text } from './hmac';
import { verifyHexSignedRequest } from './signedRequestCheck';
import type { Verification } from './verifyResult';

/**
 * Per key, `hex(HMAC(AK, payload))` of the last 512 payloads: a retried renewal or a repeated query carries
 * the same body under a new nonce and timestamp, so its inner HMAC is computed once per warm function (the
 * outer one, over the nonce and timestamp, never repeats and is always computed).
 */
const innerSignature = rememberingPerKey((key, payload) => hmacSha256Text(key, payload, 'hex'), 512);

function signPayload(key: string, nonce: string, timestamp: string, payload: string, remember = false): string {
  const inner = remember ? innerSignature(key, payload) : hmacSha256Text(key, payload, 'hex');
  return hmacSha256Text(key, key + nonce + timestamp + inner, 'hex');
}

/**
 * The lower-case hex V2 signature of a body.
 * @param input.timestamp exactly as sent (ms since the epoch, as text).
 * @throws InvalidParamError when `body` is not a JSON object.
 */
export function signV2(input: { key: string; nonce: string; timestamp: string; body: string }): string {
  return signPayload(input.key, input.nonce, input.timestamp, canonicalPayload(input.body));
}

/**
 * Verifies a V2 basic-interface call against a key ring (newest first).
 * @param input.query the URL query (decoded once), holding `signature`, `timestamp` and `nonce`.
 * @param input.nowMs current time (ms since the epoch); `windowMs` the allowed distance (ms, default 60 000).
 * @param input.json `JSON.parse(body)` when the caller has it already (it reuses it to parse the request).
 * @param input.rememberPayload whether the body may come again byte for byte (a retry): its inner HMAC is then
 * remembered (see innerSignature).
 */
export function verifyV2Signature(input: {
  body: string;
  json?: unknown;
  query: Record<string, string>;
  keys: readonly string[];
  nowMs: number;
  windowMs?: number;
  rememberPayload?: boolean;
}): Verification {
  const q = input.query;
  const remember = input.rememberPayload === true;
  return verifyHexSignedRequest(
    {
      timestamp: q['timestamp'], nonce: q['nonce'], signature: q['signature'],
      body: input.body, json: input.json, keys: input.keys, nowMs: input.nowMs, windowMs: input.windowMs,
    },
    { timestamp: 'timestamp', nonce: 'nonce', signature: 'signature' },
    (key, payload) => signPayload(key, q['nonce'] ?? '', q['timestamp'] ?? '', payload, remember),
  );
}
