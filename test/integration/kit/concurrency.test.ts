/**
 * At-least-once delivery (§10) under races, through the real functions on MemoryStore, a standalone Redis
 * and a 3-master Redis Cluster: 50 concurrent duplicates of each call (same body, each with its own nonce,
 * as the marketplace's retries are) all answer 000000 and leave exactly one record, one entity and one
 * changing audit entry, for every flag of every interface.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allOrgBody, applicationBody, authBody, kitUsers, newBinding, orgTree, singleOrgBody, tenantBody, type KitBinding } from '../../../infra/emulator/kitBodies';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import type { KitName } from '../../../shared/protocol/schemas/kit';
import type { Store } from '../../../shared/store/Store';
import { auditOf, changing, encryptSecret, holdingStore, kitHarness, kitSuite, kitTargets, versionOf, type KitHarness } from './harness';

const N = 50;

describe.each(kitTargets())('kit races on $name', (target) => {
  const suite = kitSuite(target);
  let store: Store;
  let kit: KitHarness;
  let publicKeyPem: string;
  beforeAll(() => ({ store, kit, publicKeyPem } = suite));

  /**
   * Sends `body` N times at once (fresh nonces), then checks: every answer 000000, N new audit entries of
   * which exactly one changed something (matching `detail`), and the record written at most once.
   */
  async function race(name: KitName, b: KitBinding, body: Record<string, unknown>, detail: RegExp, test = false): Promise<void> {
    const auditBefore = (await auditOf(store, b.tenantId, test)).length;
    const versionBefore = await versionOf(store, b.tenantId, test);
    const answers = await Promise.all(Array.from({ length: N }, () => kit.call(name, body)));
    expect(answers.map((a) => `${a.status} ${a.json.resultCode}`)).toEqual(Array(N).fill('200 000000'));
    const audit = await auditOf(store, b.tenantId, test);
    const added = audit.slice(0, audit.length - auditBefore);
    expect(added).toHaveLength(N);
    expect(added.every((e) => e.activity === name && e.resultCode === '000000')).toBe(true);
    expect(new Set(added.map((e) => e.nonce)).size).toBe(N);
    const changed = changing(added);
    expect(changed.map((e) => e.detail)).toEqual([expect.stringMatching(detail)]);
    expect(await versionOf(store, b.tenantId, test)).toBe(versionBefore + 1);
  }

  it('tenantSync: add, modify, a second instance, unbind and the final delete, each 50 times at once', async () => {
    const b = newBinding('inst-race-t1', 'CS-race-t1', 0);
    await race('tenantSync', b, tenantBody(b, 1), /^1 tenant created, 1 instance bound;/);
    expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-race-t1']);
    expect((await listTenants(store)).filter((t) => t.tenantId === b.tenantId)).toHaveLength(1);

    await race('tenantSync', b, tenantBody(b, 2, '并发改名'), /^1 tenant updated;/);
    expect((await readTenant(store, b.tenantId))?.tenant.name).toBe('并发改名');

    const b2 = { ...b, instanceId: 'inst-race-t2', orderId: 'CS-race-t2' };
    await race('tenantSync', b2, tenantBody(b2, 1, '并发改名'), /^1 instance bound;/);
    expect((await readTenantDoc(store, b.tenantId))?.instances).toEqual(['inst-race-t1', 'inst-race-t2']);

    await race('tenantSync', b2, tenantBody(b2, 0), /^1 instance unbound;/);
    expect((await readTenantDoc(store, b.tenantId))?.instances).toEqual(['inst-race-t1']);

    await race('tenantSync', b, tenantBody(b, 0), /^1 instance unbound, 1 tenant removed;/);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(b.tenantId);
  });

  it('applicationSync: add (one ciphertext), modify and delete, each 50 times at once', async () => {
    const b = newBinding('inst-race-a', 'CS-race-a', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    await race('applicationSync', b, applicationBody(b, 1, 'client-r1', encryptSecret(publicKeyPem, 'secret-r1')), /^1 application created;/);
    let doc = await readTenantDoc(store, b.tenantId);
    expect(Object.values(doc!.applications).map((a) => [a.clientId, kit.open(a.clientSecretSealed)])).toEqual([['client-r1', 'secret-r1']]);

    await race('applicationSync', b, applicationBody(b, 2, 'client-r2', encryptSecret(publicKeyPem, 'secret-r2')), /^1 application updated;/);
    doc = await readTenantDoc(store, b.tenantId);
    expect(Object.values(doc!.applications).map((a) => [a.clientId, kit.open(a.clientSecretSealed)])).toEqual([['client-r2', 'secret-r2']]);

    await race('applicationSync', b, applicationBody(b, 0, 'client-r2', encryptSecret(publicKeyPem, 'secret-r2')), /^1 application removed;/);
    expect((await readTenant(store, b.tenantId))?.applications).toEqual([]);
  });

  it('authSync: add of 20 users, modify, cancel and delete, each 50 times at once', async () => {
    const b = newBinding('inst-race-u', 'CS-race-u', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    const users = kitUsers('r', 20, orgTree('R'));
    await race('authSync', b, authBody(b, 1, users), /^20 user created;/);
    expect((await readTenant(store, b.tenantId))?.users).toHaveLength(20);

    const renamed = users.map((u) => ({ ...u, name: `${String(u.name)}·改` }));
    await race('authSync', b, authBody(b, 2, renamed), /^20 user updated;/);
    expect((await readTenant(store, b.tenantId))?.users.every((u) => u.name.endsWith('·改'))).toBe(true);

    await race('authSync', b, authBody(b, 3, renamed), /^20 user cancelled;/);
    expect((await readTenant(store, b.tenantId))?.users.every((u) => !u.authorized)).toBe(true);

    await race('authSync', b, authBody(b, 0, renamed), /^20 user removed;/);
    expect((await readTenant(store, b.tenantId))?.users).toEqual([]);
  });

  it('singleOrgSync and allOrgSync: add, modify, delete and a full list, each 50 times at once', async () => {
    const b = newBinding('inst-race-o', 'CS-race-o', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    await race('singleOrgSync', b, singleOrgBody(b, 1, { orgCode: 'S1', orgName: '并发部', parentCode: '' }), /^1 department created; department:S1$/);
    await race('singleOrgSync', b, singleOrgBody(b, 2, { orgCode: 'S1', orgName: '并发部2', parentCode: '' }), /^1 department updated; department:S1$/);
    expect((await readTenant(store, b.tenantId))?.departments).toEqual([{ orgCode: 'S1', orgName: '并发部2', parentCode: '' }]);
    await race('singleOrgSync', b, singleOrgBody(b, 0, { orgCode: 'S1', orgName: '并发部2', parentCode: '' }), /^1 department removed; department:S1$/);
    expect((await readTenant(store, b.tenantId))?.departments).toEqual([]);

    await race('allOrgSync', b, allOrgBody(b, orgTree('F', 3)), /^5 department created;/);
    await race('allOrgSync', b, allOrgBody(b, orgTree('F', 1)), /^2 department removed;/);
    expect((await readTenant(store, b.tenantId))?.departments.map((d) => d.orgCode)).toEqual(['F00', 'F01', 'F11']);
  });

  it('50 distinct changes racing on one tenant are all applied: every answer 000000, every user stored once', async () => {
    const b = newBinding('inst-race-d', 'CS-race-d', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      kit.call('authSync', authBody(b, 1, [{ userName: `d${i}`, name: `d${i}`, orgCode: '', role: 'user', enable: 'true' }]))));
    const stored = new Set((await readTenant(store, b.tenantId))?.users.map((u) => u.userName));
    answers.forEach((a, i) => {
      if (a.json.resultCode === '000000') expect(stored.has(`d${i}`)).toBe(true);
      else {
        expect(a.json.resultCode).toBe('000005');
        expect(stored.has(`d${i}`)).toBe(false);
      }
    });
    expect(changing(await auditOf(store, b.tenantId)).filter((e) => e.activity === 'authSync')).toHaveLength(stored.size);
    // The compare-and-set retries with backoff long enough for a burst this size.
    expect(answers.map((a) => a.json.resultCode)).toEqual(answers.map(() => '000000'));
    expect(stored.size).toBe(50);
  });

  // The index entry of a removed tenant is dropped after the removal is committed. A binding that re-creates
  // the tenant in between must stay listed: the removal re-reads after unlisting and the creation lists
  // again after its write.
  it('a tenant re-created while its removal is still unlisting it stays listed', async () => {
    const held = holdingStore(store, 'removeFromIndex');
    const slow = kitHarness({ store: held.store, settings: target.settings() });
    const b = newBinding('inst-race-idx1', 'CS-race-idx1', 0);
    expect((await slow.call('tenantSync', tenantBody(b, 1))).json.resultCode).toBe('000000');
    held.hold();
    const removal = slow.call('tenantSync', tenantBody(b, 0)); // commits, then waits to unlist
    for (let i = 0; i < 200 && (await readTenantDoc(store, b.tenantId)) !== null; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    const b2 = { ...b, instanceId: 'inst-race-idx2', orderId: 'CS-race-idx2' };
    expect((await slow.call('tenantSync', tenantBody(b2, 1))).json.resultCode).toBe('000000');
    held.release();
    expect((await removal).json.resultCode).toBe('000000');
    expect((await readTenantDoc(store, b.tenantId))?.instances).toEqual(['inst-race-idx2']);
    expect((await listTenants(store)).map((t) => t.tenantId)).toContain(b.tenantId);
  });

  it('seller test data: 50 duplicates of the credential calls leave one test tenant', async () => {
    const b = newBinding('', '', 1);
    await race('tenantSync', b, tenantBody(b, 1), /^1 tenant created, 1 instance bound;/, true);
    await race('allOrgSync', b, allOrgBody(b, orgTree('X', 2)), /^4 department created;/, true);
    expect((await listTenants(store)).filter((t) => t.tenantId === b.tenantId)).toEqual([expect.objectContaining({ test: true, departments: 4 })]);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
  });
});
