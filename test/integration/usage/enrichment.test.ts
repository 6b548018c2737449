/**
 * Order-query enrichment: newInstance never calls the open API (it only queues the instance beside its own
 * write); provision-worker then queries the order and keeps what it says on the instance (with an audit
 * entry); a failed query is retried later with a growing pause and given up in the end; usage for an
 * instance whose order is not on-demand is refused from then on.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi';
import { runProvisionWorker } from '../../../shared/basic/worker';
import { FIRST_ENRICH_BACKOFF_MS, MAX_NOT_FOUND_ATTEMPTS } from '../../../shared/basic/enrichOrders';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import { instanceTag } from '../../../shared/store/keys';
import type { Store } from '../../../shared/store/Store';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import { recordUsage, UsageRefusedError } from '../../../shared/usage/recordUsage';
import { buildDeps, createProduceHandler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { startRedis, type RedisServer } from '../../support/redis';

const KEY = 'enrich-access-key-0001';
const AK = 'AK-enrich';
const SK = 'SK-enrich-secret';
const HOUR = 3_600_000;

let redis: RedisServer;
let fake: RunningFakeOpenApi;
let store: Store;
let settings: Record<string, string>;

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function newInstance(over: Record<string, string> = {}, chargingMode?: string): Promise<{ instanceId: string; orderId: string }> {
  const line = orderIds('CSENR');
  if (chargingMode) fake.api.addOrder({ orderId: line.orderId, orderType: 'NEW', createTime: '20240601000000', orderLine: [{ orderLineId: line.orderLineId, chargingMode, periodType: chargingMode === 'PERIOD' ? 'month' : undefined, periodNumber: chargingMode === 'PERIOD' ? 1 : undefined, expireTime: chargingMode === 'PERIOD' ? '20240701000000' : undefined }] });
  const handler = createProduceHandler({ settings: { ...settings, ...over }, store });
  const answer = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: randomBytes(4).toString('hex'), ...line }));
  expect(answer.json.resultCode).toBe('000000');
  return { instanceId: answer.json.instanceId as string, orderId: line.orderId };
}

async function readRecord(id: string): Promise<InstanceRecord | null> {
  return (await store.read<InstanceRecord>([instanceTag(id)]))[0]?.record ?? null;
}

const usage = (instanceId: string) => ({ instanceId, usageValue: 2, beginTime: new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR).toISOString(), endTime: new Date(Math.floor(Date.now() / HOUR) * HOUR).toISOString() });

beforeAll(async () => {
  [redis, fake] = await Promise.all([startRedis({ appendonly: false }), startFakeOpenApi({ ak: AK, sk: SK, key: KEY })]);
  settings = {
    KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url,
    KG_OPENAPI_ENDPOINT: fake.url, KG_OPENAPI_AK: AK, KG_OPENAPI_SK: SK, KG_OPENAPI_TIMEOUT_MS: '500',
  };
  store = createStore(loadConfig((k) => settings[k]));
});
afterAll(async () => {
  await store?.close();
  await Promise.all([redis?.stop(), fake?.close()]);
});
beforeEach(async () => {
  await redis.flush();
  fake.api.reset();
});

describe('order-query enrichment', () => {
  it('newInstance only queues the query; provision-worker keeps the order on the instance, with an audit entry', async () => {
    const { instanceId, orderId } = await newInstance({}, 'ON_DEMAND');
    expect(fake.api.usage().requests.order).toBe(0);
    const ledger = usageLedgerFor(store);
    expect((await ledger.listEnrichments()).map((e) => e.instanceId)).toEqual([instanceId]);
    expect((await readRecord(instanceId))?.order).toBeUndefined();

    const report = await runProvisionWorker(buildDeps(undefined, { settings, store }));
    expect(report.enriched).toEqual({ [instanceId]: 'enriched' });
    expect(fake.api.requestLog()).toMatchObject([{ api: 'order', orderId, code: 'MKT.0000' }]);
    const record = await readRecord(instanceId);
    expect(record?.order).toMatchObject({ orderType: 'NEW', createTime: '20240601000000', chargingMode: 'ON_DEMAND' });
    expect(record?.order?.queriedAt).toBeGreaterThan(0);
    expect(record?.status).toBe('ACTIVE');
    expect((await store.listAudit(instanceTag(instanceId)))[0]).toMatchObject({ activity: 'orderQuery', resultCode: 'MKT.0000', orderId });
    expect(await ledger.listEnrichments()).toEqual([]);
    // Nothing left to do: the next run asks nothing.
    const again = await runProvisionWorker(buildDeps(undefined, { settings, store }));
    expect(again.enriched).toBeUndefined();
    expect(fake.api.usage().requests.order).toBe(1);
    await expect(recordUsage(store, usage(instanceId))).resolves.toMatchObject({ duplicate: false });
  });

  it('refuses usage for an instance once its order says PERIOD, and keeps period and expiry', async () => {
    const { instanceId } = await newInstance({}, 'PERIOD');
    await expect(recordUsage(store, usage(instanceId))).resolves.toMatchObject({ duplicate: false });
    await runProvisionWorker(buildDeps(undefined, { settings, store }));
    expect((await readRecord(instanceId))?.order).toMatchObject({ chargingMode: 'PERIOD', periodType: 'month', periodNumber: 1, expireTime: '20240701000000' });
    const err = await recordUsage(store, { ...usage(instanceId), usageValue: 3, meteringSn: 'another' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageRefusedError);
    expect((err as UsageRefusedError).reason).toContain('PERIOD');
  });

  it('retries a failed query later with a growing pause, and gives up an unknown order in the end', async () => {
    const { instanceId } = await newInstance({});
    const ledger = usageLedgerFor(store);
    let now = Date.now();
    const deps = () => buildDeps(undefined, { settings, store, clock: () => now });
    const first = await runProvisionWorker(deps());
    expect(first.enriched).toEqual({ [instanceId]: 'retry' });
    expect((await ledger.listEnrichments())[0]?.dueAtMs).toBe(now + FIRST_ENRICH_BACKOFF_MS);
    // Not due yet: no query.
    expect((await runProvisionWorker(deps())).enriched).toBeUndefined();
    for (let attempt = 2; attempt <= MAX_NOT_FOUND_ATTEMPTS; attempt++) {
      now += 2 * HOUR;
      const r = await runProvisionWorker(deps());
      expect(r.enriched).toEqual({ [instanceId]: attempt === MAX_NOT_FOUND_ATTEMPTS ? 'gave-up' : 'retry' });
    }
    expect(await ledger.listEnrichments()).toEqual([]);
    expect(fake.api.requestLog().filter((e) => e.api === 'order').map((e) => e.code)).toEqual(Array(MAX_NOT_FOUND_ATTEMPTS).fill('MKT.9001'));
    // Usage is still accepted: the order never said it is not on-demand.
    await expect(recordUsage(store, usage(instanceId))).resolves.toMatchObject({ duplicate: false });
  });

  it('never fails or slows a callback when the open API is down: the query waits in the due-set', async () => {
    const down = { KG_OPENAPI_ENDPOINT: `http://127.0.0.1:${await closedPort()}` };
    const started = Date.now();
    const { instanceId } = await newInstance(down);
    expect(Date.now() - started).toBeLessThan(1000);
    const report = await runProvisionWorker(buildDeps(undefined, { settings: { ...settings, ...down }, store }));
    expect(report.enriched).toEqual({ [instanceId]: 'retry' });
    expect((await usageLedgerFor(store).listEnrichments()).map((e) => e.instanceId)).toEqual([instanceId]);
  });

  it('queues nothing when the seller\'s AK/SK are not configured', async () => {
    const off = { ...settings, KG_OPENAPI_AK: '', KG_OPENAPI_SK: '' };
    const line = orderIds('CSOFF');
    const answer = await invoke(createProduceHandler({ settings: off, store }), v2Event(KEY, { activity: 'newInstance', businessId: 'x', ...line }));
    expect(answer.json.resultCode).toBe('000000');
    expect(await usageLedgerFor(store).listEnrichments()).toEqual([]);
    expect((await runProvisionWorker(buildDeps(undefined, { settings: off, store }))).enriched).toBeUndefined();
  });
});
