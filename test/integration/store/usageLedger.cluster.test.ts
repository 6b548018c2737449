import { Cluster } from 'ioredis';
import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import { USAGE_RECORDS_KEY } from '../../../shared/store/usageKeys';
import { startRedisCluster } from '../../support/redis';
import { describeUsageLedgerConformance } from './usageLedgerConformance';

describeUsageLedgerConformance('RedisUsageLedger (3-master Redis Cluster)', async () => {
  const cluster = await startRedisCluster(3);
  const store = createStore(loadConfig((key) => (key === 'KG_REDIS_CLUSTER_NODES' ? cluster.seeds : undefined)));
  const ledger = usageLedgerFor(store);
  return {
    ledger: () => ledger,
    reset: () => cluster.flush(),
    corrupt: async (sn) => {
      const admin = new Cluster(cluster.nodes.map((n) => ({ host: n.host, port: n.port })));
      try {
        await admin.hset(USAGE_RECORDS_KEY, sn, '{not json');
      } finally {
        admin.disconnect();
      }
    },
    stop: async () => {
      await store.close();
      await cluster.stop();
    },
  };
}, { corrupt: true });
