/**
 * The kit's wire (§2) through the real functions on MemoryStore, a standalone Redis and a 3-master Redis
 * Cluster: the V1 forms (authToken header, JSON and form-encoded bodies, Body-Sign on the answer made with
 * the kit key that verified), the key ring, the basic key refused with 000001, stale and future timestamps,
 * missing headers and a replayed nonce refused with 000002, and nothing changed by any refused call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allOrgBody, applicationBody, authBody, newBinding, singleOrgBody, tenantBody, type KitBinding } from '../../../infra/emulator/kitBodies';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import type { KitName } from '../../../shared/protocol/schemas/kit';
import type { Store } from '../../../shared/store/Store';
import {
  BASIC_KEY, KIT_KEY, KIT_KEY_OLD, KIT_NAMES, auditOf, encryptSecret, expectedBodySign, kitSuite, kitTargets, v1Event, v2Event, versionOf,
  type KitAnswer, type KitHarness,
} from './harness';

const OK = { resultCode: '000000', resultMsg: expect.any(String) };

describe.each(kitTargets())('kit wire on $name', (target) => {
  const suite = kitSuite(target);
  let store: Store;
  let kit: KitHarness;
  let publicKeyPem: string;
  beforeAll(() => ({ store, kit, publicKeyPem } = suite));

  /** Each interface's V1 body (lists as JSON strings, V1's `orgInfo` with `name`). */
  function v1Bodies(b: KitBinding): Record<KitName, Record<string, unknown>> {
    const org = { orgCode: 'V1-10', orgName: '一级部门', parentCode: '' };
    const all = allOrgBody(b, []);
    delete all.orgInfoList;
    return {
      tenantSync: tenantBody(b, 1, 'V1 企业 & 名称'),
      applicationSync: applicationBody(b, 1, 'v1-client', encryptSecret(publicKeyPem, 'v1-secret')),
      authSync: authBody(b, 1, JSON.stringify([{ userName: 'zhangsan01', name: '张三', position: '系统管理员', orgCode: 'V1-10', role: 'admin', enable: 'true', employeeCode: '', mobile: '', email: '', extension: { entryDate: '2022-11-9', employeeType: '4', workPlace: '南京' } }])),
      singleOrgSync: singleOrgBody(b, 1, org),
      allOrgSync: { ...all, orgInfo: JSON.stringify([{ orgCode: 'V1-00', name: '产品部', parentCode: '' }, { orgCode: 'V1-01', name: '开发部', parentCode: 'V1-00' }]) },
    };
  }

  async function expectV1Tenant(b: KitBinding): Promise<void> {
    const view = await readTenant(store, b.tenantId);
    expect(view?.tenant).toMatchObject({ tenantCode: b.tenantCode, name: 'V1 企业 & 名称' });
    expect(view?.instances).toEqual([b.instanceId]);
    expect(view?.applications.map((a) => [a.clientId, a.clientSecretSet])).toEqual([['v1-client', true]]);
    const doc = await readTenantDoc(store, b.tenantId);
    expect(kit.open(Object.values(doc!.applications)[0]!.clientSecretSealed)).toBe('v1-secret');
    expect(view?.users.map((u) => [u.userName, u.role, u.employeeType, u.workPlace])).toEqual([['zhangsan01', 'admin', 4, '南京']]);
    expect(view?.departments.map((d) => [d.orgCode, d.orgName, d.parentCode])).toEqual([['V1-00', '产品部', ''], ['V1-01', '开发部', 'V1-00'], ['V1-10', '一级部门', '']]);
  }

  const expectSigned = (r: KitAnswer, key: string): void => {
    expect(r.status).toBe(200);
    expect(r.headers['Content-Type']).toMatch(/^application\/json/);
    expect(r.headers['Body-Sign']).toBe(expectedBodySign(key, r.raw));
  };

  it.each([
    ['JSON', false],
    ['form-encoded', true],
  ])('V1 with a %s body: every interface applies, each answer carries Body-Sign made with the kit key', async (_kind, form) => {
    const b = newBinding(`inst-v1-${form ? 'form' : 'json'}`, 'CS-v1', 0);
    const bodies = v1Bodies(b);
    // The order of a binding (§4), then the test account and a department change.
    for (const name of ['tenantSync', 'applicationSync', 'allOrgSync', 'authSync', 'singleOrgSync'] as const) {
      const r = await kit.send(name, v1Event(name, bodies[name], { form }));
      expect({ name, ...r.json }).toEqual({ name, ...OK });
      expectSigned(r, KIT_KEY);
    }
    await expectV1Tenant(b);
    // V1 delete (flag 0) of the tenant: the last instance goes, and the tenant with it.
    const del = await kit.send('tenantSync', v1Event('tenantSync', tenantBody(b, 0), { form }));
    expect(del.json).toEqual(OK);
    expectSigned(del, KIT_KEY);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
  });

  it('V1 signed with the older key of the ring is accepted and answered with Body-Sign under that key', async () => {
    const b = newBinding('inst-v1-old', 'CS-v1-old', 0);
    const r = await kit.send('tenantSync', v1Event('tenantSync', tenantBody(b, 1), { key: KIT_KEY_OLD }));
    expect(r.json).toEqual(OK);
    expectSigned(r, KIT_KEY_OLD);
    expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-v1-old']);
    expect((await kit.call('tenantSync', tenantBody(b, 2, 'renamed'), { key: KIT_KEY_OLD })).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))?.tenant.name).toBe('renamed');
  });

  it.each([
    ['V2', (name: KitName, body: Record<string, unknown>) => v2Event(name, body, { key: BASIC_KEY })],
    ['V1 JSON', (name: KitName, body: Record<string, unknown>) => v1Event(name, body, { key: BASIC_KEY })],
    ['V1 form', (name: KitName, body: Record<string, unknown>) => v1Event(name, body, { key: BASIC_KEY, form: true })],
  ])('%s signed with the basic-interface key is refused with 000001 on every interface, nothing stored', async (_kind, event) => {
    const b = newBinding('inst-basic', 'CS-basic', 0);
    const bodies = v1Bodies(b);
    for (const name of KIT_NAMES) {
      const r = await kit.send(name, event(name, bodies[name]));
      expect({ name, code: r.json.resultCode }).toEqual({ name, code: '000001' });
      expect(r.status).toBe(200);
      // Refused before any key matched: signed, if at all, with the newest kit key, never the basic key.
      if (r.headers['Body-Sign'] !== undefined) expect(r.headers['Body-Sign']).toBe(expectedBodySign(KIT_KEY, r.raw));
    }
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(b.tenantId);
  });

  it('V1 with a wrong or missing authToken, or a body changed after signing, is refused with 000001', async () => {
    const b = newBinding('inst-v1-bad', 'CS-v1-bad', 0);
    const body = tenantBody(b, 1);
    const good = v1Event('tenantSync', body);
    const tampered = { ...good, body: Buffer.from(JSON.stringify({ ...body, name: 'changed' })).toString('base64') };
    const missing = { ...good, headers: { 'content-type': 'application/json' } };
    for (const e of [v1Event('tenantSync', body, { authToken: 'AAAA' }), tampered, missing]) {
      expect((await kit.send('tenantSync', e)).json.resultCode).toBe('000001');
    }
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
  });

  it.each([
    ['61 s old', () => String(Date.now() - 61_000)],
    ['61 s in the future', () => String(Date.now() + 61_000)],
    ['an hour old', () => String(Date.now() - 3_600_000)],
    ['not a number', () => 'yesterday'],
  ])('V2 stamped %s is refused with 000002 on every interface and changes nothing', async (_what, stamp) => {
    const b = newBinding('inst-stale', 'CS-stale', 0);
    const bodies = v1Bodies(b);
    for (const name of KIT_NAMES) {
      const r = await kit.call(name, { ...bodies[name] }, { timestamp: stamp() });
      expect({ name, code: r.json.resultCode, msg: r.json.resultMsg }).toEqual({ name, code: '000002', msg: expect.stringMatching(/x-timestamp/) });
    }
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
  });

  it('V2 stamped within the window on either side is accepted', async () => {
    const b = newBinding('inst-window', 'CS-window', 0);
    expect((await kit.call('tenantSync', tenantBody(b, 1), { timestamp: String(Date.now() - 55_000) })).json).toEqual(OK);
    expect((await kit.call('tenantSync', tenantBody({ ...b, instanceId: 'inst-window-2' }, 1), { timestamp: String(Date.now() + 55_000) })).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-window', 'inst-window-2']);
  });

  it('V2 without x-nonce or x-timestamp is refused with 000002, without x-sign or with a wrong one with 000001', async () => {
    const b = newBinding('inst-headers', 'CS-headers', 0);
    const body = tenantBody(b, 1);
    expect((await kit.call('tenantSync', body, { omit: ['x-nonce'] })).json).toMatchObject({ resultCode: '000002', resultMsg: expect.stringMatching(/x-nonce/) });
    expect((await kit.call('tenantSync', body, { omit: ['x-timestamp'] })).json).toMatchObject({ resultCode: '000002', resultMsg: expect.stringMatching(/x-timestamp/) });
    expect((await kit.call('tenantSync', body, { omit: ['x-sign'] })).json.resultCode).toBe('000001');
    expect((await kit.call('tenantSync', body, { sign: 'ab'.repeat(32) })).json.resultCode).toBe('000001');
    const signed = v2Event('tenantSync', body);
    const tampered = { ...signed, body: Buffer.from(JSON.stringify({ ...body, name: 'evil' })).toString('base64') };
    expect((await kit.send('tenantSync', tampered)).json.resultCode).toBe('000001');
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
    // Upper-case hex, as the doc example shows, is the same signature.
    expect((await kit.send('tenantSync', { ...signed, headers: { ...signed.headers, 'x-sign': signed.headers!['x-sign']!.toUpperCase() } })).json).toEqual(OK);
  });

  it('a replayed nonce is refused with 000002 and changes nothing, on every interface', async () => {
    const b = newBinding('inst-replay', 'CS-replay', 0);
    const bodies = v1Bodies(b);
    for (const name of KIT_NAMES) {
      const event = v2Event(name, { ...bodies[name] });
      expect((await kit.send(name, event)).json).toEqual(OK);
      const replay = await kit.send(name, event);
      expect({ name, ...replay.json }).toEqual({ name, resultCode: '000002', resultMsg: expect.stringMatching(/nonce/) });
    }
    // The sharp case: an add replayed after a delete must not bring the tenant back.
    const add = v2Event('tenantSync', tenantBody({ ...b, instanceId: 'inst-replay-2' }, 1));
    expect((await kit.send('tenantSync', add)).json).toEqual(OK);
    for (const i of [b.instanceId, 'inst-replay-2']) expect((await kit.call('tenantSync', tenantBody({ ...b, instanceId: i }, 0))).json).toEqual(OK);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    const auditLength = (await auditOf(store, b.tenantId)).length;
    const version = await versionOf(store, b.tenantId);
    expect((await kit.send('tenantSync', add)).json.resultCode).toBe('000002');
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await versionOf(store, b.tenantId)).toBe(version);
    expect(await auditOf(store, b.tenantId)).toHaveLength(auditLength);
  });

  it('answers a production address with a path of its own (V2 and V1 paths keep working)', async () => {
    const b = newBinding('inst-prefix', 'CS-prefix', 0);
    expect((await kit.call('tenantSync', tenantBody(b, 1), { prefix: '/isv/produce' })).json).toEqual(OK);
    const v1 = v1Event('tenantSync', tenantBody({ ...b, instanceId: 'inst-prefix-2' }, 1));
    const r = await kit.send('tenantSync', { ...v1, path: `/isv/produce${v1.path}` });
    expect(r.json).toEqual(OK);
    expectSigned(r, KIT_KEY);
    expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-prefix', 'inst-prefix-2']);
  });

  it('refuses a body over the 4 MB APIG limit with 000002 and stores nothing', async () => {
    const b = newBinding('inst-huge', 'CS-huge', 0);
    const r = await kit.call('authSync', authBody(b, 1, [{ userName: 'u', name: 'x'.repeat(5 * 1024 * 1024), orgCode: '', role: 'user', enable: 'true' }]));
    expect(r.json).toMatchObject({ resultCode: '000002', resultMsg: expect.stringMatching(/body/) });
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
  });

  it('refuses a V1 body without the fields and a V2 body that is not JSON with 000002', async () => {
    const r = await kit.send('tenantSync', v1Event('tenantSync', { timeStamp: '20240101000000000' }, { form: false }));
    expect(r.json.resultCode).toBe('000002');
    const broken = await kit.send('authSync', v2Event('authSync', '{"tenantId": "x", '));
    expect(broken.json.resultCode).toBe('000002');
  });
});
