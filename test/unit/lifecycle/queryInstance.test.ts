import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerQuery, MAX_QUERY_IDS, queryView } from '../../../shared/lifecycle/queryInstance';
import type { InstanceRecord, InstanceStatus } from '../../../shared/lifecycle/types';
import { deepFreeze, envAt, makeRecord } from './support';

function at(id: string, status: InstanceStatus, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return deepFreeze(makeRecord(status, { instanceId: id, ...overrides }));
}

const CLEAR = { frontEndUrl: 'https://app.example.com/t/1', adminUrl: 'https://admin.example.com/t/1', userName: 'admin01', password: 'P@ssw0rd!', memo: '登录说明' };

describe('answerQuery', () => {
  it('answers 000000 with info in request order and the access details in clear', () => {
    const answer = answerQuery([at('b', 'FROZEN'), at('a', 'ACTIVE', { appInfo: { frontEndUrl: 'https://a' } })], ['b', 'a'], envAt());
    expect(answer.response).toEqual({
      resultCode: '000000', resultMsg: 'success.',
      info: [{ instanceId: 'b', appInfo: CLEAR }, { instanceId: 'a', appInfo: { frontEndUrl: 'https://a' } }],
    });
    expect(answer.next).toBeUndefined();
  });

  it.each<[string, Array<InstanceRecord | null>, string[], { resultCode: string; resultMsg: string }]>([
    ['an unknown id (named)', [at('a', 'ACTIVE'), null], ['a', 'zz'], { resultCode: '000003', resultMsg: 'instance is invalid: zz' }],
    ['a missing record entry', [], ['a'], { resultCode: '000003', resultMsg: 'instance is invalid: a' }],
    ['an id still provisioning', [at('a', 'ACTIVE'), at('p', 'PROVISIONING')], ['a', 'p'], { resultCode: '000004', resultMsg: 'request is processing: p' }],
    ['a released id', [at('r', 'RELEASED')], ['r'], { resultCode: '000003', resultMsg: 'instance is released: r' }],
    ['a failed id', [at('f', 'FAILED')], ['f'], { resultCode: '000100', resultMsg: 'no seats left' }],
    ['unknown before provisioning', [at('p', 'PROVISIONING'), null], ['p', 'x'], { resultCode: '000003', resultMsg: 'instance is invalid: x' }],
    ['provisioning before released', [at('r', 'RELEASED'), at('p', 'PROVISIONING')], ['r', 'p'], { resultCode: '000004', resultMsg: 'request is processing: p' }],
    ['released before failed', [at('f', 'FAILED'), at('r', 'RELEASED')], ['f', 'r'], { resultCode: '000003', resultMsg: 'instance is released: r' }],
    ['no ids', [], [], { resultCode: '000002', resultMsg: 'instanceId is empty' }],
  ])('answers %s', (_label, records, ids, response) => {
    const answer = answerQuery(records, ids, envAt());
    expect(answer.response).toEqual(response);
    expect(answer.next).toBeUndefined();
  });

  it(`accepts ${MAX_QUERY_IDS} ids and rejects ${MAX_QUERY_IDS + 1} with 000002`, () => {
    const ids = Array.from({ length: MAX_QUERY_IDS + 1 }, (_, i) => `id-${i}`);
    const records = ids.map((id) => at(id, 'ACTIVE'));
    expect(answerQuery(records.slice(0, -1), ids.slice(0, -1), envAt()).response).toMatchObject({ resultCode: '000000' });
    expect(answerQuery(records, ids, envAt()).response).toMatchObject({ resultCode: '000002' });
  });

  it('leaves appInfo out for an instance that has none', () => {
    const answer = answerQuery([at('a', 'ACTIVE', { appInfo: undefined })], ['a'], envAt());
    expect(answer.response).toEqual({ resultCode: '000000', resultMsg: 'success.', info: [{ instanceId: 'a' }] });
  });

  it('answers the same when repeated', () => {
    const records = [at('a', 'ACTIVE')];
    expect(answerQuery(records, ['a'], envAt())).toEqual(answerQuery(records, ['a'], envAt(Date.UTC(2030, 0, 1))));
  });
});

describe('queryView', () => {
  const STATUSES: InstanceStatus[] = ['PROVISIONING', 'ACTIVE', 'FROZEN', 'RELEASED', 'FAILED'];
  const text = fc.string({ maxLength: 12 });
  const appInfo = fc.record(
    { frontEndUrl: text, adminUrl: text, userName: text, passwordSealed: text.map((t) => `sealed:${Buffer.from(t).toString('base64')}`), memo: text },
    { requiredKeys: ['frontEndUrl'] },
  );
  const provisioning = fc.record(
    { attempts: fc.nat(5), leaseOwner: text, leaseUntil: fc.nat(), queuedAt: fc.nat(), lastError: text },
    { requiredKeys: ['attempts'] },
  );
  const failure = fc.record({ resultCode: fc.constantFrom('000100', '000005', '000001'), resultMsg: text });
  const aRecord = fc
    .record({
      id: fc.uuid(),
      status: fc.constantFrom(...STATUSES),
      appInfo: fc.option(appInfo, { nil: undefined }),
      provisioning: fc.option(provisioning, { nil: undefined }),
      failure: fc.option(failure, { nil: undefined }),
    })
    .map(({ id, status, ...rest }) => {
      const r = makeRecord(status, { instanceId: id, history: [{ at: 1, activity: 'newInstance', from: null, to: status }] });
      delete r.appInfo;
      delete r.failure;
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
      return r;
    });

  it('gives the same answer as the whole record, as stored (JSON) and for lists of ids', () => {
    fc.assert(
      fc.property(fc.array(aRecord, { minLength: 1, maxLength: 4 }), (records) => {
        const ids = records.map((r) => r.instanceId);
        const views = records.map((r) => JSON.parse(JSON.stringify(queryView(r))) as ReturnType<typeof queryView>);
        expect(answerQuery(views, ids, envAt())).toEqual(answerQuery(records, ids, envAt()));
        // What crash recovery decides (basic/query.ts) is the same too, at any moment.
        const recovers = (r: ReturnType<typeof queryView>, now: number) => r.status === 'PROVISIONING' && !r.provisioning?.queuedAt && (r.provisioning?.leaseUntil ?? 0) < now;
        records.forEach((r, i) => {
          for (const now of [0, r.provisioning?.leaseUntil ?? 0, (r.provisioning?.leaseUntil ?? 0) + 1]) expect(recovers(views[i]!, now)).toBe(recovers(r, now));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('holds none of the history, order numbers or stored answers', () => {
    const r = makeRecord('ACTIVE', { answered: { 'new:a:b': 1 }, attributes: { businessId: 'b' } });
    expect(Object.keys(queryView(r)).sort()).toEqual(['appInfo', 'instanceId', 'status']);
    expect(Object.keys(queryView(makeRecord('PROVISIONING', { provisioning: { attempts: 1, leaseOwner: 'x', leaseUntil: 5, lastError: 'e' } })).provisioning ?? {}))
      .toEqual(['leaseUntil']);
  });
});
