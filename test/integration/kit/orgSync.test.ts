/**
 * singleOrgSync (§8) and allOrgSync (§9) through the real functions on MemoryStore, a standalone Redis and a
 * 3-master Redis Cluster: department add / rename / re-parent / delete, allOrgSync as a full replacement
 * (missing departments removed, the audit naming them), the list quirks of §9, and the idempotency rules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allOrgBody, bareKeyOrgText, newBinding, orgTree, singleOrgBody, tenantBody } from '../../../infra/emulator/kitBodies';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import type { Store } from '../../../shared/store/Store';
import { auditOf, changing, kitSuite, kitTargets, versionOf, type KitHarness } from './harness';

const OK = { resultCode: '000000', resultMsg: expect.any(String) };

describe.each(kitTargets())('kit department sync on $name', (target) => {
  const suite = kitSuite(target, { rsa: false });
  let store: Store;
  let kit: KitHarness;
  beforeAll(() => ({ store, kit } = suite));

  const departments = async (tenantId: string) => (await readTenant(store, tenantId))?.departments;

  it('singleOrgSync: add, repeated add, rename, re-parent, delete, repeated delete', async () => {
    const b = newBinding('inst-org-1', 'CS-org-1', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    expect((await kit.call('singleOrgSync', singleOrgBody(b, 1, { orgCode: '10000', orgName: '总部', parentCode: '' }))).json).toEqual(OK);
    expect((await kit.call('singleOrgSync', singleOrgBody(b, 1, { orgCode: '10001', orgName: '开发部', parentCode: '10000' }))).json).toEqual(OK);
    expect(await departments(b.tenantId)).toEqual([
      { orgCode: '10000', orgName: '总部', parentCode: '' },
      { orgCode: '10001', orgName: '开发部', parentCode: '10000' },
    ]);

    let version = await versionOf(store, b.tenantId);
    expect((await kit.call('singleOrgSync', singleOrgBody(b, 1, { orgCode: '10001', orgName: '开发部', parentCode: '10000' }))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);

    expect((await kit.call('singleOrgSync', singleOrgBody(b, 2, { orgCode: '10001', orgName: '研发部', parentCode: '10000' }))).json).toEqual(OK);
    expect((await kit.call('singleOrgSync', singleOrgBody(b, 1, { orgCode: '10002', orgName: '测试部', parentCode: '10000' }))).json).toEqual(OK);
    expect((await kit.call('singleOrgSync', singleOrgBody(b, 2, { orgCode: '10002', orgName: '测试部', parentCode: '10001' }))).json).toEqual(OK);
    expect(await departments(b.tenantId)).toEqual([
      { orgCode: '10000', orgName: '总部', parentCode: '' },
      { orgCode: '10001', orgName: '研发部', parentCode: '10000' },
      { orgCode: '10002', orgName: '测试部', parentCode: '10001' },
    ]);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toBe('1 department updated; department:10002');

    expect((await kit.call('singleOrgSync', singleOrgBody(b, 0, { orgCode: '10002', orgName: '测试部', parentCode: '10001' }))).json).toEqual(OK);
    expect((await departments(b.tenantId))?.map((d) => d.orgCode)).toEqual(['10000', '10001']);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toBe('1 department removed; department:10002');

    version = await versionOf(store, b.tenantId);
    expect((await kit.call('singleOrgSync', singleOrgBody(b, 0, { orgCode: '10002', orgName: '测试部', parentCode: '10001' }))).json).toEqual(OK);
    expect((await kit.call('singleOrgSync', singleOrgBody({ ...b, instanceId: 'inst-never-bound' }, 0, { orgCode: 'nope', orgName: 'x', parentCode: '' }))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
    const audit = (await auditOf(store, b.tenantId)).filter((e) => e.activity === 'singleOrgSync');
    expect(audit).toHaveLength(9);
    expect(changing(audit)).toHaveLength(6);
  });

  it('singleOrgSync: a delete for a tenant never seen answers 000000 and creates nothing; OrgName and name are read as orgName', async () => {
    const stranger = newBinding('inst-org-never', 'CS-org-never', 0);
    expect((await kit.call('singleOrgSync', singleOrgBody(stranger, 0, { orgCode: '1', orgName: 'x', parentCode: '' }))).json).toEqual(OK);
    expect(await readTenantDoc(store, stranger.tenantId)).toBeNull();
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(stranger.tenantId);

    const b = newBinding('inst-org-2', 'CS-org-2', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    const { orgName: _a, ...noName } = singleOrgBody(b, 1, { orgCode: 'A', orgName: '', parentCode: '' });
    expect((await kit.call('singleOrgSync', { ...noName, OrgName: '大写部' })).json).toEqual(OK);
    const { orgName: _b, ...noName2 } = singleOrgBody(b, 1, { orgCode: 'B', orgName: '', parentCode: 'A' });
    expect((await kit.call('singleOrgSync', { ...noName2, name: 'V1名称' })).json).toEqual(OK);
    expect(await departments(b.tenantId)).toEqual([
      { orgCode: 'A', orgName: '大写部', parentCode: '' },
      { orgCode: 'B', orgName: 'V1名称', parentCode: 'A' },
    ]);
  });

  it('allOrgSync replaces the whole list: missing departments are removed and the audit names them; a repeat changes nothing', async () => {
    const b = newBinding('inst-all-1', 'CS-all-1', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    const tree = orgTree('D', 4); // D00 root, D01-D04 under it, D11 under D01
    expect((await kit.call('allOrgSync', allOrgBody(b, tree))).json).toEqual(OK);
    expect((await departments(b.tenantId))?.map((d) => d.orgCode)).toEqual(['D00', 'D01', 'D02', 'D03', 'D04', 'D11']);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^6 department created;/);

    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('allOrgSync', allOrgBody(b, tree))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toBeUndefined();

    // D03 and D11 dropped, D02 renamed, D04 re-parented, D05 new.
    const next = [
      tree[0]!, tree[1]!, { ...tree[2]!, orgName: '改名部' }, { ...tree[4]!, parentCode: 'D01' }, { orgCode: 'D05', orgName: '新部门', parentCode: 'D00' },
    ];
    expect((await kit.call('allOrgSync', allOrgBody(b, next))).json).toEqual(OK);
    expect(await departments(b.tenantId)).toEqual([
      { orgCode: 'D00', orgName: '总部', parentCode: '' },
      { orgCode: 'D01', orgName: '部门 1/R&D', parentCode: 'D00' },
      { orgCode: 'D02', orgName: '改名部', parentCode: 'D00' },
      { orgCode: 'D04', orgName: '部门 4/R&D', parentCode: 'D01' },
      { orgCode: 'D05', orgName: '新部门', parentCode: 'D00' },
    ]);
    const detail = (await auditOf(store, b.tenantId))[0]!.detail!;
    expect(detail).toMatch(/^2 department updated, 1 department created, 2 department removed;/);
    expect(detail).toContain('department:D03');
    expect(detail).toContain('department:D11');
    expect((await listTenants(store)).find((t) => t.tenantId === b.tenantId)?.departments).toBe(5);

    // An empty list removes every department.
    expect((await kit.call('allOrgSync', allOrgBody(b, []))).json).toEqual(OK);
    expect(await departments(b.tenantId)).toEqual([]);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^5 department removed;/);
    expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-all-1']);
  });

  it('allOrgSync takes the list as a JSON string with bare keys (V2 example), OrgName or name, and the undocumented flag', async () => {
    const b = newBinding('inst-all-2', 'CS-all-2', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    const tree = orgTree('Q', 2);
    expect((await kit.call('allOrgSync', { ...allOrgBody(b, bareKeyOrgText(tree)), flag: 1 })).json).toEqual(OK);
    expect((await departments(b.tenantId))?.map((d) => [d.orgCode, d.orgName, d.parentCode])).toEqual(tree.map((o) => [o.orgCode, o.orgName, o.parentCode]).sort());
    const version = await versionOf(store, b.tenantId);
    const renamedKeys = tree.map((o, i) => (i % 2 === 0 ? { orgCode: o.orgCode, OrgName: o.orgName, parentCode: o.parentCode } : { orgCode: o.orgCode, name: o.orgName, parentCode: o.parentCode }));
    expect((await kit.call('allOrgSync', allOrgBody(b, renamedKeys))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
  });

  it('allOrgSync before tenantSync keeps the departments on a tenant without details; tenantSync then fills them in', async () => {
    const b = newBinding('inst-all-3', 'CS-all-3', 0);
    expect((await kit.call('allOrgSync', allOrgBody(b, orgTree('E', 1)))).json).toEqual(OK);
    expect(await readTenant(store, b.tenantId)).toMatchObject({ tenant: { tenantCode: '', name: '' }, instances: [] });
    expect((await kit.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
    const view = await readTenant(store, b.tenantId);
    expect(view?.tenant.tenantCode).toBe(b.tenantCode);
    expect(view?.departments).toHaveLength(3);
  });

  it.each([
    ['singleOrgSync', 'a missing orgCode', { orgCode: undefined }, /orgCode/],
    ['singleOrgSync', 'an unknown flag', { flag: 3 }, /flag/],
    ['allOrgSync', 'no list at all', { orgInfoList: undefined }, /orgInfoList/],
    ['allOrgSync', 'a department without a name', { orgInfoList: [{ orgCode: 'X' }] }, /orgName/],
  ] as const)('%s refuses %s with 000002 naming the field and stores nothing', async (name, _what, patch, field) => {
    const b = newBinding('inst-org-bad', 'CS-org-bad', 0);
    const base = name === 'singleOrgSync' ? singleOrgBody(b, 1, { orgCode: 'Z', orgName: 'z', parentCode: '' }) : allOrgBody(b, orgTree('Z', 1));
    const body: Record<string, unknown> = { ...base, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete body[k];
    const r = await kit.call(name, body);
    expect(r.json.resultCode).toBe('000002');
    expect(r.json.resultMsg).toMatch(field);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
  });
});
