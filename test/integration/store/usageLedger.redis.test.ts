import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import { RedisStore } from '../../../shared/store/RedisStore';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import { USAGE_RECORDS_KEY } from '../../../shared/store/usageKeys';
import { startRedis, withAdmin } from '../../support/redis';
import { describeUsageLedgerConformance } from './usageLedgerConformance';

describeUsageLedgerConformance('RedisUsageLedger (standalone)', async () => {
  const server = await startRedis({ appendonly: false });
  const store = createStore(loadConfig((key) => (key === 'KG_REDIS_URL' ? server.url : undefined)));
  if (!(store instanceof RedisStore)) throw new Error('expected a RedisStore');
  const ledger = usageLedgerFor(store);
  return {
    ledger: () => ledger,
    reset: () => server.flush(),
    corrupt: async (sn) => {
      await withAdmin(server.port, (r) => r.hset(USAGE_RECORDS_KEY, sn, '{not json'));
    },
    stop: async () => {
      await store.close();
      await server.stop();
    },
  };
}, { corrupt: true });
