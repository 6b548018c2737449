import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { startRedis } from '../../support/redis';
import { describeStoreConformance } from './conformance';

describeStoreConformance(
  'RedisStore (standalone)',
  async () => {
    const server = await startRedis();
    const config = loadConfig((key) => (key === 'KG_REDIS_URL' ? server.url : undefined));
    const store: Store = createStore(config, { allowMemory: false });
    return {
      store: () => store,
      reset: () => server.flush(),
      faults: server,
      stop: async () => {
        await store.close();
        await server.stop();
      },
    };
  },
  { faults: true },
);
