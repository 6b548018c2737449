import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { startRedisCluster } from '../../support/redis';
import { describeStoreConformance } from './conformance';

describeStoreConformance(
  'RedisStore (3-master Redis Cluster)',
  async () => {
    const cluster = await startRedisCluster(3);
    const config = loadConfig((key) => (key === 'KG_REDIS_CLUSTER_NODES' ? cluster.seeds : undefined));
    const store: Store = createStore(config, { allowMemory: false });
    return {
      store: () => store,
      reset: () => cluster.flush(),
      faults: cluster,
      stop: async () => {
        await store.close();
        await cluster.stop();
      },
    };
  },
  { faults: true },
);
