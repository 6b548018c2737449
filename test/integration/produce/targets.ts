/**
 * The stores the pipeline's integration suites run against: the embedded MemoryStore, a real standalone
 * redis-server and a real 3-master Redis Cluster, each started by the test itself.
 */
import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import type { Provisioner } from '../../../shared/provisioning/Provisioner';
import type { Store } from '../../../shared/store/Store';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { startRedis, startRedisCluster } from '../../support/redis';

export interface StoreTarget {
  name: string;
  /** Settings selecting the store; empty for memory. */
  settings(): Record<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function storeTargets(): StoreTarget[] {
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let cluster: Awaited<ReturnType<typeof startRedisCluster>> | undefined;
  return [
    { name: 'MemoryStore', settings: () => ({}), start: async () => {}, stop: async () => {} },
    {
      name: 'RedisStore (standalone)',
      settings: () => ({ KG_REDIS_URL: redis!.url }),
      start: async () => { redis = await startRedis(); },
      stop: async () => { await redis?.stop(); },
    },
    {
      name: 'RedisStore (3-master cluster)',
      settings: () => ({ KG_REDIS_CLUSTER_NODES: cluster!.seeds }),
      start: async () => { cluster = await startRedisCluster(3); },
      stop: async () => { await cluster?.stop(); },
    },
  ];
}

/**
 * Starts `target` and makes `produce` on it, as a suite's beforeAll does: `settings` (the keys the suite needs)
 * with the target's own beside them, the store made from them as `produce` would make it (the embedded store
 * allowed), and the handler with `provisioner`.
 */
export async function produceOn(target: StoreTarget, settings: Record<string, string>, provisioner: Provisioner): Promise<{ store: Store; handler: Handler }> {
  await target.start();
  const all = { ...settings, ...target.settings() };
  const store = createStore(loadConfig((k) => all[k]), { allowMemory: true });
  return { store, handler: createProduceHandler({ settings: all, store, provisioner }) };
}

/** Closes a suite's store (when it was made) and stops its target, as a suite's afterAll does. */
export async function closeOn(target: StoreTarget, store: Store | undefined): Promise<void> {
  await store?.close();
  await target.stop();
}
