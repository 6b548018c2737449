/**
 * The V2 联营 kit signature (headers `x-sign`, `x-timestamp`, `x-nonce`):
 * `hex(HMAC(AK, AK + nonce + timestamp + RequestPayload))`, with no inner HMAC.
 * @module
 */
import { canonicalPayload } from './canonicalJson';
import { hmacSha256Text } from './hmac';
import { verifyHexSignedRequest } from './signedRequestCheck';
import type { Verification } from './verifyResult';

function signPayload(key: string, nonce: string, timestamp: string, payload: string): string {
  return hmacSha256Text(key, key + nonce + timestamp + payload, 'hex');
}

/**
 * The lower-case hex `x-sign` of a kit body.
 * @param input.timestamp exactly as sent (ms since the epoch, as text).
 * @throws InvalidParamError when `body` is not a JSON object.
 */
export function signKit(input: { key: string; nonce: string; timestamp: string; body: string }): string {
  return signPayload(input.key, input.nonce, input.timestamp, canonicalPayload(input.body));
}

/**
 * Verifies a kit call against a key ring (newest first).
 * @param input.headers request headers with lower-case names (`x-sign`, `x-timestamp`, `x-nonce`).
 * @param input.nowMs current time (ms since the epoch); `windowMs` the allowed distance (ms, default 60 000).
 */
export function verifyKitSignature(input: {
  body: string;
  /** `JSON.parse(body)` when the caller has it already (to parse the request with), so it is not read twice. */
  json?: unknown;
  headers: Record<string, string>;
  keys: readonly string[];
  nowMs: number;
  windowMs?: number;
}): Verification {
  const h = input.headers;
  return verifyHexSignedRequest(
    {
      timestamp: h['x-timestamp'], nonce: h['x-nonce'], signature: h['x-sign'],
      body: input.body, json: input.json, keys: input.keys, nowMs: input.nowMs, windowMs: input.windowMs,
    },
    { timestamp: 'x-timestamp', nonce: 'x-nonce', signature: 'x-sign' },
    (key, payload) => signPayload(key, h['x-nonce'] ?? '', h['x-timestamp'] ?? '', payload),
  );
}
