/**
 * Checks that a call comes from the gateway, in the configured mode (settings.ts); throws
 * {@link GatewayAuthError} otherwise.
 * @module
 */
import { constantTimeEqual } from '../security/hmac';
import { findMatchingKey } from '../security/verifyResult';
import { GatewayAuthError } from './errors';
import { verifyGatewayJwt } from './jwt';
import type { GatewaySettings } from './settings';

/** Who was let in. */
export interface GatewayCaller {
  /** jwt mode: the AK that signed; constant mode: undefined. */
  apiKey?: string;
  /** Index of the key or value that matched (0: the newest). */
  keyIndex: number;
}

/**
 * Verifies the call's credentials. `headers` have lower-case names.
 * @example
 * const caller = verifyGatewayCall(req.headers, gatewaySettings(config), Date.now());
 */
export function verifyGatewayCall(headers: Readonly<Record<string, string>>, settings: GatewaySettings, nowMs: number): GatewayCaller {
  const value = Object.hasOwn(headers, settings.header) ? headers[settings.header] : undefined;
  const raw = typeof value === 'string' ? value.trim() : '';
  if (raw === '') throw new GatewayAuthError('missing');
  if (settings.mode === 'constant') {
    const keyIndex = findMatchingKey(settings.values, (value) => constantTimeEqual(value, raw));
    if (keyIndex < 0) throw new GatewayAuthError('bad-value');
    return { keyIndex };
  }
  // `Bearer <jwt>` as the reference's buyer side uses; a bare token is accepted too.
  const token = raw.replace(/^bearer\s+/i, '');
  const claims = verifyGatewayJwt(token, settings.keys, nowMs, settings.windowMs);
  return { apiKey: claims.apiKey, keyIndex: claims.keyIndex };
}
