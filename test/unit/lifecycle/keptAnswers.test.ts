/**
 * What the basic layer keeps beside a record so a retry is answered without a decision: the key a
 * command's answer is kept under (answerKeyOf) must be the key the decision remembers it under, and a
 * status's held answers (settled.ts) must be what the decision answers on that status. Also the bounded
 * history and the tombstone's dropped answers.
 */
import { describe, expect, it } from 'vitest';
import type { InstanceCommand } from '../../../shared/lifecycle/decide';
import { answerKeyOf, isNewInstanceKey, isStatusKey, newInstanceKey, statusKey } from '../../../shared/lifecycle/keys';
import { claimRecord, completeProvisioning, type NewInstanceCommand } from '../../../shared/lifecycle/newInstance';
import { settledAnswers } from '../../../shared/lifecycle/settled';
import { HISTORY_CAP } from '../../../shared/lifecycle/transition';
import type { InstanceRecord, InstanceStatus } from '../../../shared/lifecycle/types';
import { INSTANCE_ID, ORDER_ID, ORDER_LINE_ID, STATUSES, T0, bodyOf, call, envAt, makeRecord } from './support';

const RENEW: InstanceCommand = { activity: 'refreshInstance', instanceId: INSTANCE_ID, orderId: 'R-1', orderLineId: 'R-1-000001', scene: 'RENEWAL', expireTime: '20270101000000', test: false };
const UPGRADE: InstanceCommand = { activity: 'upgradeInstance', instanceId: INSTANCE_ID, orderId: 'U-1', orderLineId: 'U-1-000001', test: false };
const STATUS_COMMANDS: InstanceCommand[] = [
  { activity: 'updateInstanceStatus', instanceId: INSTANCE_ID, status: 'FREEZE', test: false },
  { activity: 'updateInstanceStatus', instanceId: INSTANCE_ID, status: 'UNFREEZE', test: false },
  { activity: 'releaseInstance', instanceId: INSTANCE_ID, test: false },
];

describe('answerKeyOf', () => {
  it.each([RENEW, UPGRADE])('names the key $activity remembers its answer under', (cmd) => {
    const { answer } = call(makeRecord('ACTIVE'), cmd);
    expect(answer.remember).toBeDefined();
    expect(answerKeyOf(cmd)).toBe(answer.remember);
  });

  it('names the key a provisioned newInstance remembers its answer under', () => {
    const cmd: NewInstanceCommand = { activity: 'newInstance', orderId: ORDER_ID, orderLineId: ORDER_LINE_ID, businessId: 'b', test: false };
    const record = claimRecord(cmd, INSTANCE_ID, envAt(T0), { owner: 'a', until: T0 + 1000 }, 'v2');
    const done = completeProvisioning(record, { ok: true, appInfo: { frontEndUrl: 'https://x' } }, envAt(T0 + 5));
    expect(answerKeyOf(cmd)).toBe(done.remember);
    expect(isNewInstanceKey(done.remember!)).toBe(true);
  });

  it('names the held answer of the target status for freeze, unfreeze and release, and none for a change check or a query', () => {
    expect(STATUS_COMMANDS.map(answerKeyOf)).toEqual([statusKey('FROZEN'), statusKey('ACTIVE'), statusKey('RELEASED')]);
    expect(answerKeyOf({ activity: 'changeInstanceCheck', instanceId: INSTANCE_ID, productInfo: { productId: 'p', skuCode: 's', productName: 'n' }, test: false })).toBeUndefined();
    expect(answerKeyOf({ activity: 'queryInstance', instanceIds: [INSTANCE_ID], test: false })).toBeUndefined();
  });
});

describe('settledAnswers', () => {
  const cases = STATUSES.flatMap((status) => STATUS_COMMANDS.map((cmd) => ({ status, cmd })));

  it.each(cases)('on $status holds for $cmd.activity $cmd.status only what the decision answers there without a change', ({ status, cmd }) => {
    const held = settledAnswers(status).find((h) => h.key === answerKeyOf(cmd));
    const decided = call(makeRecord(status), cmd);
    if (held === undefined) return;
    expect(decided.effect).toBeUndefined();
    expect(decided.answer.next).toBeUndefined();
    expect(bodyOf(held.answer)).toBe(decided.body);
  });

  it.each<[InstanceStatus, string[]]>([
    ['ACTIVE', [statusKey('ACTIVE')]], ['FROZEN', [statusKey('FROZEN')]], ['RELEASED', [statusKey('RELEASED')]], ['PROVISIONING', []], ['FAILED', []],
  ])('holds on %s the answers %j, under status keys', (status, keys) => {
    const held = settledAnswers(status);
    expect(held.map((h) => h.key)).toEqual(keys);
    expect(held.every((h) => isStatusKey(h.key) && h.answer.next === undefined && h.answer.remember === undefined)).toBe(true);
  });
});

describe('history', () => {
  it(`keeps the newest ${HISTORY_CAP} state changes of an instance renewed 1,000 times`, () => {
    let record: InstanceRecord | null = makeRecord('ACTIVE');
    for (let i = 0; i < 1000; i++) {
      const renew = { ...RENEW, orderId: `R-${i}`, orderLineId: `R-${i}-1` } as InstanceCommand;
      record = call(record, renew, { ok: true }, T0 + i * 1000).record;
    }
    expect(record!.history).toHaveLength(HISTORY_CAP);
    expect(record!.history.at(-1)).toMatchObject({ activity: 'refreshInstance', orderId: 'R-999' });
    expect(record!.history[0]).toMatchObject({ orderId: `R-${1000 - HISTORY_CAP}` });
  });
});

describe('the tombstone', () => {
  it('drops a V1 newInstance answer kept beside the record, and keeps the others', () => {
    const key = newInstanceKey(ORDER_ID, ORDER_LINE_ID);
    const answered = { [key]: T0, 'upgrade:U:U-1': T0, [statusKey('ACTIVE')]: T0 };
    const v1 = call(makeRecord('ACTIVE', { protocol: 'v1', answered }), STATUS_COMMANDS[2]!).record!;
    expect(Object.keys(v1.answered!)).toEqual(['upgrade:U:U-1', statusKey('ACTIVE')]);
    const v2 = call(makeRecord('ACTIVE', { protocol: 'v2', answered }), STATUS_COMMANDS[2]!).record!;
    expect(v2.answered).toEqual(answered);
  });
});
