/**
 * What the five kit functions need besides the shared collaborators: the kit key ring, the RSA private
 * keys that open applicationSync's clientSecret, and the optional forwarder to the merchant's back end.
 * @module
 */
import type { CallbackDeps } from '../callback/spec';
import { requireSetting, type Config } from '../platform/config';
import { splitPemKeys } from '../security/rsaOaep';
import { createKitForwarder, type KitForwarder } from './forward';

/** The collaborators of a kit function. */
export interface KitDeps extends CallbackDeps {
  /** KG_KIT_ACCESS_KEY, newest first; never the basic key. */
  kitKeys: readonly string[];
  /** KG_RSA_PRIVATE_KEY as PEM blocks, newest first; empty when not configured. */
  rsaKeys: readonly string[];
  forwarder?: KitForwarder;
}

/** What a merchant may plug into the kit functions. */
export interface KitOptions {
  /** Receives every applied change; default: `KG_KIT_FORWARD_URL` (HMAC-signed POST), or none. */
  kitForwarder?: KitForwarder;
}

/** The kit's own settings (also what `kg doctor` checks). @throws ConfigError naming a missing or invalid setting */
export function kitSettings(config: Config, clock: () => number = Date.now, options: KitOptions = {}): Pick<KitDeps, 'kitKeys' | 'rsaKeys' | 'forwarder'> {
  const kitKeys = requireSetting(config, 'KG_KIT_ACCESS_KEY', 'the 联营 kit key bound in the seller console (several: newest first); never the basic key');
  const pem = config.KG_RSA_PRIVATE_KEY ?? config.KG_RSA_PRIVATE_KEYS;
  const forwarder = options.kitForwarder ?? createKitForwarder(config, clock);
  return { kitKeys, rsaKeys: pem ? splitPemKeys(pem) : [], ...(forwarder ? { forwarder } : {}) };
}

/** The kit's slice of configuration on the shared collaborators. @throws ConfigError naming a missing or invalid setting */
export function kitDeps(base: CallbackDeps, options: KitOptions = {}): KitDeps {
  return { ...base, ...kitSettings(base.config, base.clock, options) };
}
