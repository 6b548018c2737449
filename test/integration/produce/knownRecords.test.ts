/**
 * newInstance sends its claim (a whole record) only when the record may be missing: a process that has
 * seen the instance's record goes without it, and when that record has gone since (removed, Redis emptied)
 * the call still succeeds, claiming on its next attempt. Through the real `produce` handler on MemoryStore,
 * a standalone Redis and a 3-master Redis Cluster; the store is watched, not replaced.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import { instanceTag } from '../../../shared/store/keys';
import type { BeginOptions, Store } from '../../../shared/store/Store';
import { countingProvisioner } from '../../support/countingProvisioner';
import { createProduceHandler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { storeTargets } from './targets';

const KEY = 'test-access-key-0001';

/** The real store, with the options of every `begin` kept in order. */
function watched(store: Store): { store: Store; begins: Array<BeginOptions<InstanceRecord>> } {
  const begins: Array<BeginOptions<InstanceRecord>> = [];
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name === 'begin') {
        return (tag: string, options: BeginOptions<InstanceRecord>) => {
          begins.push({ ...options });
          return target.begin(tag, options);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, begins };
}

describe.each(storeTargets())('newInstance claims only when the record may be missing, on $name', (target) => {
  let raw: Store;
  const settings = (): Record<string, string> => ({ KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), ...target.settings() });

  beforeAll(async () => {
    await target.start();
    raw = createStore(loadConfig((k) => settings()[k]), { allowMemory: true });
  });
  afterAll(async () => {
    await raw?.close();
    await target.stop();
  });

  const handlerOn = (store: Store) => createProduceHandler({ settings: settings(), store, provisioner: countingProvisioner() });

  it('claims on the first delivery, and a retry in the same process goes without the claim in one round trip', async () => {
    const { store, begins } = watched(raw);
    const handler = handlerOn(store);
    const { orderId, orderLineId } = orderIds();
    const first = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b-1', orderId, orderLineId }));
    expect(first.json.resultCode).toBe('000000');
    expect(begins).toHaveLength(1);
    expect(begins[0]!.claim).toBeDefined();

    const before = raw.info().roundTrips;
    const retry = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b-2', orderId, orderLineId }));
    expect(retry.raw).toBe(first.raw);
    expect(raw.info().roundTrips - before).toBe(1);
    expect(begins).toHaveLength(2);
    expect(begins[1]!.claim).toBeUndefined();
    expect(begins[1]!.nonce).toBeDefined();
  });

  // A MemoryStore lives in its process: only Redis has another instance to read it from.
  it.skipIf(target.name === 'MemoryStore')('claims again in a process that has not seen the record (another function instance)', async () => {
    const { orderId, orderLineId } = orderIds();
    const created = await invoke(handlerOn(raw), v2Event(KEY, { activity: 'newInstance', businessId: 'b-1', orderId, orderLineId }));
    const other = createStore(loadConfig((k) => settings()[k]), { allowMemory: true });
    try {
      const { store, begins } = watched(other);
      const retry = await invoke(handlerOn(store), v2Event(KEY, { activity: 'newInstance', businessId: 'b-2', orderId, orderLineId }));
      expect(retry.raw).toBe(created.raw);
      expect(begins).toHaveLength(1);
      expect(begins[0]!.claim).toBeDefined();
    } finally {
      await other.close();
    }
  });

  it('provisions again when the record it saw has gone: the claim follows on the next attempt, the nonce reserved once', async () => {
    const { store, begins } = watched(raw);
    const handler = handlerOn(store);
    const { orderId, orderLineId } = orderIds();
    const first = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b-1', orderId, orderLineId }));
    const instanceId = first.json.instanceId as string;
    const tag = instanceTag(instanceId);
    // The record goes behind this process's back (as after a release, or an emptied Redis).
    const [read] = await raw.read<InstanceRecord>([tag]);
    expect((await raw.commit<InstanceRecord>(tag, { expectedVersion: read!.version, record: null, forget: Object.keys(read!.record!.answered ?? {}), audit: { at: Date.now(), activity: 'test', resultCode: 'removed' } })).ok).toBe(true);
    begins.length = 0;

    const again = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b-2', orderId, orderLineId }));
    expect(again.json).toMatchObject({ resultCode: '000000', instanceId });
    expect(begins.map((b) => [b.claim !== undefined, b.nonce !== undefined])).toEqual([[false, true], [true, false]]);
    const [after] = await raw.read<InstanceRecord>([tag]);
    expect(after!.record).toMatchObject({ instanceId, status: 'ACTIVE' });
  });
});
