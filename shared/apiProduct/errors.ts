/**
 * How an API product refuses: {@link GatewayAuthError} when the caller is not the gateway (HTTP 401, never
 * billed), {@link ApiProductError} for everything a handler wants to refuse with its own status. Every refusal
 * is answered as an OpenAI-style JSON error, `{"error": {"message", "type", "code"}}`, with a non-2xx status,
 * so the gateway bills none of them.
 * @module
 */

/**
 * Why the gateway's credentials were refused. `missing`: no header; `malformed`: not a JWT (three base64url
 * parts of JSON) or without `api_key`/`timestamp`; `alg`: a header `alg` other than `HS256` (`none` included);
 * `unknown-key`: `api_key` is not in KG_GATEWAY_KEYS; `bad-signature`: no SK of that AK verifies it;
 * `expired` / `future`: `timestamp` further than KG_GATEWAY_JWT_WINDOW_MS in the past / future;
 * `bad-value`: constant-header mode, the value is none of KG_GATEWAY_AUTH_VALUES.
 */
export type GatewayAuthReason = 'missing' | 'malformed' | 'alg' | 'unknown-key' | 'bad-signature' | 'expired' | 'future' | 'bad-value';

/** A message per reason that is safe to send (it names no key and echoes nothing the caller sent). */
export const GATEWAY_AUTH_MESSAGE: Readonly<Record<GatewayAuthReason, string>> = {
  missing: 'the gateway credentials are missing',
  malformed: 'the gateway token is malformed',
  alg: 'the gateway token must be signed with HS256',
  'unknown-key': 'the gateway token names an unknown api_key',
  'bad-signature': 'the gateway token signature does not verify',
  expired: 'the gateway token has expired',
  future: 'the gateway token timestamp is in the future',
  'bad-value': 'the gateway credentials do not match',
};

/**
 * The gateway's credentials are missing or wrong: answered 401, not billed.
 * @example
 * try { verifyGatewayJwt(token, ring, Date.now()); } catch (e) { if (e instanceof GatewayAuthError) console.log(e.reason); }
 */
export class GatewayAuthError extends Error {
  override name = 'GatewayAuthError';
  constructor(readonly reason: GatewayAuthReason) {
    super(GATEWAY_AUTH_MESSAGE[reason]);
  }
}

/**
 * A refusal a handler throws (or the wrapper makes): answered with `status` (non-2xx; a 2xx given here becomes
 * 500) and `{"error": {"message", "type", "code"}}`. Nothing is billed.
 * @example
 * if (!Array.isArray(body.messages)) throw new ApiProductError(400, 'messages must be an array', 'invalid_request_error');
 */
export class ApiProductError extends Error {
  override name = 'ApiProductError';
  constructor(
    /** HTTP status (4xx or 5xx). */
    readonly status: number,
    message: string,
    /** OpenAI-style error type (`invalid_request_error`, `server_error`, ...). */
    readonly type = status >= 500 ? 'server_error' : 'invalid_request_error',
    /** A short machine-readable code, or null. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}
