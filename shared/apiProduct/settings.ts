/**
 * The API-product slice of the configuration: how the gateway proves it is the caller.
 *
 * - `KG_GATEWAY_AUTH_MODE=jwt` (default): the Agents gateway's HS256 JWT (jwt.ts), read from
 *   `KG_GATEWAY_AUTH_HEADER` (default `Authorization`, as `Bearer <jwt>`; the bare token is accepted too),
 *   checked against KG_GATEWAY_KEYS (`ak:sk`, newest first) within KG_GATEWAY_JWT_WINDOW_MS both ways.
 * - `KG_GATEWAY_AUTH_MODE=constant`: the gateway's "self-defined" authentication, a constant header you
 *   configure in the gateway: `KG_GATEWAY_AUTH_HEADER` must carry one of KG_GATEWAY_AUTH_VALUES exactly.
 * The reference does not say which header carries the JWT, hence the setting.
 * @module
 */
import { ConfigError } from '../core/errors';
import { requireSetting, type Config } from '../platform/config';
import { parseGatewayKeyRing, type GatewayKey } from './jwt';

/** How calls are authenticated. */
export interface GatewaySettings {
  mode: 'jwt' | 'constant';
  /** The header to read, lower case. */
  header: string;
  /** jwt mode: the key ring, newest first (empty in constant mode). */
  keys: GatewayKey[];
  /** constant mode: the accepted header values, newest first (empty in jwt mode). */
  values: string[];
  /** jwt mode: validity of a token's `timestamp`, both directions (ms). */
  windowMs: number;
}

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reads the settings; throws {@link ConfigError} naming a missing or invalid setting. */
export function gatewaySettings(config: Config): GatewaySettings {
  const header = config.KG_GATEWAY_AUTH_HEADER.trim();
  if (!HEADER_NAME.test(header)) throw new ConfigError('invalid configuration: KG_GATEWAY_AUTH_HEADER is not an HTTP header name');
  const base = { header: header.toLowerCase(), windowMs: config.KG_GATEWAY_JWT_WINDOW_MS };
  if (config.KG_GATEWAY_AUTH_MODE === 'constant') {
    const values = requireSetting(config, 'KG_GATEWAY_AUTH_VALUES', 'the constant header value(s) the gateway sends (self-defined authentication)');
    return { ...base, mode: 'constant', keys: [], values: [...values] };
  }
  const keys = parseGatewayKeyRing(requireSetting(config, 'KG_GATEWAY_KEYS', 'the Agents gateway key pair(s) as ak:sk, newest first'));
  return { ...base, mode: 'jwt', keys, values: [] };
}
