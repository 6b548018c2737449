/**
 * Signing helpers for a merchant's own tests: make a request the way KooGallery signs it, and check the
 * `Body-Sign` of an answer. The same algorithms the functions verify with.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { bodySignHeader } from './security/bodySign';
import { constantTimeEqual } from './security/hmac';
import { signKit } from './security/kitSignature';
import { signV1AuthToken } from './security/v1AuthToken';
import { signV2 } from './security/v2Signature';

/** A fresh nonce (32 hex characters). */
function nonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The query parameters of a signed V2 basic-interface call (`POST <production address>?signature&timestamp&nonce`).
 * @param input.nowMs the timestamp to sign (epoch ms); default now.
 * @example
 * const body = JSON.stringify({ activity: 'queryInstance', instanceId: 'i-1', testFlag: '1' });
 * const query = signV2Request({ key: process.env.KG_ACCESS_KEY!, body });
 * await fetch(`${url}/?${new URLSearchParams(query)}`, { method: 'POST', body });
 */
export function signV2Request(input: { key: string; body: string; nowMs?: number; nonce?: string }): { signature: string; timestamp: string; nonce: string } {
  const timestamp = String(input.nowMs ?? Date.now());
  const n = input.nonce ?? nonce();
  return { signature: signV2({ key: input.key, nonce: n, timestamp, body: input.body }), timestamp, nonce: n };
}

/**
 * The headers of a signed 联营 kit call (`x-sign`, `x-timestamp`, `x-nonce`), made with the kit key.
 * @param input.nowMs the timestamp to sign (epoch ms); default now.
 * @example
 * const headers = signKitRequest({ key: process.env.KG_KIT_ACCESS_KEY!, body });
 * await fetch(`${url}/produceAPI/v2/tenantSync`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 */
export function signKitRequest(input: { key: string; body: string; nowMs?: number; nonce?: string }): { 'x-sign': string; 'x-timestamp': string; 'x-nonce': string } {
  const timestamp = String(input.nowMs ?? Date.now());
  const n = input.nonce ?? nonce();
  return { 'x-sign': signKit({ key: input.key, nonce: n, timestamp, body: input.body }), 'x-timestamp': timestamp, 'x-nonce': n };
}

/**
 * The parameters of a signed V1 (GET) basic call: `params` with `authToken` added.
 * @example
 * const params = signV1Request({ key, params: { activity: 'queryInstance', instanceId: 'i-1', timeStamp: '20250101000000000' } });
 * await fetch(`${url}/?${new URLSearchParams(params)}`);
 */
export function signV1Request(input: { key: string; params: Record<string, string> }): Record<string, string> {
  return { ...input.params, authToken: signV1AuthToken({ key: input.key, params: input.params }) };
}

/**
 * Whether `header` is the `Body-Sign` of `body` under `key` (constant-time compare).
 * @example
 * expect(verifyBodySign(key, await res.text(), res.headers.get('body-sign') ?? '')).toBe(true);
 */
export function verifyBodySign(key: string, body: string, header: string): boolean {
  return constantTimeEqual(bodySignHeader(key, body), header);
}
