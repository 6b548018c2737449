/**
 * Answers kept beside the instance record, through the real `produce` handler on MemoryStore, a standalone
 * Redis and a 3-master Redis Cluster: a retry gets the stored bytes in one round trip, the record read by
 * other calls holds no answers, and records written before (answers inside the record) still replay byte
 * for byte and have their answers moved out at their next write.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newInstanceKey, refreshKey } from '../../../shared/lifecycle/keys';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { instanceTag } from '../../../shared/store/keys';
import type { Store } from '../../../shared/store/Store';
import { countingProvisioner } from '../../support/countingProvisioner';
import type { Handler } from '../../support/handlers';
import { invoke, orderIds, v1Event, v2Event } from '../../support/produceClient';
import { closeOn, produceOn, storeTargets } from './targets';

const KEY = 'test-access-key-0001';
const V1_KEY = '9fa6c870-8bb0-4e9b-b71e-4c223300156f';

describe.each(storeTargets())('stored answers on $name', (target) => {
  let store: Store;
  let handler: Handler;
  const call = (body: Record<string, unknown>) => invoke(handler, v2Event(KEY, body));
  const callV1 = (params: Record<string, string>) => invoke(handler, v1Event(V1_KEY, params));

  beforeAll(async () => {
    ({ store, handler } = await produceOn(target, { KG_ACCESS_KEY: `${KEY},${V1_KEY}`, KG_DATA_KEY: randomBytes(32).toString('base64') }, countingProvisioner()));
  });
  afterAll(() => closeOn(target, store));

  const recordOf = async (instanceId: string): Promise<InstanceRecord> => {
    const [read] = await store.read<InstanceRecord>([instanceTag(instanceId)]);
    return read!.record!;
  };

  /** Rewrites the record as the code before this change left it: every answer inside, none beside it. */
  async function writtenBefore(instanceId: string): Promise<void> {
    const tag = instanceTag(instanceId);
    const [read] = await store.read<InstanceRecord>([tag]);
    const record = read!.record!;
    const keys = Object.keys(record.answered ?? {});
    const responses: Record<string, string> = {};
    for (const key of keys.filter((k) => !k.startsWith('status:'))) {
      const probed = await store.begin<InstanceRecord>(tag, { replay: { key, audit: { at: Date.now(), activity: 'test' } } });
      responses[key] = probed.answer!.body;
    }
    const { answered: _dropped, ...rest } = record;
    const old: InstanceRecord = { ...rest, responses };
    expect((await store.commit(tag, { expectedVersion: read!.version, record: old, audit: { at: Date.now(), activity: 'test', resultCode: 'rewritten' }, forget: keys })).ok).toBe(true);
  }

  const trips = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const before = store.info().roundTrips;
    const result = await work();
    return [result, store.info().roundTrips - before];
  };

  /** A renewal (refreshInstance) of an instance bought under `orderId`, its own order `<orderId>R`. */
  const renewalOf = (instanceId: string, orderId: string) =>
    ({ activity: 'refreshInstance', instanceId, orderId: `${orderId}R`, orderLineId: `${orderId}R-1`, scene: 'RENEWAL', expireTime: '20991231235959' });

  /** Buys an instance and renews it once: the order, both answers, and the renewal to send again. */
  async function boughtAndRenewed() {
    const { orderId, orderLineId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'b-1', orderId, orderLineId });
    const instanceId = created.json.instanceId as string;
    const renew = renewalOf(instanceId, orderId);
    const renewed = await call(renew);
    return { orderId, orderLineId, instanceId, created, renew, renewed };
  }

  it('keeps no answer inside the record, and replays each retry in one round trip with its audit line', async () => {
    const { orderId, orderLineId, instanceId, created, renew, renewed } = await boughtAndRenewed();
    const record = await recordOf(instanceId);
    expect(record.responses).toEqual({});
    expect(Object.keys(record.answered ?? {}).sort()).toEqual([newInstanceKey(orderId, orderLineId), refreshKey(`${orderId}R`, `${orderId}R-1`, 'RENEWAL'), 'status:ACTIVE'].sort());

    const [retry, retryTrips] = await trips(() => call({ activity: 'newInstance', businessId: 'b-2', orderId, orderLineId }));
    expect(retry.raw).toBe(created.raw);
    expect(retryTrips).toBe(1);
    const [again, againTrips] = await trips(() => call(renew));
    expect(again.raw).toBe(renewed.raw);
    expect(againTrips).toBe(1);

    const [latest] = await store.listAudit(instanceTag(instanceId), 1);
    expect(latest).toMatchObject({ activity: 'refreshInstance', resultCode: '000000', orderId: `${orderId}R`, orderLineId: `${orderId}R-1` });
    expect(typeof latest?.ms).toBe('number');
    expect(typeof latest?.nonce).toBe('string');
    expect(typeof latest?.requestId).toBe('string');
  });

  it('replays the answers of a V2 record written before they moved beside it, then moves them out at its next write', async () => {
    const { orderId, orderLineId, instanceId, created, renew, renewed } = await boughtAndRenewed();
    await writtenBefore(instanceId);
    expect(Object.keys((await recordOf(instanceId)).responses)).toHaveLength(2);

    expect((await call({ activity: 'newInstance', businessId: 'b-2', orderId, orderLineId })).raw).toBe(created.raw);
    expect((await call(renew)).raw).toBe(renewed.raw);

    expect((await call({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' })).json.resultCode).toBe('000000');
    const moved = await recordOf(instanceId);
    expect(moved.responses).toEqual({});
    expect(Object.keys(moved.answered ?? {}).sort()).toEqual([newInstanceKey(orderId, orderLineId), refreshKey(`${orderId}R`, `${orderId}R-1`, 'RENEWAL'), 'status:FROZEN'].sort());
    const [retry, retryTrips] = await trips(() => call({ activity: 'newInstance', businessId: 'b-3', orderId, orderLineId }));
    expect(retry.raw).toBe(created.raw);
    expect(retryTrips).toBe(1);
    expect((await call(renew)).raw).toBe(renewed.raw);
  });

  it('replays a sealed V1 answer of a record written before, byte for byte, before and after it moves out', async () => {
    const { orderId } = orderIds();
    const created = await callV1({ activity: 'newInstance', businessId: 'b1', orderId, customerId: 'c1' });
    expect(created.json.resultCode).toBe('000000');
    const instanceId = created.json.instanceId as string;
    await writtenBefore(instanceId);
    expect((await recordOf(instanceId)).responses[newInstanceKey(orderId, '')]).toMatch(/^[^{]/);
    expect((await callV1({ activity: 'newInstance', businessId: 'b2', orderId, customerId: 'c1' })).raw).toBe(created.raw);
    expect((await callV1({ activity: 'expireInstance', instanceId })).json.resultCode).toBe('000000');
    expect((await recordOf(instanceId)).responses).toEqual({});
    const [retry, retryTrips] = await trips(() => callV1({ activity: 'newInstance', businessId: 'b3', orderId, customerId: 'c1' }));
    expect(retry.raw).toBe(created.raw);
    expect(retryTrips).toBe(1);
    // The tombstone keeps no credentials: the V1 answer goes with the release, beside the record too.
    expect((await callV1({ activity: 'releaseInstance', instanceId })).json.resultCode).toBe('000000');
    expect(Object.keys((await recordOf(instanceId)).answered ?? {})).toEqual(['status:RELEASED']);
    const afterRelease = await callV1({ activity: 'newInstance', businessId: 'b4', orderId, customerId: 'c1' });
    expect(afterRelease.json).toMatchObject({ resultCode: '000000', instanceId });
    expect(afterRelease.json.appInfo).toBeUndefined();
  });

  it('answers two concurrent retries of one renewal with one renewal and the same bytes', async () => {
    const { orderId, orderLineId } = orderIds();
    const instanceId = (await call({ activity: 'newInstance', businessId: 'b', orderId, orderLineId })).json.instanceId as string;
    const renew = renewalOf(instanceId, orderId);
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(renew)));
    expect(new Set(answers.map((a) => a.raw)).size).toBe(1);
    expect((await recordOf(instanceId)).history.filter((h) => h.activity === 'refreshInstance')).toHaveLength(1);
  });
});
