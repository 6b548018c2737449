/**
 * The Agents gateway's backend credentials, written from platform-and-open-api.md §7.2 and not from this
 * project's verifier (shared/apiProduct/jwt.ts), so a bug on either side shows up: a JWT with header
 * `{"alg":"HS256","sign_type":"SIGN"}` and payload `{"api_key": <AK>, "timestamp": <epoch ms>}`, each part
 * base64url without padding, signed with HMAC-SHA256 under the SK. The variants make the tokens a hostile or
 * broken gateway would send (another algorithm, no signature, a payload changed after signing).
 * @module
 */
import { createHmac } from 'node:crypto';

/** A gateway key pair (`--gateway-key ak:sk`). */
export interface GatewayKeyPair {
  ak: string;
  sk: string;
}

/** How to make a token. */
export interface GatewayTokenSpec {
  ak: string;
  sk: string;
  /** `timestamp` claim (epoch ms). */
  timestampMs: number;
  /** The header's `alg` (default `HS256`). */
  alg?: string;
  /** The MAC actually computed: `sha256` (default), `sha512`, or `none` (an empty signature part). */
  mac?: 'sha256' | 'sha512' | 'none';
  /** Replaces the payload after signing (the signature then covers the original one). */
  tamper?: Record<string, unknown>;
}

function b64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

/** Parses `ak:sk` (the SK is everything after the first colon); undefined when either side is empty. */
export function parseGatewayKeyPair(text: string): GatewayKeyPair | undefined {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return undefined;
  return { ak: text.slice(0, at), sk: text.slice(at + 1) };
}

/** A token as the gateway (or a variant of it) would send it. */
export function gatewayToken(spec: GatewayTokenSpec): string {
  const header = b64url(JSON.stringify({ alg: spec.alg ?? 'HS256', sign_type: 'SIGN' }));
  const payload = b64url(JSON.stringify({ api_key: spec.ak, timestamp: spec.timestampMs }));
  const mac = spec.mac ?? 'sha256';
  const signature = mac === 'none' ? '' : createHmac(mac, spec.sk).update(`${header}.${payload}`).digest('base64url');
  const sent = spec.tamper ? b64url(JSON.stringify({ api_key: spec.ak, timestamp: spec.timestampMs, ...spec.tamper })) : payload;
  return `${header}.${sent}.${signature}`;
}
