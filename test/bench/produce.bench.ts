// In-process throughput of the produce handler per activity, on the MemoryStore (no network, no Redis):
// the ceiling the HTTP figures of `npm run bench` can be read against. Run: npx vitest bench --run test/bench
import { randomBytes, randomUUID } from 'node:crypto';
import { bench, describe } from 'vitest';
import { localContext } from '../../shared/platform/context';
import { createProduceHandler } from '../support/handlers';
import { v2Event } from '../support/produceClient';

const KEY = `bench-${randomBytes(12).toString('hex')}`;
const handler = createProduceHandler({
  settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_FRONTEND_URL_TEMPLATE: 'https://app.bench.invalid/{instanceId}' },
  allowMemoryStore: true,
});
const context = localContext();
let seq = 0;
let instanceId = '';

async function newInstance(): Promise<string> {
  const orderId = `CSB${(seq++).toString(36).toUpperCase()}`;
  const res = await handler(v2Event(KEY, { activity: 'newInstance', businessId: randomUUID(), orderId, orderLineId: `${orderId}-1` }), context);
  return (JSON.parse(res.body) as { instanceId: string }).instanceId;
}

describe('produce handler (MemoryStore)', () => {
  bench('newInstance', async () => {
    await newInstance();
  });
  bench('queryInstance', async () => {
    await handler(v2Event(KEY, { activity: 'queryInstance', instanceId }), context);
  }, { setup: async () => { instanceId = await newInstance(); } });
  bench('updateInstanceStatus FREEZE (idempotent repeat)', async () => {
    await handler(v2Event(KEY, { activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }), context);
  }, { setup: async () => { instanceId = await newInstance(); } });
  bench('rejected signature', async () => {
    await handler(v2Event('wrong-key-0123456789', { activity: 'queryInstance', instanceId: 'x' }), context);
  });
});
