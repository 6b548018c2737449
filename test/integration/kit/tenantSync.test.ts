/**
 * tenantSync (§5) through the real function on MemoryStore, a standalone Redis and a 3-master Redis Cluster:
 * add / modify / delete, several instances bound to one tenant, the cascade of the last unbind, and every
 * idempotency rule (a repeated add creates nothing new, a repeated delete succeeds when nothing is there, a
 * delete never checks the instance), checked through the read API and the audit log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allOrgBody, applicationBody, authBody, newBinding, singleOrgBody, tenantBody, type KitBinding } from '../../../infra/emulator/kitBodies';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import { instanceTag } from '../../../shared/store/keys';
import type { Store } from '../../../shared/store/Store';
import { auditOf, changing, encryptSecret, kitSuite, kitTargets, versionOf, type KitHarness } from './harness';

const OK = { resultCode: '000000', resultMsg: expect.any(String) };

describe.each(kitTargets())('kit tenantSync on $name', (target) => {
  const suite = kitSuite(target);
  let store: Store;
  let kit: KitHarness;
  let publicKeyPem: string;
  beforeAll(() => ({ store, kit, publicKeyPem } = suite));

  const on = (b: KitBinding, instanceId: string): KitBinding => ({ ...b, instanceId, orderId: `CS-${instanceId}` });

  /** A tenant bound to `instances`, with an app per instance, two users and two departments. */
  async function populated(instances: string[]): Promise<KitBinding> {
    const b = newBinding(instances[0]!, `CS-${instances[0]}`, 0);
    for (const i of instances) {
      expect((await kit.call('tenantSync', tenantBody(on(b, i), 1))).json).toEqual(OK);
      expect((await kit.call('applicationSync', applicationBody(on(b, i), 1, `client-${i}`, encryptSecret(publicKeyPem, `secret-${i}`)))).json).toEqual(OK);
    }
    const users = [
      { userName: 'zhangsan01', name: '张三', orgCode: 'D1', role: 'admin', enable: 'true' },
      { userName: 'lisi02', name: '李四', orgCode: 'D2', role: 'user', enable: 'true' },
    ];
    expect((await kit.call('authSync', authBody(b, 1, users))).json).toEqual(OK);
    expect((await kit.call('allOrgSync', allOrgBody(b, [{ orgCode: 'D1', orgName: '总部', parentCode: '' }]))).json).toEqual(OK);
    expect((await kit.call('singleOrgSync', singleOrgBody(b, 1, { orgCode: 'D2', orgName: '开发部', parentCode: 'D1' }))).json).toEqual(OK);
    return b;
  }

  it('add creates the tenant and binds the instance; a repeated add answers 000000 and creates nothing new', async () => {
    const b = newBinding('inst-add-1', 'CS-add-1', 0);
    const first = await kit.call('tenantSync', tenantBody(b, 1, '华为测试企业', 'https://example.tenantaccount.com'));
    expect(first.status).toBe(200);
    expect(first.headers['Content-Type']).toMatch(/^application\/json/);
    expect(first.json).toEqual(OK);

    const view = await readTenant(store, b.tenantId);
    expect(view).toEqual({
      tenant: { tenantId: b.tenantId, tenantCode: b.tenantCode, name: '华为测试企业', domainName: 'https://example.tenantaccount.com', test: false },
      instances: ['inst-add-1'], applications: [], users: [], departments: [],
    });
    expect(await listTenants(store)).toContainEqual(expect.objectContaining({ tenantId: b.tenantId, test: false, instances: ['inst-add-1'], users: 0, departments: 0 }));
    const version = await versionOf(store, b.tenantId);
    expect(version).toBeGreaterThan(0);

    for (let i = 0; i < 3; i++) {
      expect((await kit.call('tenantSync', tenantBody(b, 1, '华为测试企业', 'https://example.tenantaccount.com'))).json).toEqual(OK);
    }
    expect(await versionOf(store, b.tenantId)).toBe(version);
    expect(await readTenant(store, b.tenantId)).toEqual(view);
    expect((await listTenants(store)).filter((t) => t.tenantId === b.tenantId)).toHaveLength(1);

    const audit = await auditOf(store, b.tenantId);
    expect(audit).toHaveLength(4);
    for (const e of audit) expect(e).toMatchObject({ activity: 'tenantSync', resultCode: '000000', orderId: 'CS-add-1', nonce: expect.any(String) });
    expect(changing(audit)).toHaveLength(1);
    expect(audit[3]!.detail).toMatch(/1 tenant created, 1 instance bound/);
  });

  it('binds several instances to one tenant, in order, each once; modify changes name and domain and nothing else', async () => {
    const b = newBinding('inst-m-A', 'CS-m-A', 0);
    for (const i of ['inst-m-A', 'inst-m-B', 'inst-m-C', 'inst-m-B', 'inst-m-A']) {
      expect((await kit.call('tenantSync', tenantBody(on(b, i), 1))).json).toEqual(OK);
    }
    expect((await readTenantDoc(store, b.tenantId))?.instances).toEqual(['inst-m-A', 'inst-m-B', 'inst-m-C']);
    expect(changing(await auditOf(store, b.tenantId))).toHaveLength(3);

    const modified = await kit.call('tenantSync', tenantBody(on(b, 'inst-m-B'), 2, '改名后的企业', 'https://renamed.tenantaccount.com'));
    expect(modified.json).toEqual(OK);
    const view = await readTenant(store, b.tenantId);
    expect(view?.tenant).toEqual({ tenantId: b.tenantId, tenantCode: b.tenantCode, name: '改名后的企业', domainName: 'https://renamed.tenantaccount.com', test: false });
    expect(view?.instances).toEqual(['inst-m-A', 'inst-m-B', 'inst-m-C']);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^1 tenant updated; tenant:/);

    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('tenantSync', tenantBody(on(b, 'inst-m-B'), 2, '改名后的企业', 'https://renamed.tenantaccount.com'))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toBeUndefined();
  });

  it('modify of a tenant never added creates it (the latest word is kept), and binds the instance', async () => {
    const b = newBinding('inst-mod-new', 'CS-mod-new', 0);
    expect((await kit.call('tenantSync', tenantBody(b, 2, '先改后增'))).json).toEqual(OK);
    const view = await readTenant(store, b.tenantId);
    expect(view?.tenant.name).toBe('先改后增');
    expect(view?.instances).toEqual(['inst-mod-new']);
  });

  it('delete unbinds that instance and drops its application bindings; users, departments and other instances stay', async () => {
    const b = await populated(['inst-d-A', 'inst-d-B']);
    const before = await readTenant(store, b.tenantId);
    expect(before?.instances).toEqual(['inst-d-A', 'inst-d-B']);
    expect(before?.applications.map((a) => a.instanceId)).toEqual(['inst-d-A', 'inst-d-B']);
    expect(before?.users).toHaveLength(2);
    expect(before?.departments).toHaveLength(2);

    expect((await kit.call('tenantSync', tenantBody(on(b, 'inst-d-B'), 0))).json).toEqual(OK);
    const after = await readTenant(store, b.tenantId);
    expect(after?.instances).toEqual(['inst-d-A']);
    expect(after?.applications.map((a) => [a.instanceId, a.clientId])).toEqual([['inst-d-A', 'client-inst-d-A']]);
    expect(after?.users).toEqual(before?.users);
    expect(after?.departments).toEqual(before?.departments);
    expect(after?.tenant).toEqual(before?.tenant);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^1 instance unbound, 1 application removed; instance:inst-d-B application:/);

    // A repeated delete, and a delete of an instance that was never bound: success, nothing changes.
    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('tenantSync', tenantBody(on(b, 'inst-d-B'), 0))).json).toEqual(OK);
    expect((await kit.call('tenantSync', tenantBody(on(b, 'inst-never-bound'), 0))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
    expect(await readTenant(store, b.tenantId)).toEqual(after);
    expect(changing((await auditOf(store, b.tenantId)).slice(0, 2))).toEqual([]);
  });

  it('deleting the last instance removes the tenant with its apps, users and departments; the audit stays', async () => {
    const b = await populated(['inst-last-A']);
    const auditBefore = await auditOf(store, b.tenantId);
    expect(auditBefore.length).toBe(5);

    expect((await kit.call('tenantSync', tenantBody(b, 0))).json).toEqual(OK);
    expect(await readTenant(store, b.tenantId)).toBeNull();
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(b.tenantId);

    const audit = await auditOf(store, b.tenantId);
    expect(audit.slice(1)).toEqual(auditBefore);
    expect(audit[0]).toMatchObject({ activity: 'tenantSync', resultCode: '000000' });
    expect(audit[0]!.detail).toMatch(/^1 instance unbound, 1 tenant removed; instance:inst-last-A tenant:/);

    // Repeated delete: success, nothing comes back.
    expect((await kit.call('tenantSync', tenantBody(b, 0))).json).toEqual(OK);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect((await auditOf(store, b.tenantId))).toHaveLength(audit.length + 1);

    // Binding again starts a fresh tenant: nothing of the removed one returns.
    expect((await kit.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
    const fresh = await readTenant(store, b.tenantId);
    expect(fresh).toMatchObject({ instances: ['inst-last-A'], applications: [], users: [], departments: [] });
    expect((await listTenants(store)).filter((t) => t.tenantId === b.tenantId)).toHaveLength(1);
  });

  it('a delete for a tenant never seen answers 000000, creates nothing and never looks at the lifecycle instance', async () => {
    const b = newBinding('inst-no-such-order', 'CS-none', 0);
    expect(await store.read([instanceTag(b.instanceId)])).toEqual([{ record: null, version: 0 }]);
    for (let i = 0; i < 2; i++) expect((await kit.call('tenantSync', tenantBody(b, 0))).json).toEqual(OK);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await versionOf(store, b.tenantId)).toBe(0);
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(b.tenantId);
    expect(await store.read([instanceTag(b.instanceId)])).toEqual([{ record: null, version: 0 }]);
    expect(changing(await auditOf(store, b.tenantId))).toEqual([]);
  });

  it('takes flag and testFlag as decimal strings and keeps unknown fields from failing the call', async () => {
    const b = newBinding('inst-str', 'CS-str', 0);
    const body = { ...tenantBody(b, 1), flag: '1', testFlag: '0', somethingNew: { x: 1 } };
    expect((await kit.call('tenantSync', body)).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-str']);
  });

  it.each([
    ['an unknown flag', { flag: 3 }, /flag/],
    ['a missing tenantId', { tenantId: undefined }, /tenantId/],
    ['a name over 255 characters', { name: 'x'.repeat(256) }, /name/],
    ['testFlag 2', { testFlag: 2 }, /testFlag/],
  ])('refuses %s with 000002 naming the field and stores nothing', async (_what, patch, field) => {
    const b = newBinding('inst-bad', 'CS-bad', 0);
    const body: Record<string, unknown> = { ...tenantBody(b, 1), ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete body[k];
    const r = await kit.call('tenantSync', body);
    expect(r.status).toBe(200);
    expect(r.json.resultCode).toBe('000002');
    expect(r.json.resultMsg).toMatch(field);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
  });
});
