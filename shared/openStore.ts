/**
 * The store for a merchant's own code (an app reading what the kit delivered), from the same settings
 * the functions use.
 * @module
 */
import { readConfig } from './callback/deps';
import { createStore } from './store/createStore';
import type { Store } from './store/Store';

/**
 * Opens the store the functions use (`KG_REDIS_URL` or `KG_REDIS_CLUSTER_NODES`, `KG_REDIS_PASSWORD`),
 * reading `settings` first, then the environment. Close it when done.
 * @example
 * const store = openStore();
 * const tenant = await readTenant(store, tenantId);
 * await store.close();
 */
export function openStore(settings: Record<string, string | undefined> = {}): Store {
  return createStore(readConfig(undefined, { settings }), { allowMemory: false });
}
