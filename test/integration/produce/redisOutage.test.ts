/**
 * Redis dies in the middle of a burst of purchases: answers are 000000 or 000005, never a success that
 * was not stored; after Redis restarts (AOF, appendfsync always) the marketplace's retries converge and
 * nothing acknowledged is lost.
 */
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/platform/config';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { startRedis } from '../../support/redis';
import { countingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';

describe('produce when Redis is killed mid-run', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let store: Store;
  let handler: Handler;

  beforeAll(async () => {
    redis = await startRedis();
    const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url };
    store = createStore(loadConfig((k) => settings[k as keyof typeof settings]), { allowMemory: false });
    handler = createProduceHandler({ settings, store, provisioner: countingProvisioner() });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('never acknowledges what it did not store, and converges after the restart', async () => {
    const lines = Array.from({ length: 40 }, () => orderIds());
    const buy = (line: { orderId: string; orderLineId: string }, n: number) =>
      invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: `b-${n}-${line.orderId}`, ...line }));

    const first: Array<Awaited<ReturnType<typeof buy>>> = [];
    for (const [i, line] of lines.entries()) {
      if (i === 20) await redis.kill();
      first.push(await buy(line, 1));
    }
    const codes = new Set(first.map((a) => a.json.resultCode));
    expect([...codes].every((c) => c === '000000' || c === '000005')).toBe(true);
    expect(first.slice(20).every((a) => a.json.resultCode === '000005')).toBe(true);

    await redis.restart();
    // The client reconnects by itself; the marketplace retries each order line with a new businessId.
    let retries: Array<Awaited<ReturnType<typeof buy>>> = [];
    for (let round = 0; round < 20; round++) {
      retries = await Promise.all(lines.map((line) => buy(line, 2 + round)));
      if (retries.every((a) => a.json.resultCode === '000000')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(retries.map((a) => a.json.resultCode)).toEqual(lines.map(() => '000000'));
    for (const [i, a] of first.entries()) {
      if (a.json.resultCode === '000000') expect(retries[i]!.raw).toBe(a.raw);
    }
    const records = await store.read<InstanceRecord>(retries.map((a) => a.json.instanceId as string));
    expect(records.every((r) => r.record?.status === 'ACTIVE')).toBe(true);
  });

  it('answers 000005 when Redis hangs, after one store attempt (the failure goes to the log, not to the hung store)', async () => {
    redis.pause();
    try {
      const before = store.info().roundTrips;
      const answer = await invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId: 'a'.repeat(32) }));
      expect(answer.json).toEqual({ resultCode: '000005', resultMsg: 'other inner error' });
      expect(store.info().roundTrips - before).toBe(1);
    } finally {
      redis.resume();
    }
  });
});
