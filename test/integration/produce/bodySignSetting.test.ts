/**
 * KG_BODY_SIGN: V2 answers carry a Body-Sign by default (`all`: the reference recommends it, lifecycle.md
 * §1.5), none with `v1`; V1 answers are signed either way.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyBodySign } from '../../../shared/testing';
import { countingProvisioner } from '../../support/countingProvisioner';
import { createProduceHandler } from '../../support/handlers';
import { invoke, orderIds, v1Event, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';
const OLD_KEY = 'older-access-key-0002';

const handlerWith = (settings: Record<string, string>) => createProduceHandler({
  settings: { KG_ACCESS_KEY: `${KEY},${OLD_KEY}`, KG_DATA_KEY: randomBytes(32).toString('base64'), ...settings },
  allowMemoryStore: true, provisioner: countingProvisioner(),
});

describe('KG_BODY_SIGN', () => {
  it('signs V2 answers with the key that verified the request by default, refusals included', async () => {
    const handler = handlerWith({});
    const created = await invoke(handler, v2Event(OLD_KEY, { activity: 'newInstance', businessId: 'b', ...orderIds() }));
    expect(verifyBodySign(OLD_KEY, created.raw, created.headers['Body-Sign'] ?? '')).toBe(true);
    const refused = await invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId: 'nope' }));
    expect(refused.json.resultCode).toBe('000003');
    expect(verifyBodySign(KEY, refused.raw, refused.headers['Body-Sign'] ?? '')).toBe(true);
  });

  it('leaves Body-Sign off V2 answers with v1, and still signs V1 answers', async () => {
    const handler = handlerWith({ KG_BODY_SIGN: 'v1' });
    const line = orderIds();
    const created = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...line }));
    expect(created.json.resultCode).toBe('000000');
    expect(created.headers['Body-Sign']).toBeUndefined();
    const retried = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'c', ...line }));
    expect(retried.raw).toBe(created.raw);
    expect(retried.headers['Body-Sign']).toBeUndefined();
    const badSignature = await invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId: 'x' }, { signature: 'f'.repeat(64) }));
    expect(badSignature.json.resultCode).toBe('000001');
    expect(badSignature.headers['Body-Sign']).toBeUndefined();
    const v1 = await invoke(handler, v1Event(KEY, { activity: 'newInstance', businessId: 'v1', orderId: `${line.orderId}V1`, customerId: 'c' }));
    expect(v1.json.resultCode).toBe('000000');
    expect(verifyBodySign(KEY, v1.raw, v1.headers['Body-Sign'] ?? '')).toBe(true);
  });

  it('refuses a value other than all or v1', async () => {
    const handler = handlerWith({ KG_BODY_SIGN: 'v2' });
    const answer = await invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId: 'x' }));
    expect(answer.json).toEqual({ resultCode: '000005', resultMsg: 'other inner error' });
  });
});
