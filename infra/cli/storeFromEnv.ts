/**
 * Opens the configured store for operator commands (`kg log`, `kg failures`, `kg kit`, `kg worker`).
 * Operator commands need Redis: the embedded MemoryStore lives inside the server process.
 * @module
 */
import { loadConfig, settingSource } from '../../shared/platform/config';
import { createStore } from '../../shared/store/createStore';
import type { Store } from '../../shared/store/Store';
import { UsageError } from './command';

/** The Redis store named by KG_REDIS_URL / KG_REDIS_CLUSTER_NODES (or --redis). */
export function storeFromEnv(env: NodeJS.ProcessEnv, redisUrl?: string): Store {
  const config = loadConfig(settingSource(redisUrl ? { ...env, KG_REDIS_URL: redisUrl } : env));
  if (!config.KG_REDIS_URL && !config.KG_REDIS_CLUSTER_NODES) {
    throw new UsageError('set KG_REDIS_URL or KG_REDIS_CLUSTER_NODES (or pass --redis URL): logs and kit data live in Redis');
  }
  return createStore(config, { allowMemory: false });
}

/** Opens that store, runs `work` with it and closes it, whatever `work` did. */
export async function withStoreFromEnv<T>(env: NodeJS.ProcessEnv, redisUrl: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = storeFromEnv(env, redisUrl);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
