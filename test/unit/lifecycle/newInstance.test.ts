import { describe, expect, it } from 'vitest';
import {
  claimRecord, completeProvisioning, decideNewInstanceRetry, markQueued,
  type NewInstanceCommand, type ProvisioningOutcome,
} from '../../../shared/lifecycle/newInstance';
import { newInstanceKey } from '../../../shared/lifecycle/keys';
import type { Answer, InstanceRecord } from '../../../shared/lifecycle/types';
import {
  INSTANCE_ID, ORDER_ID, ORDER_LINE_ID, T0, bodyOf, deepFreeze, envAt, fakeSeal, makeRecord, stored,
} from './support';

const KEY = newInstanceKey(ORDER_ID, ORDER_LINE_ID);
const LEASE_A = { owner: 'invocation-a', until: T0 + 10_000 };
const LEASE_B = { owner: 'invocation-b', until: T0 + 40_000 };
const CREATED = { frontEndUrl: 'https://app.example.com/t/1', userName: 'admin01', passwordSealed: fakeSeal('P@ssw0rd!') };

function newCommand(overrides: Partial<NewInstanceCommand> = {}): NewInstanceCommand {
  return deepFreeze({ activity: 'newInstance', orderId: ORDER_ID, orderLineId: ORDER_LINE_ID, businessId: 'b-1', test: false, ...overrides });
}

function claimed(protocol: 'v2' | 'v1' = 'v2'): InstanceRecord {
  return deepFreeze(claimRecord(newCommand(), INSTANCE_ID, envAt(T0), LEASE_A, protocol));
}

function asAnswer(result: Answer | { kind: 'takeover' }): Answer {
  if (result.kind !== 'answer') throw new Error(`expected an answer, got ${result.kind}`);
  return result;
}

describe('claimRecord', () => {
  it('makes a PROVISIONING placeholder with attempt 1 under the given lease', () => {
    const record = claimRecord(newCommand({ productId: 'p', skuCode: 's', expireTime: '20270101000000' }), INSTANCE_ID, envAt(T0), LEASE_A, 'v2');
    expect(record).toEqual({
      instanceId: INSTANCE_ID, orderId: ORDER_ID, orderLineId: ORDER_LINE_ID, protocol: 'v2', status: 'PROVISIONING',
      createdAt: T0, updatedAt: T0, productId: 'p', skuCode: 's', expireTime: '20270101000000',
      provisioning: { attempts: 1, leaseOwner: 'invocation-a', leaseUntil: T0 + 10_000 },
      responses: {},
      history: [{ at: T0, activity: 'newInstance', orderId: ORDER_ID, orderLineId: ORDER_LINE_ID, from: null, to: 'PROVISIONING', expireTime: '20270101000000' }],
    });
  });

  it('keeps V1 attributes as a copy and records the protocol', () => {
    const attributes = { customerId: 'c-1' };
    const record = claimRecord(newCommand({ orderLineId: '', attributes }), 'id-v1', envAt(T0), LEASE_A, 'v1');
    expect(record.protocol).toBe('v1');
    expect(record.orderLineId).toBe('');
    expect(record.attributes).toEqual(attributes);
    expect(record.attributes).not.toBe(attributes);
  });
});

describe('decideNewInstanceRetry', () => {
  it('replays the stored answer byte for byte, whatever the status', () => {
    const body = '{"resultCode":"000000","resultMsg":"success.","instanceId":"x"}';
    const record = deepFreeze(makeRecord('ACTIVE', { responses: { [KEY]: body } }));
    expect(decideNewInstanceRetry(record, newCommand({ businessId: 'b-2' }), envAt(), LEASE_B)).toEqual({ kind: 'answer', response: { replayBody: body } });
  });

  it.each([
    ['a lease that ends later', T0 + 1],
    ['a lease that ends 10 s later', T0 + 10_000],
  ])('answers 000004 with the instanceId for PROVISIONING under %s', (_label, leaseUntil) => {
    const record = deepFreeze(makeRecord('PROVISIONING', { provisioning: { attempts: 1, leaseOwner: 'a', leaseUntil } }));
    const result = asAnswer(decideNewInstanceRetry(record, newCommand(), envAt(T0), LEASE_B));
    expect(result.response).toEqual({ resultCode: '000004', resultMsg: 'request is processing', instanceId: INSTANCE_ID });
    expect(result.next).toBeUndefined();
  });

  it.each([
    ['ended exactly now', { attempts: 1, leaseOwner: 'a', leaseUntil: T0 }],
    ['ended 1 ms ago', { attempts: 2, leaseOwner: 'a', leaseUntil: T0 - 1 }],
    ['that has no end', { attempts: 1 }],
  ])('takes over a PROVISIONING record whose lease %s, with one more attempt', (_label, provisioning) => {
    const record = deepFreeze(makeRecord('PROVISIONING', { provisioning }));
    const result = decideNewInstanceRetry(record, newCommand(), envAt(T0), LEASE_B);
    expect(result.kind).toBe('takeover');
    if (result.kind !== 'takeover') return;
    expect(result.next.provisioning).toMatchObject({ attempts: provisioning.attempts + 1, leaseOwner: 'invocation-b', leaseUntil: T0 + 40_000 });
    expect(result.next.status).toBe('PROVISIONING');
    expect(result.next.updatedAt).toBe(T0);
    expect(result.next.history).toEqual(record.history);
  });

  it('answers FAILED with the stored failure code and message and the instanceId', () => {
    const result = asAnswer(decideNewInstanceRetry(deepFreeze(makeRecord('FAILED')), newCommand(), envAt(), LEASE_B));
    expect(result.response).toEqual({ resultCode: '000100', resultMsg: 'no seats left', instanceId: INSTANCE_ID });
    expect(result.next).toBeUndefined();
  });

  it.each(['ACTIVE', 'FROZEN', 'RELEASED'] as const)('answers a %s record without a stored answer with 000000 and the instanceId', (status) => {
    const record = makeRecord(status);
    const result = asAnswer(decideNewInstanceRetry(deepFreeze(record), newCommand(), envAt(), LEASE_B));
    const frontEnd = status !== 'RELEASED' && record.appInfo ? { appInfo: { frontEndUrl: record.appInfo.frontEndUrl } } : {};
    expect(result.response).toEqual({ resultCode: '000000', resultMsg: 'success.', instanceId: INSTANCE_ID, ...frontEnd });
    expect(result.next).toBeUndefined();
  });

  it('answers a V1 ACTIVE record without a stored answer with its access details in clear', () => {
    const result = asAnswer(decideNewInstanceRetry(deepFreeze(makeRecord('ACTIVE', { protocol: 'v1' })), newCommand(), envAt(), LEASE_B));
    expect(result.response).toMatchObject({ resultCode: '000000', appInfo: { userName: 'admin01', password: 'P@ssw0rd!' } });
  });
});

describe('completeProvisioning', () => {
  it('turns success into ACTIVE with the lease cleared, a history entry and a remembered 000000', () => {
    const answer = completeProvisioning(claimed(), { ok: true, appInfo: CREATED }, envAt(T0 + 3_000));
    expect(answer.response).toEqual({ resultCode: '000000', resultMsg: 'success.', instanceId: INSTANCE_ID, appInfo: { frontEndUrl: CREATED.frontEndUrl } });
    expect(answer.remember).toBe(KEY);
    expect(answer.next).toMatchObject({ status: 'ACTIVE', appInfo: CREATED, provisioning: { attempts: 1 }, updatedAt: T0 + 3_000 });
    expect(answer.next?.provisioning).toEqual({ attempts: 1 });
    expect(answer.next?.history.at(-1)).toEqual({ at: T0 + 3_000, activity: 'newInstance', orderId: ORDER_ID, orderLineId: ORDER_LINE_ID, from: 'PROVISIONING', to: 'ACTIVE' });
  });

  it('returns V1 access details in clear on success (protocol encrypts them), V2 only the frontEndUrl', () => {
    const v1 = completeProvisioning(claimed('v1'), { ok: true, appInfo: CREATED }, envAt());
    const v2 = completeProvisioning(claimed('v2'), { ok: true, appInfo: CREATED }, envAt());
    expect('appInfo' in v1.response && v1.response.appInfo).toEqual({ frontEndUrl: CREATED.frontEndUrl, userName: 'admin01', password: 'P@ssw0rd!' });
    expect('appInfo' in v2.response && v2.response.appInfo).toEqual({ frontEndUrl: CREATED.frontEndUrl });
  });

  it('turns a permanent refusal into FAILED with that code, remembered', () => {
    const outcome: ProvisioningOutcome = { ok: false, resultCode: '000100', resultMsg: 'no seats left', permanent: true };
    const answer = completeProvisioning(claimed(), outcome, envAt(T0 + 1));
    expect(answer.response).toEqual({ resultCode: '000100', resultMsg: 'no seats left', instanceId: INSTANCE_ID });
    expect(answer.remember).toBe(KEY);
    expect(answer.next).toMatchObject({ status: 'FAILED', failure: { resultCode: '000100', resultMsg: 'no seats left' } });
    expect(answer.next?.history.at(-1)).toMatchObject({ from: 'PROVISIONING', to: 'FAILED' });
  });

  it('keeps a transient failure PROVISIONING with the lease released and answers 000005 without remembering', () => {
    const outcome: ProvisioningOutcome = { ok: false, resultCode: '000005', resultMsg: 'backend timed out', permanent: false };
    const answer = completeProvisioning(claimed(), outcome, envAt(T0 + 2_000));
    expect(answer.response).toEqual({ resultCode: '000005', resultMsg: 'other inner error', instanceId: INSTANCE_ID });
    expect(answer.remember).toBeUndefined();
    expect(answer.next?.status).toBe('PROVISIONING');
    expect(answer.next?.provisioning).toMatchObject({ attempts: 1, leaseUntil: T0 + 2_000, lastError: 'backend timed out' });
    expect(answer.next?.history).toHaveLength(1);
  });

  it('lets the next retry take over at once after a transient failure', () => {
    const failed = completeProvisioning(claimed(), { ok: false, resultCode: '000005', resultMsg: 'x', permanent: false }, envAt(T0 + 2_000));
    const retry = decideNewInstanceRetry(deepFreeze(failed.next!), newCommand({ businessId: 'b-2' }), envAt(T0 + 2_000), LEASE_B);
    expect(retry.kind).toBe('takeover');
  });

  it.each(['ACTIVE', 'FROZEN', 'RELEASED', 'FAILED'] as const)('never changes a record that is already %s', (status) => {
    const record = deepFreeze(makeRecord(status));
    const answer = completeProvisioning(record, { ok: true, appInfo: CREATED }, envAt());
    expect(answer.next).toBeUndefined();
    expect(answer.remember).toBeUndefined();
  });

  it('replays the stored answer when another invocation finished first', () => {
    const first = completeProvisioning(claimed(), { ok: true, appInfo: CREATED }, envAt());
    const settled = deepFreeze(stored(claimed(), first)!);
    const late = completeProvisioning(settled, { ok: true, appInfo: { frontEndUrl: 'https://other' } }, envAt(T0 + 9));
    expect(late).toEqual({ kind: 'answer', response: { replayBody: bodyOf(first) } });
  });
});

describe('markQueued', () => {
  it('keeps PROVISIONING, sets queuedAt and answers 000004 with the instanceId, not remembered', () => {
    const answer = markQueued(claimed(), envAt(T0 + 4_000));
    expect(answer.response).toEqual({ resultCode: '000004', resultMsg: 'request is processing', instanceId: INSTANCE_ID });
    expect(answer.remember).toBeUndefined();
    expect(answer.next).toMatchObject({ status: 'PROVISIONING', updatedAt: T0 + 4_000 });
    expect(answer.next?.provisioning).toEqual({ attempts: 1, leaseOwner: 'invocation-a', leaseUntil: T0 + 10_000, queuedAt: T0 + 4_000 });
  });

  it('does not touch a record that is no longer PROVISIONING', () => {
    expect(markQueued(deepFreeze(makeRecord('ACTIVE')), envAt()).next).toBeUndefined();
  });
});

describe('newInstance retries', () => {
  it('answers every retry after success with the first answer, byte for byte, whatever the businessId', () => {
    const first = completeProvisioning(claimed(), { ok: true, appInfo: CREATED }, envAt());
    const record = deepFreeze(stored(claimed(), first)!);
    for (const businessId of ['b-2', 'b-3']) {
      const retry = asAnswer(decideNewInstanceRetry(record, newCommand({ businessId }), envAt(T0 + 3_600_000), LEASE_B));
      expect(bodyOf(retry)).toBe(bodyOf(first));
      expect(retry.next).toBeUndefined();
    }
  });

  it('answers every retry after a permanent refusal with the same refusal', () => {
    const first = completeProvisioning(claimed(), { ok: false, resultCode: '000103', resultMsg: 'cannot buy again', permanent: true }, envAt());
    const record = deepFreeze(stored(claimed(), first)!);
    const retry = asAnswer(decideNewInstanceRetry(record, newCommand({ businessId: 'b-2' }), envAt(), LEASE_B));
    expect(bodyOf(retry)).toBe(bodyOf(first));
  });
});
