/**
 * Seller test data (§4: testFlag 1, empty instanceId/orderId) through the real functions on MemoryStore, a
 * standalone Redis and a 3-master Redis Cluster: verified and validated like real calls, answered 000000,
 * kept under its own tag (`tenantTag(id, true)`) with a TTL of about 30 days, never visible as production data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allOrgBody, applicationBody, authBody, newBinding, orgTree, singleOrgBody, tenantBody } from '../../../infra/emulator/kitBodies';
import { TEST_DATA_TTL_S } from '../../../shared/kit/kitSpec';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import { auditKey, recordKey, tenantTag } from '../../../shared/store/keys';
import { DEFAULT_RETENTION } from '../../../shared/store/limits';
import type { Store } from '../../../shared/store/Store';
import { auditOf, encryptSecret, kitSuite, kitTargets, ttlOf, type KitHarness } from './harness';

const OK = { resultCode: '000000', resultMsg: expect.any(String) };
const DAYS_30_S = 30 * 24 * 3600;

describe.each(kitTargets())('kit seller test data on $name', (target) => {
  const suite = kitSuite(target);
  let store: Store;
  let kit: KitHarness;
  let publicKeyPem: string;
  beforeAll(() => ({ store, kit, publicKeyPem } = suite));

  /** The seller's credential application and test account (§4), every call with testFlag 1 and empty ids. */
  async function sellerFlow(tenantId?: string) {
    const b = { ...newBinding('', '', 1), ...(tenantId ? { tenantId } : {}) };
    const calls = [
      ['tenantSync', tenantBody(b, 1)],
      ['applicationSync', applicationBody(b, 1, 'test-client', encryptSecret(publicKeyPem, 'test-secret'))],
      ['allOrgSync', allOrgBody(b, orgTree('T', 2))],
      ['authSync', authBody(b, 1, [{ userName: 'seller-test', name: '测试账号', orgCode: 'T00', role: 'admin', enable: 'true' }])],
      ['singleOrgSync', singleOrgBody(b, 1, { orgCode: 'T09', orgName: '测试部', parentCode: 'T00' })],
    ] as const;
    for (const [name, body] of calls) {
      expect(body.instanceId).toBe('');
      const r = await kit.call(name, body);
      expect({ name, ...r.json }).toEqual({ name, ...OK });
    }
    return b;
  }

  it('answers every interface 000000 and keeps the data under the test tag only', async () => {
    const b = await sellerFlow();
    expect(await readTenant(store, b.tenantId)).toBeNull();
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    const view = await readTenant(store, b.tenantId, { test: true });
    expect(view?.tenant).toMatchObject({ tenantId: b.tenantId, test: true });
    expect(view?.instances).toEqual(['']);
    expect(view?.applications).toEqual([expect.objectContaining({ instanceId: '', clientId: 'test-client', clientSecretSet: true })]);
    expect(view?.users.map((u) => u.userName)).toEqual(['seller-test']);
    expect(view?.departments.map((d) => d.orgCode)).toEqual(['T00', 'T01', 'T02', 'T09', 'T11']);
    const doc = await readTenantDoc(store, b.tenantId, { test: true });
    expect(kit.open(Object.values(doc!.applications)[0]!.clientSecretSealed)).toBe('test-secret');

    const listed = (await listTenants(store)).filter((t) => t.tenantId === b.tenantId);
    expect(listed).toEqual([expect.objectContaining({ tenantId: b.tenantId, test: true, instances: [''], users: 1, departments: 5 })]);

    const audit = await auditOf(store, b.tenantId, true);
    expect(audit).toHaveLength(5);
    for (const e of audit) expect(e).toMatchObject({ resultCode: '000000', test: true });
    expect(audit.map((e) => e.activity).reverse()).toEqual(['tenantSync', 'applicationSync', 'allOrgSync', 'authSync', 'singleOrgSync']);
    expect(await auditOf(store, b.tenantId)).toEqual([]);
  });

  it('keeps a production tenant and the test data of the same tenantId apart, each untouched by the other', async () => {
    const test = await sellerFlow();
    const prod = { ...newBinding('inst-prod', 'CS-prod', 0), tenantId: test.tenantId };
    expect((await kit.call('tenantSync', tenantBody(prod, 1, '正式企业'))).json).toEqual(OK);
    expect((await kit.call('authSync', authBody(prod, 1, [{ userName: 'buyer-user', name: '买家', orgCode: '', role: 'user', enable: 'true' }]))).json).toEqual(OK);

    const prodView = await readTenant(store, test.tenantId);
    expect(prodView?.tenant).toMatchObject({ name: '正式企业', test: false });
    expect(prodView?.instances).toEqual(['inst-prod']);
    expect(prodView?.users.map((u) => u.userName)).toEqual(['buyer-user']);
    expect(prodView?.applications).toEqual([]);
    expect(prodView?.departments).toEqual([]);
    expect((await readTenant(store, test.tenantId, { test: true }))?.users.map((u) => u.userName)).toEqual(['seller-test']);
    expect((await listTenants(store)).filter((t) => t.tenantId === test.tenantId).map((t) => t.test)).toEqual([false, true]);

    // Deleting the test tenant leaves production alone, and the other way round.
    expect((await kit.call('tenantSync', tenantBody(test, 0))).json).toEqual(OK);
    expect(await readTenantDoc(store, test.tenantId, { test: true })).toBeNull();
    expect((await readTenant(store, test.tenantId))?.users).toHaveLength(1);
    expect((await listTenants(store)).filter((t) => t.tenantId === test.tenantId).map((t) => t.test)).toEqual([false]);
  });

  it('is verified and validated like a real call: bad signature 000001, bad field 000002, nothing stored', async () => {
    const b = newBinding('', '', 1);
    expect((await kit.call('tenantSync', tenantBody(b, 1), { sign: '00'.repeat(32) })).json.resultCode).toBe('000001');
    expect((await kit.call('tenantSync', tenantBody(b, 1), { timestamp: String(Date.now() - 120_000) })).json.resultCode).toBe('000002');
    expect((await kit.call('tenantSync', { ...tenantBody(b, 1), flag: 7 })).json.resultCode).toBe('000002');
    expect((await kit.call('applicationSync', applicationBody(b, 1, 'c', 'garbage'))).json).toMatchObject({ resultCode: '000002', resultMsg: expect.stringMatching(/clientSecret/) });
    expect(await readTenantDoc(store, b.tenantId, { test: true })).toBeNull();
    expect(await auditOf(store, b.tenantId, true)).toEqual([]);
  });

  if (target.kind === 'memory') {
    it('expires about 30 days after its last change (MemoryStore clock moved), production data stays', async () => {
      expect(TEST_DATA_TTL_S).toBe(DAYS_30_S);
      const b = await sellerFlow();
      const prod = { ...newBinding('inst-keep', 'CS-keep', 0), tenantId: b.tenantId };
      expect((await kit.call('tenantSync', tenantBody(prod, 1))).json).toEqual(OK);
      try {
        target.clockOffsetMs = (DAYS_30_S - 120) * 1000;
        expect(await readTenantDoc(store, b.tenantId, { test: true })).not.toBeNull();
        target.clockOffsetMs = (DAYS_30_S + 120) * 1000;
        expect(await readTenantDoc(store, b.tenantId, { test: true })).toBeNull();
        expect(await auditOf(store, b.tenantId, true)).toEqual([]);
        expect((await listTenants(store)).filter((t) => t.tenantId === b.tenantId).map((t) => t.test)).toEqual([false]);
        expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-keep']);
      } finally {
        target.clockOffsetMs = 0;
      }
    });
  } else {
    it('sets a TTL of about 30 days on the test record and its audit log (raw Redis), none on the production record', async () => {
      const b = await sellerFlow();
      const prod = { ...newBinding('inst-keep', 'CS-keep', 0), tenantId: b.tenantId };
      expect((await kit.call('tenantSync', tenantBody(prod, 1))).json).toEqual(OK);
      const raw = target.rawClients();
      for (const key of [recordKey(tenantTag(b.tenantId, true)), auditKey(tenantTag(b.tenantId, true))]) {
        const ttl = await ttlOf(raw, key);
        expect({ key, ttl }).toEqual({ key, ttl: expect.any(Number) });
        expect(ttl).toBeGreaterThan(DAYS_30_S - 120);
        expect(ttl).toBeLessThanOrEqual(DAYS_30_S);
      }
      expect(await ttlOf(raw, recordKey(tenantTag(b.tenantId)))).toBe(-1);
      // Production audit logs are bounded too (KG_RETAIN_AUDIT_DAYS, default 400 days after the last entry).
      expect(await ttlOf(raw, auditKey(tenantTag(b.tenantId)))).toBeGreaterThan(DAYS_30_S);
      expect(await ttlOf(raw, auditKey(tenantTag(b.tenantId)))).toBeLessThanOrEqual(DEFAULT_RETENTION.auditTtlSeconds);
      // A later call that changes nothing renews the TTL all the same (30 days after the last call).
      expect((await kit.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
      expect(await ttlOf(raw, recordKey(tenantTag(b.tenantId, true)))).toBeGreaterThan(DAYS_30_S - 120);
    });
  }
});
