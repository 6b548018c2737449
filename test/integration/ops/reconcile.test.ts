/**
 * Reconciliation end to end: instances made by the real produce handler on a spawned redis-server, orders
 * answered by the fake open API over HTTP (with its own AK/SK verification). Each finding kind, a healthy
 * instance with none, a failed query counted without ending the run, and nothing written by the run.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi';
import type { Provisioner } from '../../../shared/provisioning/Provisioner';
import { createOpenApiClient } from '../../../shared/marketplace/openApiClient';
import { queryOrder } from '../../../shared/marketplace/orderQuery';
import { reconcile, type ReconcileDeps, type ReconcileReport } from '../../../shared/ops/reconcile';
import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { compact } from '../../support/compactTime';
import { countingProvisioner } from '../../support/countingProvisioner';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { startRedis, type RedisServer } from '../../support/redis';

const KEY = 'test-access-key-0001';
const AK = 'AK-reconcile-test';
const SK = 'SK-reconcile-test-very-secret';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GRACE = 24 * HOUR;
const STUCK = 30 * 60_000;

describe('reconcile against the fake open API and real Redis', () => {
  let redis: RedisServer;
  let fake: RunningFakeOpenApi;
  let store: Store;
  let handler: Handler;
  /** Instance id per scenario. */
  const ids: Record<string, string> = {};
  /** Order id per scenario. */
  const orders: Record<string, string> = {};

  const call = (body: Record<string, unknown>, h: Handler = handler) => invoke(h, v2Event(KEY, body));

  /** Registers an order with the fake (unless `register` is false) and buys it through produce. */
  async function buy(name: string, order: { orderType?: string; chargingMode?: string; expireTime?: string } | false, h: Handler = handler): Promise<string> {
    const line = orderIds('RC');
    if (order) {
      fake.api.addOrder({
        orderId: line.orderId, orderType: order.orderType ?? 'NEW', createTime: compact(Date.now() - 40 * DAY),
        orderLine: [{ orderLineId: line.orderLineId, chargingMode: order.chargingMode ?? 'PERIOD', ...(order.expireTime ? { expireTime: order.expireTime } : {}) }],
      });
    }
    const created = await call({ activity: 'newInstance', businessId: `b-${name}`, ...line }, h);
    expect(['000000', '000004']).toContain(created.json.resultCode);
    ids[name] = created.json.instanceId as string;
    orders[name] = line.orderId;
    return ids[name];
  }

  async function freeze(name: string): Promise<void> {
    expect((await call({ activity: 'updateInstanceStatus', instanceId: ids[name], status: 'FREEZE' })).json.resultCode).toBe('000000');
  }

  function deps(over: Partial<ReconcileDeps> = {}): ReconcileDeps {
    const good = createOpenApiClient({ endpoint: fake.url, ak: AK, sk: SK, timeoutMs: 2000, retryDelaysMs: [20] });
    // The one order whose query fails: signed with a wrong SK, which the fake's own verifier refuses.
    const wrongSk = createOpenApiClient({ endpoint: fake.url, ak: AK, sk: 'not-the-secret-key', timeoutMs: 2000, retryDelaysMs: [20] });
    return {
      store,
      queryOrder: (orderId, orderLineId, signal) => queryOrder(orderId === orders.queryError ? wrongSk : good, orderId, orderLineId, signal),
      clock: Date.now,
      graceMs: GRACE,
      stuckMs: STUCK,
      minIntervalMs: 5,
      ...over,
    };
  }

  /** Version and audit-log length of every stored tag. */
  async function snapshot(): Promise<Map<string, string>> {
    const tags: string[] = [];
    for await (const batch of store.scanTags('record')) tags.push(...batch);
    const unique = [...new Set(tags)].sort();
    const rows = await store.read(unique);
    const out = new Map<string, string>();
    for (const [i, tag] of unique.entries()) out.set(tag, `${rows[i]!.version}/${(await store.listAudit(tag, 1000)).length}`);
    return out;
  }

  function kinds(report: ReconcileReport): Record<string, string> {
    return Object.fromEntries(report.findings.map((f) => [f.instanceId, f.kind]));
  }

  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    fake = await startFakeOpenApi({ ak: AK, sk: SK, key: KEY });
    const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url };
    store = createStore(loadConfig((k) => (settings as Record<string, string>)[k]), { allowMemory: false });
    handler = createProduceHandler({ settings, store, provisioner: countingProvisioner() });
    const now = Date.now();

    await buy('healthy', { expireTime: compact(now + 300 * DAY) });
    await buy('frozenInFreeze', { expireTime: compact(now - 2 * DAY) });
    await freeze('frozenInFreeze');
    await buy('onDemand', { chargingMode: 'ON_DEMAND' });
    await buy('expiredInGrace', { expireTime: compact(now - 2 * HOUR) });
    await buy('unsubscribed', { orderType: 'UNSUBSCRIBE', expireTime: compact(now + 20 * DAY) });
    await buy('releasedLive', { expireTime: compact(now - 20 * DAY) });
    await freeze('releasedLive');
    await buy('expiredLine', { expireTime: compact(now - 3 * DAY) });
    await buy('expiredRecord', { expireTime: compact(now + 300 * DAY) });
    const renewal = orderIds('RCR');
    expect((await call({ activity: 'refreshInstance', instanceId: ids.expiredRecord, scene: 'RENEWAL', expireTime: compact(now - 2 * DAY), ...renewal })).json.resultCode).toBe('000000');
    await buy('unknown', false);
    await buy('queryError', { expireTime: compact(now + 300 * DAY) });
    await buy('released', { expireTime: compact(now - 30 * DAY) });
    expect((await call({ activity: 'releaseInstance', instanceId: ids.released })).json.resultCode).toBe('000000');

    // Provisioning that never ends: answered 000004 and left PROVISIONING (no worker runs here).
    const hung: Provisioner = { ...countingProvisioner(), name: 'hung', provision: () => new Promise(() => {}) };
    const hungHandler = createProduceHandler({ settings: { ...settings, KG_PROVISION_BUDGET_MS: '100', KG_PROVISION_LEASE_MS: '600' }, store, provisioner: hung });
    await buy('stuck', { expireTime: compact(now + 300 * DAY) }, hungHandler);
    const [stuck] = await store.read<{ status: string }>([ids.stuck!]);
    expect(stuck?.record?.status).toBe('PROVISIONING');
  });

  afterAll(async () => {
    await store?.close();
    await fake?.close();
    await redis?.stop();
  });

  it('reports each kind of disagreement, none for healthy instances, and counts the failed query', async () => {
    const before = await snapshot();
    const seq = fake.api.requestLog().at(-1)?.seq ?? 0;
    const report = await reconcile(deps());

    expect(kinds(report)).toEqual({
      [ids.unsubscribed!]: 'order-unsubscribed-instance-live',
      [ids.releasedLive!]: 'order-unsubscribed-instance-live',
      [ids.expiredLine!]: 'expired-not-frozen',
      [ids.expiredRecord!]: 'expired-not-frozen',
      [ids.unknown!]: 'order-unknown',
    });
    const orderOf = new Map(Object.entries(ids).map(([name, id]) => [id, orders[name]]));
    for (const f of report.findings) expect(f.orderId).toBe(orderOf.get(f.instanceId));
    // Every instance but the released one; the stuck one is checked without a query.
    expect(report.checked).toBe(Object.keys(ids).length - 1);
    expect(report.queried).toBe(Object.keys(ids).length - 2);
    expect(report.errors).toBe(1);
    expect(report.errorSamples).toHaveLength(1);
    expect(report.errorSamples![0]).toContain(ids.queryError!);
    expect(report.errorSamples![0]).toContain('APIGW.0301');
    expect(report.errorSamples![0]).not.toContain(SK);
    expect(report).not.toHaveProperty('stopped');

    // Neither the tombstone's nor the provisioning instance's order was asked for; every other one was, once.
    const asked = fake.api.requestLog(seq).filter((e) => e.api === 'order').map((e) => e.orderId);
    expect(asked).not.toContain(orders.released);
    expect(asked).not.toContain(orders.stuck);
    expect(asked.filter((o) => o === orders.healthy)).toHaveLength(1);
    expect(asked).toHaveLength(report.queried!);

    expect(await snapshot()).toEqual(before);
  });

  it('reports provisioning that outlived KG_STUCK_PROVISIONING_MINUTES, and changes nothing', async () => {
    const before = await snapshot();
    const report = await reconcile(deps({ clock: () => Date.now() + STUCK + 60_000 }));
    const stuck = report.findings.find((f) => f.instanceId === ids.stuck);
    expect(stuck).toMatchObject({ kind: 'stuck-provisioning', orderId: orders.stuck });
    expect(stuck?.detail).toMatch(/PROVISIONING since .* UTC \(3\d min\), 1 attempt/);
    expect(kinds(report)[ids.healthy!]).toBeUndefined();
    expect(report.errors).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it('stops at the limit and leaves the rest for the next run', async () => {
    const report = await reconcile(deps({ limit: 3 }));
    expect(report).toMatchObject({ checked: 3, stopped: 'limit' });
  });
});
