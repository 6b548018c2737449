import { describe, expect, it } from 'vitest';
import { applyAllOrgSync } from '../../../shared/kit/rules/allOrgSync';
import { applySingleOrgSync } from '../../../shared/kit/rules/singleOrgSync';
import { tenantView } from '../../../shared/kit/view';
import { populated } from './fixtures';
import { T0, TENANT_ID, allOrgReq, envAt, orgReq, run, written } from './support';

describe('applySingleOrgSync', () => {
  it('add stores the department; a top-level one has no parentCode', () => {
    const doc = written(run(applySingleOrgSync, null, orgReq(1, '10000', '开发部', ''), envAt(T0)));
    expect(doc.departments).toStrictEqual({ '10000': { orgCode: '10000', orgName: '开发部', updatedAt: T0 } });
  });

  it.each<[string, string, string, Record<string, unknown>]>([
    ['rename', '研发部', '10000', { orgName: '研发部', parentCode: '10000' }],
    ['re-parent', '开发部', '99999', { orgName: '开发部', parentCode: '99999' }],
    ['move to the top level', '开发部', '', { orgName: '开发部' }],
  ])('modify or add can %s', (_what, orgName, parentCode, expected) => {
    for (const flag of [1, 2] as const) {
      const result = run(applySingleOrgSync, populated(), orgReq(flag, '10001', orgName, parentCode), envAt(T0 + 3));
      expect(result.changes).toEqual([{ entity: 'department', op: 'updated', key: '10001' }]);
      expect(written(result).departments['10001']).toStrictEqual({ orgCode: '10001', ...expected, updatedAt: T0 + 3 });
    }
  });

  it('a repeated add of the same department changes nothing (V1 OrgName spelling included)', () => {
    expect(run(applySingleOrgSync, populated(), orgReq(1, '10001', '开发部', '10000'), envAt(T0 + 1)).next).toBeUndefined();
    const capital = orgReq(1, '10001', '', '10000', { orgName: undefined, OrgName: '开发部' });
    expect(run(applySingleOrgSync, populated(), capital, envAt(T0 + 1)).next).toBeUndefined();
  });

  it('delete leaves sub-departments and users alone', () => {
    const doc = populated();
    const result = run(applySingleOrgSync, doc, orgReq(0, '10000'), envAt(T0 + 1));
    expect(result.changes).toEqual([{ entity: 'department', op: 'removed', key: '10000' }]);
    expect(written(result).departments['10001']?.parentCode).toBe('10000');
    expect(written(result).users).toBe(doc.users);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('handles the orgCode %s as plain data', (orgCode) => {
    expect(run(applySingleOrgSync, populated(), orgReq(0, orgCode), envAt(T0 + 1)).next).toBeUndefined();
    const added = written(run(applySingleOrgSync, populated(), orgReq(1, orgCode, '奇怪部'), envAt(T0 + 1)));
    expect(Object.getPrototypeOf(added.departments)).toBe(Object.prototype);
    expect(Object.hasOwn(added.departments, orgCode)).toBe(true);
    expect(JSON.parse(JSON.stringify(added)).departments[orgCode].orgName).toBe('奇怪部');
    expect(run(applySingleOrgSync, added, orgReq(1, orgCode, '奇怪部'), envAt(T0 + 2)).next).toBeUndefined();
    const removed = written(run(applySingleOrgSync, added, orgReq(0, orgCode), envAt(T0 + 2)));
    expect(Object.hasOwn(removed.departments, orgCode)).toBe(false);
  });
});

describe('applyAllOrgSync', () => {
  it('replaces the departments: creates new ones, updates changed ones, keeps identical ones, removes missing ones one change each', () => {
    let doc = populated();
    for (const [code, parent] of [['10002', '10000'], ['10003', '10000'], ['10004', '10003']] as const) {
      doc = written(run(applySingleOrgSync, doc, orgReq(1, code, `部门${code}`, parent), envAt(T0)));
    }
    const result = run(
      applyAllOrgSync,
      doc,
      allOrgReq([
        { orgCode: '10005', orgName: '新部门', parentCode: '10000' },
        { orgCode: '10000', orgName: '总部' },
        { orgCode: '10001', orgName: '开发一部', parentCode: '10000' },
      ]),
      envAt(T0 + 10),
    );
    expect(result.changes).toEqual([
      { entity: 'department', op: 'created', key: '10005' },
      { entity: 'department', op: 'updated', key: '10001' },
      { entity: 'department', op: 'removed', key: '10002' },
      { entity: 'department', op: 'removed', key: '10003' },
      { entity: 'department', op: 'removed', key: '10004' },
    ]);
    const next = written(result);
    expect(next.departments['10000']).toBe(doc.departments['10000']);
    expect(next.departments['10000']?.updatedAt).toBe(T0);
    expect(tenantView(next).departments).toEqual([
      { orgCode: '10000', orgName: '总部', parentCode: '' },
      { orgCode: '10001', orgName: '开发一部', parentCode: '10000' },
      { orgCode: '10005', orgName: '新部门', parentCode: '10000' },
    ]);
  });

  it('the same list again changes nothing, whatever its order', () => {
    const list = [{ orgCode: '10001', orgName: '开发部', parentCode: '10000' }, { orgCode: '10000', orgName: '总部', parentCode: '' }];
    expect(run(applyAllOrgSync, populated(), allOrgReq(list), envAt(T0 + 1))).toEqual({ next: undefined, changes: [] });
  });

  it('accepts the V1 form (orgInfo JSON string, name instead of orgName) and the V2 bare-key string', () => {
    const v1 = allOrgReq(undefined, { orgInfoList: undefined, orgInfo: '[{"orgCode":"10000","name":"总部"},{"orgCode":"10001","name":"开发部","parentCode":"10000"}]' });
    expect(run(applyAllOrgSync, populated(), v1, envAt(T0 + 1)).next).toBeUndefined();
    const bare = allOrgReq('[{orgCode:"10000", orgName:"总部"}, {orgCode:"10001", orgName:"开发部", parentCode:"10000"}]', { flag: 1 });
    expect(run(applyAllOrgSync, populated(), bare, envAt(T0 + 1)).next).toBeUndefined();
  });

  it('an empty list removes every department; on a tenant without departments it has nothing to do', () => {
    const result = run(applyAllOrgSync, populated(), allOrgReq([]), envAt(T0 + 1));
    expect(result.changes).toEqual([
      { entity: 'department', op: 'removed', key: '10000' },
      { entity: 'department', op: 'removed', key: '10001' },
    ]);
    expect(written(result).departments).toEqual({});
    expect(run(applyAllOrgSync, written(result), allOrgReq([]), envAt(T0 + 2)).next).toBeUndefined();
    expect(run(applyAllOrgSync, null, allOrgReq([]), envAt(T0 + 2)).next).toBeUndefined();
  });

  it('an orgCode listed twice: the last entry wins, one change', () => {
    const result = run(applyAllOrgSync, null, allOrgReq([{ orgCode: '1', orgName: 'a' }, { orgCode: '1', orgName: 'b' }]), envAt(T0));
    expect(result.changes).toEqual([{ entity: 'tenant', op: 'created', key: TENANT_ID }, { entity: 'department', op: 'created', key: '1' }]);
    expect(written(result).departments['1']?.orgName).toBe('b');
  });
});
