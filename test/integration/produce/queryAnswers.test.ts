/**
 * queryInstance answers from the record's view, and a warm function remembers the V2 answer of a view it has
 * answered: repeated queries give the same bytes and Body-Sign, a change of the record is answered at once
 * (the answer belongs to the view text, which every write of the record replaces), and a record written
 * without a view (code that keeps none) is answered from the whole record. On MemoryStore, a standalone
 * Redis and a 3-master cluster.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { instanceTag } from '../../../shared/store/keys';
import type { Store } from '../../../shared/store/Store';
import { countingProvisioner } from '../../support/countingProvisioner';
import type { Handler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { closeOn, produceOn, storeTargets } from './targets';

const KEY = 'test-access-key-0001';

describe.each(storeTargets())('queryInstance answers on $name', (target) => {
  let store: Store;
  let handler: Handler;
  const call = (body: Record<string, unknown>) => invoke(handler, v2Event(KEY, body));

  beforeAll(async () => {
    ({ store, handler } = await produceOn(target, { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') }, countingProvisioner()));
  });
  afterAll(() => closeOn(target, store));

  async function created(): Promise<string> {
    const { orderId, orderLineId } = orderIds();
    const answer = await call({ activity: 'newInstance', businessId: 'b', orderId, orderLineId });
    expect(answer.json.resultCode).toBe('000000');
    return answer.json.instanceId as string;
  }

  it('answers repeated queries with the same bytes and Body-Sign, read from the view', async () => {
    const instanceId = await created();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call({ activity: 'queryInstance', instanceId }));
    expect(answers[0]?.json.resultCode).toBe('000000');
    expect((answers[0]?.json.info as Array<{ appInfo?: { password?: string } }>)[0]?.appInfo?.password).toBeTruthy();
    for (const a of answers) {
      expect(a.raw).toBe(answers[0]?.raw);
      expect(a.headers['Body-Sign']).toBe(answers[0]?.headers['Body-Sign']);
    }
    expect((await store.begin(instanceTag(instanceId), { view: true })).view).toBe(true);
  });

  it('answers a change of the record at once: released after a remembered answer, then 000003', async () => {
    const instanceId = await created();
    for (let i = 0; i < 3; i++) expect((await call({ activity: 'queryInstance', instanceId })).json.resultCode).toBe('000000');
    expect((await call({ activity: 'releaseInstance', instanceId })).json.resultCode).toBe('000000');
    const after = await call({ activity: 'queryInstance', instanceId });
    expect(after.json).toMatchObject({ resultCode: '000003' });
  });

  it('answers from the whole record when the record was written without a view', async () => {
    const instanceId = await created();
    expect((await call({ activity: 'queryInstance', instanceId })).json.resultCode).toBe('000000');
    const tag = instanceTag(instanceId);
    const read = await store.begin<InstanceRecord>(tag);
    const failed: InstanceRecord = { ...(read.record as InstanceRecord), status: 'FAILED', failure: { resultCode: '000100', resultMsg: 'written by older code' } };
    const at = Date.now();
    expect((await store.commit(tag, { expectedVersion: read.version, record: failed, audit: { at, activity: 'test', resultCode: 'n/a' } })).ok).toBe(true);
    expect((await store.begin(tag, { view: true })).view).toBeUndefined();
    expect((await call({ activity: 'queryInstance', instanceId })).json).toMatchObject({ resultCode: '000100', resultMsg: 'written by older code' });
  });
});
