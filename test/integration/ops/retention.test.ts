/**
 * Data retention on a real redis-server: with short configured periods, a released instance leaves
 * nothing behind (record, audit log, nonces, failure-stream entries, provisioning job), while a live
 * instance keeps its record and only its audit log is bounded. Periods are fractions of a day here
 * (KG_RETAIN_* accept them) so the test waits seconds, not days.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonceMemorySeconds } from '../../../shared/callback/nonce';
import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { eventually, startRedis, withAdmin, type RedisServer } from '../../support/redis';

const KEY = 'test-access-key-0001';
const DAY_S = 24 * 3600;
/** Seconds as the days the settings take. */
const days = (seconds: number): string => String(seconds / DAY_S);

async function keysNaming(port: number, id: string): Promise<string[]> {
  return withAdmin(port, async (r) => (await r.keys('*')).filter((k) => k.includes(id)));
}

async function failureMembersNaming(port: number, id: string): Promise<string[]> {
  return withAdmin(port, async (r) => (await r.zrange('kg:failures', '0', '-1')).filter((m) => m.includes(id)));
}

describe('retention on Redis', () => {
  let redis: RedisServer;
  let store: Store;
  let handler: Handler;
  const call = (body: Record<string, unknown>) => invoke(handler, v2Event(KEY, body));

  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    const settings: Record<string, string> = {
      KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url,
      KG_RETAIN_RELEASED_DAYS: days(2), KG_RETAIN_FAILURES_DAYS: days(2), KG_RETAIN_AUDIT_DAYS: days(4),
    };
    store = createStore(loadConfig((k) => settings[k]));
    handler = createProduceHandler({ settings, store });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('leaves nothing of a released instance once the periods have passed', async () => {
    const { orderId, orderLineId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'b-1', orderId, orderLineId });
    expect(created.json.resultCode).toBe('000000');
    const instanceId = created.json.instanceId as string;
    await call({ activity: 'queryInstance', instanceId });
    await call({ activity: 'refreshInstance', instanceId, orderId: `${orderId}R`, orderLineId: `${orderId}R-1`, scene: 'RENEWAL', expireTime: '20991231235959' });
    await call({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' });
    // A refused call naming the instance puts it in the failure stream (refused before parsing: named from its body).
    const refused = await call({ activity: 'refreshInstance', instanceId, orderId: `${orderId}U`, orderLineId: `${orderId}U-1`, scene: 'RENEWAL', expireTime: 'not-a-time' });
    expect(refused.json.resultCode).toBe('000002');
    const [failure] = await store.listFailures({ limit: 1 });
    expect(failure).toMatchObject({ activity: 'refreshInstance', orderId: `${orderId}U`, orderLineId: `${orderId}U-1`, tag: instanceId, resultCode: '000002' });
    expect(await failureMembersNaming(redis.port, instanceId)).not.toEqual([]);
    const released = await call({ activity: 'releaseInstance', instanceId, orderId: `${orderId}X`, orderLineId: `${orderId}X-1` });
    expect(released.json.resultCode).toBe('000000');
    // A repeated release still succeeds on the tombstone while it is kept.
    expect((await call({ activity: 'releaseInstance', instanceId })).json.resultCode).toBe('000000');
    const held = await keysNaming(redis.port, instanceId);
    expect(held.some((k) => k.endsWith(':rec'))).toBe(true);
    expect(held.some((k) => k.endsWith(':log'))).toBe(true);
    // Every key of the instance expires: record and log with the released-instance period, nonces with the
    // nonce memory (2 x the freshness window + 60 s, at least 300 s), which no setting here shortens.
    const ttls = await withAdmin(redis.port, (r) => Promise.all(held.map(async (k) => [k, await r.pttl(k)] as const)));
    for (const [key, ttl] of ttls) {
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(key.includes(':nonce:') ? nonceMemorySeconds(60_000) * 1000 : 2000);
    }
    expect(ttls.filter(([k]) => k.includes(':nonce:')).length).toBe(6);

    await eventually(async () => (await keysNaming(redis.port, instanceId)).every((k) => k.includes(':nonce:')), 10_000, 'the released instance record and log to expire');
    // Old failures go when the next one arrives (the stream is trimmed by age and by count on every append).
    await store.recordFailure({ at: Date.now(), resultCode: '000005', activity: 'queryInstance', reason: 'trigger the trim' });
    expect(await failureMembersNaming(redis.port, instanceId)).toEqual([]);
    expect(await store.listJobs()).not.toContainEqual(expect.objectContaining({ instanceId }));
    expect(await store.listAudit(instanceId)).toEqual([]);
  }, 30_000);

  it('keeps a live instance: its record has no TTL, its audit log expires after its period of silence', async () => {
    const { orderId, orderLineId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'b-1', orderId, orderLineId });
    const instanceId = created.json.instanceId as string;
    await call({ activity: 'queryInstance', instanceId });
    const [rec, log] = await withAdmin(redis.port, (r) => Promise.all([r.pttl(`kg:{${instanceId}}:rec`), r.pttl(`kg:{${instanceId}}:log`)]));
    expect(rec).toBe(-1);
    expect(log).toBeGreaterThan(2000);
    expect(log).toBeLessThanOrEqual(4000);
  });
});
