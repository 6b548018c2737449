/**
 * recordWrite: which answers go beside an instance record, which are dropped, and that the record itself
 * carries none, so it stays the same size however often the instance is renewed.
 */
import { describe, expect, it } from 'vitest';
import { ANSWER_CAP, ANSWER_KEEP_MS, recordWrite } from '../../../shared/basic/answers';
import { RESULT_MESSAGE } from '../../../shared/core/resultCodes';
import { sealSecret } from '../../../shared/security/dataSeal';
import { newInstanceKey, refreshKey, statusKey } from '../../../shared/lifecycle/keys';
import type { Answer, InstanceRecord } from '../../../shared/lifecycle/types';
import type { StoredAnswer } from '../../../shared/store/Store';
import { ORDER_ID, ORDER_LINE_ID, T0, makeRecord } from '../lifecycle/support';

const encode = (answer: Answer): StoredAnswer => {
  if ('replayBody' in answer.response) throw new Error('a held answer is always fresh');
  return { resultCode: answer.response.resultCode, body: JSON.stringify(answer.response) };
};
const SUCCESS = { resultCode: '000000', body: JSON.stringify({ resultCode: '000000', resultMsg: RESULT_MESSAGE['000000'] }) };
const NEW_KEY = newInstanceKey(ORDER_ID, ORDER_LINE_ID);
const renewal = (n: number): string => refreshKey(`R-${n}`, `R-${n}-1`, 'RENEWAL');

/** An ACTIVE record as written after the change: its status answer listed, `answered` as given. */
function active(answered: Record<string, number> = {}, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return makeRecord('ACTIVE', { answered: { [statusKey('ACTIVE')]: T0 - 1, ...answered }, ...overrides });
}

describe('recordWrite', () => {
  it('keeps the fresh answer beside the record and lists it with its time, nothing inside the record', () => {
    const before = active();
    const write = recordWrite(before, { ...before, expireTime: '20300101000000' }, T0, { key: renewal(1), answer: SUCCESS }, encode);
    expect(write.answers).toEqual({ [renewal(1)]: SUCCESS });
    expect(write.forget).toBeUndefined();
    expect(write.next.responses).toEqual({});
    expect(write.next.answered).toEqual({ [statusKey('ACTIVE')]: T0 - 1, [renewal(1)]: T0 });
    expect(write.next.expireTime).toBe('20300101000000');
  });

  it('writes a record whose answers need no change as it is, with nothing beside it', () => {
    const before = active({ [renewal(1)]: T0 - 5 });
    const next = { ...before, updatedAt: T0 };
    const write = recordWrite(before, next, T0, undefined, encode);
    expect(write).toEqual({ next });
    expect(write.next).toBe(next);
  });

  it("moves an old record's answers out of it, dated at its last write, with their result codes", () => {
    const sealed = sealSecret(Buffer.alloc(32, 7), '{"resultCode":"000000","appInfo":{"password":"p"}}');
    const before = makeRecord('ACTIVE', { updatedAt: T0 - 60_000, responses: { [NEW_KEY]: sealed, [renewal(1)]: '{"resultCode":"000003","resultMsg":"x"}' } });
    const write = recordWrite(before, { ...before }, T0, undefined, encode);
    expect(write.answers).toEqual({
      [NEW_KEY]: { resultCode: '000000', body: sealed },
      [renewal(1)]: { resultCode: '000003', body: '{"resultCode":"000003","resultMsg":"x"}' },
      [statusKey('ACTIVE')]: SUCCESS,
    });
    expect(write.next.responses).toEqual({});
    expect(write.next.answered).toEqual({ [NEW_KEY]: T0 - 60_000, [renewal(1)]: T0 - 60_000, [statusKey('ACTIVE')]: T0 });
  });

  it('swaps the status answers when the status changes, and stores none for a status that holds none', () => {
    const before = active();
    const frozen = recordWrite(before, { ...before, status: 'FROZEN' }, T0, undefined, encode);
    expect(frozen.answers).toEqual({ [statusKey('FROZEN')]: SUCCESS });
    expect(frozen.forget).toEqual([statusKey('ACTIVE')]);
    expect(frozen.next.answered).toEqual({ [statusKey('FROZEN')]: T0 });
    const failed = recordWrite(before, { ...before, status: 'FAILED' }, T0, undefined, encode);
    expect(failed.answers).toBeUndefined();
    expect(failed.forget).toEqual([statusKey('ACTIVE')]);
    expect(failed.next.answered).toBeUndefined();
  });

  it('adds the status answer an old record never had at its next write', () => {
    const before = makeRecord('FROZEN');
    const write = recordWrite(before, { ...before, updatedAt: T0 }, T0, undefined, encode);
    expect(write.answers).toEqual({ [statusKey('FROZEN')]: SUCCESS });
    expect(write.next.answered).toEqual({ [statusKey('FROZEN')]: T0 });
  });

  it('drops what the decision dropped from the list (a tombstone drops the V1 newInstance answer)', () => {
    const before = active({ [NEW_KEY]: T0 - 9 }, { protocol: 'v1' });
    const tombstone: InstanceRecord = { ...before, status: 'RELEASED', answered: { [statusKey('ACTIVE')]: T0 - 1 } };
    const write = recordWrite(before, tombstone, T0, undefined, encode);
    expect(write.forget?.sort()).toEqual([NEW_KEY, statusKey('ACTIVE')].sort());
    expect(write.answers).toEqual({ [statusKey('RELEASED')]: SUCCESS });
    expect(write.next.answered).toEqual({ [statusKey('RELEASED')]: T0 });
  });

  it(`drops answers older than ${ANSWER_KEEP_MS / 3_600_000} h but for the newInstance answer and the status answers`, () => {
    const old = T0 - ANSWER_KEEP_MS - 1;
    const before = makeRecord('ACTIVE', { answered: { [statusKey('ACTIVE')]: old, [NEW_KEY]: old - 1e9, [renewal(1)]: old, [renewal(2)]: T0 - ANSWER_KEEP_MS } });
    const write = recordWrite(before, { ...before }, T0, { key: renewal(3), answer: SUCCESS }, encode);
    expect(write.forget).toEqual([renewal(1)]);
    expect(Object.keys(write.next.answered!).sort()).toEqual([NEW_KEY, renewal(2), renewal(3), statusKey('ACTIVE')].sort());
  });

  it(`keeps at most ${ANSWER_CAP} renewal and upgrade answers, dropping the oldest first`, () => {
    const answered: Record<string, number> = { [NEW_KEY]: T0 - 1e6 };
    for (let i = 0; i < ANSWER_CAP; i++) answered[renewal(i)] = T0 - 1000 + i;
    const before = active(answered);
    const write = recordWrite(before, { ...before }, T0, { key: renewal(ANSWER_CAP), answer: SUCCESS }, encode);
    expect(write.forget).toEqual([renewal(0)]);
    expect(Object.keys(write.next.answered!)).toHaveLength(ANSWER_CAP + 2);
    expect(write.next.answered).toHaveProperty([NEW_KEY]);
    expect(write.next.answered).toHaveProperty([renewal(ANSWER_CAP)], T0);
  });

  it('stores nothing that is dropped in the same write', () => {
    const answered: Record<string, number> = {};
    for (let i = 0; i < ANSWER_CAP; i++) answered[renewal(i)] = T0 + i;
    const before = active(answered);
    // The fresh answer is older than every kept one (a late write): it goes at once.
    const write = recordWrite(before, { ...before }, T0 - 1, { key: renewal(99), answer: SUCCESS }, encode);
    expect(write.answers).toBeUndefined();
    expect(write.forget).toBeUndefined();
    expect(write.next.answered).not.toHaveProperty([renewal(99)]);
  });
});
