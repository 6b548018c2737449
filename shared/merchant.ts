/**
 * A merchant's choices, made once and handed to every function, so a custom provisioner cannot be
 * wired into `produce` and forgotten in `provision-worker`.
 * @module
 */
import type { InstanceIdDeriver } from './lifecycle/instanceId';
import type { Provisioner } from './provisioning/Provisioner';
import type { RuntimeOptions } from './callback/deps';
import type { KitForwarder } from './kit/forward';

/** What a merchant plugs in. Everything is optional: without it, configuration decides. */
export interface MerchantOptions {
  /** Creates and manages the buyer's account. Default: `KG_PROVISIONER` (`generate` or `http`). */
  provisioner?: Provisioner;
  /** Turns an order line into an instanceId. Default: SHA-256 of (orderId, orderLineId), 32 hex chars. */
  deriveInstanceId?: InstanceIdDeriver;
  /**
   * Receives every stored 联营 kit change (tenant, application, user, department) with the tenant's new
   * state and version; reject to answer `000005`, and the marketplace's retry sends the stored state again. Default: `KG_KIT_FORWARD_URL` (an HMAC-signed POST), or none.
   */
  kitForwarder?: KitForwarder;
  /** Settings over user data and the environment (local runs and tests; deployed functions read user data). */
  settings?: Record<string, string | undefined>;
}

/** A merchant definition, as every function's handler factory takes it. */
export interface Merchant extends Readonly<MerchantOptions> {
  /** Where the functions find shared collaborators (the local server and tests pass a store, a clock). */
  readonly runtime: RuntimeOptions;
}

/**
 * Defines the merchant once, in `functions/merchant.ts`; every `functions/<name>/index.ts` builds its
 * handler from it.
 *
 * @example
 * // functions/merchant.ts
 * import { defineMerchant } from '../shared';
 * import { provisioner } from './myProvisioner';
 * export const merchant = defineMerchant({ provisioner });
 *
 * // functions/produce/index.ts
 * import { produceHandler } from '../../shared';
 * import { merchant } from '../merchant';
 * export const handler = produceHandler(merchant);
 */
export function defineMerchant(options: MerchantOptions = {}, runtime: RuntimeOptions = {}): Merchant {
  const settings = options.settings ?? runtime.settings;
  return Object.freeze({ ...options, runtime: { ...runtime, ...(settings ? { settings } : {}) } });
}
