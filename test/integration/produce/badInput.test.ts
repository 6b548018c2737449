/**
 * Bad input of every kind gets HTTP 200, a JSON body with the documented code, and changes nothing:
 * no record, no provisioner call; the failure is listed for operators.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApigEvent } from '../../../shared/platform/apig';
import { loadConfig } from '../../../shared/platform/config';
import { deriveInstanceId } from '../../../shared/lifecycle/instanceId';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { countingProvisioner, type CountingProvisioner } from '../../support/countingProvisioner';
import { invoke, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';
const ORDER = { orderId: 'CSBADINPUT0001', orderLineId: 'CSBADINPUT0001-000001' };
const valid = { activity: 'newInstance', businessId: 'b', ...ORDER };

const cases: Array<[string, () => ApigEvent, string]> = [
  ['missing orderLineId', () => v2Event(KEY, { activity: 'newInstance', businessId: 'b', orderId: ORDER.orderId }), '000002'],
  ['orderId of 65 characters', () => v2Event(KEY, { ...valid, orderId: 'C'.repeat(65) }), '000002'],
  ['orderId as a number', () => v2Event(KEY, { ...valid, orderId: 12345 }), '000002'],
  ['orderLineId as an object', () => v2Event(KEY, { ...valid, orderLineId: { a: 1 } }), '000002'],
  ['broken JSON', () => v2Event(KEY, '{"activity":"newInstance",'), '000002'],
  ['a JSON array', () => v2Event(KEY, '[1,2,3]'), '000002'],
  ['an empty body', () => v2Event(KEY, ''), '000002'],
  ['an unknown activity', () => v2Event(KEY, { ...valid, activity: 'dropDatabase' }), '000002'],
  ['a 5 MB body', () => v2Event(KEY, JSON.stringify({ ...valid, memo: 'x'.repeat(5 * 1024 * 1024) })), '000002'],
  ['queryInstance with 101 ids', () => v2Event(KEY, { activity: 'queryInstance', instanceId: Array.from({ length: 101 }, (_, i) => `id${i}`).join(',') }), '000002'],
  ['refreshInstance with a 15-digit expireTime', () => v2Event(KEY, { activity: 'refreshInstance', instanceId: 'i', scene: 'RENEWAL', expireTime: '202212310000001', ...ORDER }), '000002'],
  ['an unknown scene', () => v2Event(KEY, { activity: 'refreshInstance', instanceId: 'i', scene: 'FOREVER', expireTime: '20221231000000', ...ORDER }), '000002'],
  ['a wrong signature', () => v2Event(KEY, valid, { signature: 'ab'.repeat(32) }), '000001'],
  ['a signature made with another key', () => v2Event('another-key', valid), '000001'],
  ['no signature', () => { const e = v2Event(KEY, valid); delete e.queryStringParameters!.signature; return e; }, '000001'],
  ['a timestamp 61 s old', () => v2Event(KEY, valid, { timestamp: String(Date.now() - 61_000) }), '000002'],
  ['a timestamp 61 s in the future', () => v2Event(KEY, valid, { timestamp: String(Date.now() + 61_000) }), '000002'],
  ['no timestamp', () => { const e = v2Event(KEY, valid); delete e.queryStringParameters!.timestamp; return e; }, '000002'],
  ['no nonce', () => { const e = v2Event(KEY, valid); delete e.queryStringParameters!.nonce; return e; }, '000002'],
  ['no query string at all', () => ({ ...v2Event(KEY, valid), queryStringParameters: null }), '000002'],
  ['a body that is not base64 text', () => ({ ...v2Event(KEY, valid), body: '%%%not-base64%%%' }), '000002'],
  ['an event that is not an object', () => 'garbage' as unknown as ApigEvent, '000002'],
];

describe('produce with bad input', () => {
  let handler: Handler;
  let store: Store;
  let provisioner: CountingProvisioner;

  beforeAll(() => {
    const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') };
    store = createStore(loadConfig((k) => settings[k as keyof typeof settings]), { allowMemory: true });
    provisioner = countingProvisioner();
    handler = createProduceHandler({ settings, store, provisioner });
  });

  it.each(cases)('answers %s with %s and changes nothing', async (_name, event, code) => {
    const answer = await invoke(handler, event());
    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toMatch(/^application\/json/);
    expect(answer.json.resultCode).toBe(code);
    expect(typeof answer.json.resultMsg).toBe('string');
    expect(answer.raw).not.toMatch(/at .*\.ts:\d+|Error:|test-access-key/);
    expect(provisioner.calls.provision ?? 0).toBe(0);
    const [read] = await store.read([deriveInstanceId(ORDER.orderId, ORDER.orderLineId)]);
    expect(read?.record ?? null).toBeNull();
    const [latest] = await store.listFailures({ limit: 1 });
    expect(latest?.resultCode).toBe(code);
  });

  it('then still creates the instance from a valid request', async () => {
    const answer = await invoke(handler, v2Event(KEY, valid));
    expect(answer.json.resultCode).toBe('000000');
    expect(answer.json.instanceId).toBe(deriveInstanceId(ORDER.orderId, ORDER.orderLineId));
  });
});
