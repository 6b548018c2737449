/**
 * Every basic V2 activity through the real `produce` handler, on MemoryStore, a standalone Redis and a
 * 3-master Redis Cluster: answers, idempotency under retries and races, round trips, audit.
 */
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from '../../support/handlers';
import type { Store } from '../../../shared/store/Store';
import { countingProvisioner, type CountingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { closeOn, produceOn, storeTargets } from './targets';

const KEY = 'test-access-key-0001';

describe.each(storeTargets())('produce V2 lifecycle on $name', (target) => {
  let store: Store;
  let handler: Handler;
  let provisioner: CountingProvisioner;
  const call = (body: Record<string, unknown>) => invoke(handler, v2Event(KEY, body));

  beforeAll(async () => {
    provisioner = countingProvisioner();
    ({ store, handler } = await produceOn(target, { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') }, provisioner));
  });
  afterAll(() => closeOn(target, store));

  it('creates an instance, then answers every retry of the order line with the same bytes', async () => {
    const { orderId, orderLineId } = orderIds();
    const first = await call({ activity: 'newInstance', businessId: 'b-1', orderId, orderLineId });
    expect(first.status).toBe(200);
    expect(first.headers['Content-Type']).toMatch(/^application\/json/);
    expect(first.json.resultCode).toBe('000000');
    expect(first.json.instanceId).toMatch(/^[0-9a-f]{32}$/);
    // frontEndUrl for the console's create check; credentials only ever in queryInstance.
    expect(first.json.appInfo).toEqual({ frontEndUrl: `https://app.test/login?i=${first.json.instanceId}` });
    const retries = await Promise.all([2, 3, 4].map((n) => call({ activity: 'newInstance', businessId: `b-${n}`, orderId, orderLineId })));
    for (const r of retries) expect(r.raw).toBe(first.raw);
  });

  it('gives 100 concurrent deliveries of one order line one record and 100 identical instanceIds', async () => {
    const { orderId, orderLineId } = orderIds();
    const before = provisioner.calls.provision ?? 0;
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => call({ activity: 'newInstance', businessId: `race-${i}`, orderId, orderLineId })));
    const ids = new Set(answers.map((a) => a.json.instanceId));
    expect(ids.size).toBe(1);
    expect(answers.every((a) => a.json.resultCode === '000000' || a.json.resultCode === '000004')).toBe(true);
    expect((provisioner.calls.provision ?? 0) - before).toBe(1);
    const [only] = [...ids];
    const [read] = await store.read<InstanceRecord>([only as string]);
    expect(read?.record?.orderId).toBe(orderId);
    expect(read?.record?.status).toBe('ACTIVE');
  });

  it('walks a yearly purchase through every activity, repeats included', async () => {
    const { orderId, orderLineId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'b', orderId, orderLineId });
    const instanceId = created.json.instanceId as string;

    const query = await call({ activity: 'queryInstance', instanceId });
    expect(query.json.resultCode).toBe('000000');
    const info = (query.json.info as Array<{ instanceId: string; appInfo: Record<string, string> }>)[0]!;
    expect(info.instanceId).toBe(instanceId);
    expect(info.appInfo.frontEndUrl).toBe(`https://app.test/login?i=${instanceId}`);
    expect(info.appInfo.password).toBe(provisioner.provisioned.get(instanceId)?.password);

    const renew = { activity: 'refreshInstance', instanceId, orderId: `${orderId}R`, orderLineId: `${orderId}R-000001`, scene: 'RENEWAL', expireTime: '20991231235959' };
    const steps: Array<[Record<string, unknown>, string]> = [
      [renew, '000000'],
      [renew, '000000'],
      [{ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }, '000000'],
      [{ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }, '000000'],
      [{ activity: 'updateInstanceStatus', instanceId, status: 'UNFREEZE' }, '000000'],
      [{ activity: 'upgradeInstance', instanceId, orderId: `${orderId}U`, orderLineId: `${orderId}U-000001` }, '000000'],
      [{ activity: 'changeInstanceCheck', instanceId, productInfo: { productId: 'p', skuCode: 's', productName: 'n', linearValue: 5 } }, '000000'],
      [{ ...renew, orderId: `${orderId}C`, orderLineId: `${orderId}C-000001`, scene: 'RENEWAL_CHANGE', expireTime: '20991231235959123' }, '000000'],
      [{ ...renew, orderId: `${orderId}X`, orderLineId: `${orderId}X-000001`, scene: 'UNSUBSCRIBE_RENEWAL_PERIOD', expireTime: '20981231235959' }, '000000'],
      [{ activity: 'releaseInstance', instanceId, orderId: `${orderId}X` }, '000000'],
      [{ activity: 'releaseInstance', instanceId }, '000000'],
      [{ activity: 'updateInstanceStatus', instanceId, status: 'UNFREEZE' }, '000003'],
      [{ ...renew, orderId: `${orderId}Z`, orderLineId: `${orderId}Z-000001` }, '000003'],
    ];
    for (const [body, code] of steps) {
      const answer = await call(body);
      expect({ step: body.activity, code: answer.json.resultCode }).toEqual({ step: body.activity, code });
    }
    const [read] = await store.read<InstanceRecord>([instanceId]);
    const record = read!.record!;
    expect(record.status).toBe('RELEASED');
    expect(record.expireTime).toBe('20981231235959');
    expect(record.history.map((h) => `${h.activity}:${h.to}`)).toContain('releaseInstance:RELEASED');
    expect(record.history.every((h) => typeof h.at === 'number')).toBe(true);
    expect(JSON.stringify(record)).not.toContain(provisioner.provisioned.get(instanceId)!.password!);
    const audit = await store.listAudit(instanceId, 100);
    expect(audit.length).toBeGreaterThanOrEqual(steps.length);
  });

  it.each([
    ['refreshInstance', { scene: 'RENEWAL', orderId: 'CSX', orderLineId: 'CSX-1', expireTime: '20991231235959' }],
    ['updateInstanceStatus', { status: 'FREEZE' }],
    ['releaseInstance', {}],
    ['upgradeInstance', { orderId: 'CSX', orderLineId: 'CSX-1' }],
    ['changeInstanceCheck', { productInfo: { productId: 'p', skuCode: 's', productName: 'n' } }],
    ['queryInstance', {}],
  ])('answers %s of an unknown instance with 000003', async (activity, extra) => {
    const instanceId = randomBytes(16).toString('hex');
    const answer = await call({ activity, instanceId, ...extra });
    expect(answer.json.resultCode).toBe('000003');
  });

  it.each([
    ['refreshInstance', { scene: 'RENEWAL', orderId: 'CSX', orderLineId: 'CSX-1', expireTime: '20991231235959' }],
    ['updateInstanceStatus', { status: 'FREEZE' }],
    ['releaseInstance', {}],
    ['upgradeInstance', { orderId: 'CSX', orderLineId: 'CSX-1' }],
    ['changeInstanceCheck', { productInfo: '{"productId":"p","skuCode":"s","productName":"n"}' }],
    ['queryInstance', {}],
  ])('answers a testFlag "1" %s of an id never created with 000000 and writes no record', async (activity, extra) => {
    const instanceId = randomBytes(16).toString('hex');
    const before = provisioner.calls;
    const snapshot = { ...before };
    const answer = await call({ activity, instanceId, testFlag: '1', ...extra });
    expect(answer.json.resultCode).toBe('000000');
    const [read] = await store.read<InstanceRecord>([instanceId]);
    expect(read?.record ?? null).toBeNull();
    expect(provisioner.calls).toEqual(snapshot);
  });

  it('answers a testFlag "1" newInstance with an instanceId and never provisions', async () => {
    const { orderId, orderLineId } = orderIds();
    const before = provisioner.calls.provision ?? 0;
    const answer = await call({ activity: 'newInstance', businessId: 'dbg', orderId, orderLineId, testFlag: '1' });
    expect(answer.json.resultCode).toBe('000000');
    expect(answer.json.instanceId).toMatch(/^[0-9a-f]{32}$/);
    expect(provisioner.calls.provision ?? 0).toBe(before);
    const [read] = await store.read<InstanceRecord>([answer.json.instanceId as string]);
    expect(read?.record ?? null).toBeNull();
  });

  it('rejects a replayed nonce with 000002 and changes nothing', async () => {
    const { orderId, orderLineId } = orderIds();
    const event = v2Event(KEY, { activity: 'newInstance', businessId: 'n', orderId, orderLineId });
    const first = await invoke(handler, event);
    expect(first.json.resultCode).toBe('000000');
    const replay = await invoke(handler, event);
    expect(replay.json.resultCode).toBe('000002');
    const audit = await store.listAudit(first.json.instanceId as string, 100);
    expect(audit.filter((a) => a.activity === 'newInstance')).toHaveLength(1);
  });

  it('uses 1 round trip for a retry or a replayed answer, at most 2 per state change and 1 per one-id query', async () => {
    const { orderId, orderLineId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'rt', orderId, orderLineId });
    const instanceId = created.json.instanceId as string;
    const trips = async (body: Record<string, unknown>) => {
      const before = store.info().roundTrips;
      const answer = await call(body);
      expect(answer.json.resultCode).toBe('000000');
      return store.info().roundTrips - before;
    };
    const renew = { activity: 'refreshInstance', instanceId, orderId: 'R1', orderLineId: 'R1-1', scene: 'RENEWAL', expireTime: '20991231235959' };
    const upgrade = { activity: 'upgradeInstance', instanceId, orderId: 'U1', orderLineId: 'U1-1' };
    expect(await trips({ activity: 'queryInstance', instanceId })).toBe(1);
    expect(await trips({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' })).toBeLessThanOrEqual(2);
    expect(await trips({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' })).toBe(1);
    expect(await trips({ activity: 'updateInstanceStatus', instanceId, status: 'UNFREEZE' })).toBeLessThanOrEqual(2);
    expect(await trips({ activity: 'updateInstanceStatus', instanceId, status: 'UNFREEZE' })).toBe(1);
    expect(await trips(renew)).toBeLessThanOrEqual(2);
    expect(await trips(renew)).toBe(1);
    expect(await trips(upgrade)).toBeLessThanOrEqual(2);
    expect(await trips(upgrade)).toBe(1);
    expect(await trips({ activity: 'newInstance', businessId: 'rt2', orderId, orderLineId })).toBe(1);
    const fresh = orderIds();
    expect(await trips({ activity: 'newInstance', businessId: 'rt3', ...fresh })).toBeLessThanOrEqual(2);
    expect(await trips({ activity: 'newInstance', businessId: 'rt4', ...fresh })).toBe(1);
    expect(await trips({ activity: 'releaseInstance', instanceId })).toBeLessThanOrEqual(2);
    expect(await trips({ activity: 'releaseInstance', instanceId })).toBe(1);
    // A renewal answered before the release is still its answer after it (the stored answer wins).
    expect(await trips(renew)).toBe(1);
  });
});
