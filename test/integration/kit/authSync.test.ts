/**
 * authSync (§7) through the real function on MemoryStore, a standalone Redis and a 3-master Redis Cluster:
 * flag 1 add, 2 modify, 3 cancel authorisation, 0 delete, 500 users in one call, every user field of the
 * reference (top level or inside `extension`), and the idempotency rules, checked through the read API and
 * the audit log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { authBody, kitUsers, newBinding, orgTree, tenantBody } from '../../../infra/emulator/kitBodies';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import { findUser, userMayLogIn } from '../../../shared/kit/view';
import type { Store } from '../../../shared/store/Store';
import { auditOf, changing, kitSuite, kitTargets, versionOf, type KitHarness } from './harness';

const OK = { resultCode: '000000', resultMsg: expect.any(String) };

const FULL_USER = {
  userName: 'zhangsan01', name: '张三', orgCode: '123456789', position: '系统管理员', employeeCode: 'E001', employeeType: 1,
  role: 'admin', enable: 'true', mobile: '13800000000', email: 'zhangsan@example.com', workPlace: '南京', entryDate: '2022-11-9',
  extension: { ledger: 'A01', level: 3 }, hobby: '围棋',
};
/** The V1 example's user: extras inside `extension`, employeeType as a string. */
const EXTENSION_USER = {
  userName: 'lisi02', name: '李四', position: '工程师', orgCode: '123456789', role: 'user', enable: 'false', employeeCode: '', mobile: '', email: '',
  extension: { entryDate: '2022-11-9', employeeType: '4', workPlace: '深圳' },
};

describe.each(kitTargets())('kit authSync on $name', (target) => {
  const suite = kitSuite(target, { rsa: false });
  let store: Store;
  let kit: KitHarness;
  beforeAll(() => ({ store, kit } = suite));

  it('add stores every field of each user, authorised; a repeated add creates nothing new', async () => {
    const b = newBinding('inst-auth-1', 'CS-auth-1', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    expect((await kit.call('authSync', authBody(b, 1, [FULL_USER, EXTENSION_USER]))).json).toEqual(OK);

    const view = await readTenant(store, b.tenantId);
    expect(view?.users).toEqual([
      {
        // Optional fields sent empty count as not sent.
        appId: b.appId, userName: 'lisi02', name: '李四', orgCode: '123456789', position: '工程师', employeeType: 4, role: 'user',
        enable: false, workPlace: '深圳', entryDate: '2022-11-9',
        extension: { entryDate: '2022-11-9', employeeType: '4', workPlace: '深圳' }, extra: {}, authorized: true, updatedAt: expect.any(Number),
      },
      {
        appId: b.appId, userName: 'zhangsan01', name: '张三', orgCode: '123456789', position: '系统管理员', employeeCode: 'E001', employeeType: 1,
        role: 'admin', enable: true, mobile: '13800000000', email: 'zhangsan@example.com', workPlace: '南京', entryDate: '2022-11-9',
        extension: { ledger: 'A01', level: 3 }, extra: { hobby: '围棋' }, authorized: true, updatedAt: expect.any(Number),
      },
    ]);
    const doc = (await readTenantDoc(store, b.tenantId))!;
    expect(userMayLogIn(findUser(doc, b.appId, 'zhangsan01')!)).toBe(true);
    expect(userMayLogIn(findUser(doc, b.appId, 'lisi02')!)).toBe(false); // enable "false"

    const version = await versionOf(store, b.tenantId);
    for (let i = 0; i < 2; i++) expect((await kit.call('authSync', authBody(b, 1, [FULL_USER, EXTENSION_USER]))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
    expect(await readTenant(store, b.tenantId)).toEqual(view);
    const audit = (await auditOf(store, b.tenantId)).filter((e) => e.activity === 'authSync');
    expect(audit).toHaveLength(3);
    expect(changing(audit)).toHaveLength(1);
    expect(audit[2]!.detail).toMatch(/^2 user created; user:/);
  });

  it('modify replaces the user (a field no longer sent is cleared); cancel withdraws access and keeps the data; add re-authorises', async () => {
    const b = newBinding('inst-auth-2', 'CS-auth-2', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    await kit.call('authSync', authBody(b, 1, [FULL_USER]));

    const { mobile: _m, hobby: _h, ...withoutMobile } = FULL_USER;
    const changed = { ...withoutMobile, name: '张三丰', role: 'user' };
    expect((await kit.call('authSync', authBody(b, 2, [changed]))).json).toEqual(OK);
    let user = (await readTenant(store, b.tenantId))!.users[0]!;
    expect(user).toMatchObject({ userName: 'zhangsan01', name: '张三丰', role: 'user', authorized: true, extra: {} });
    expect(user.mobile).toBeUndefined();
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^1 user updated;/);

    expect((await kit.call('authSync', authBody(b, 3, [changed, { userName: 'nobody', name: 'x', orgCode: '', role: 'user', enable: 'true' }]))).json).toEqual(OK);
    user = (await readTenant(store, b.tenantId))!.users[0]!;
    expect(user).toMatchObject({ userName: 'zhangsan01', name: '张三丰', authorized: false, enable: true });
    expect((await readTenant(store, b.tenantId))!.users).toHaveLength(1);
    expect(userMayLogIn(findUser((await readTenantDoc(store, b.tenantId))!, b.appId, 'zhangsan01')!)).toBe(false);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^1 user cancelled;/);

    // Cancel again: nothing.
    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('authSync', authBody(b, 3, [changed]))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);

    // Add again: authorised again.
    expect((await kit.call('authSync', authBody(b, 1, [changed]))).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))!.users[0]!.authorized).toBe(true);
  });

  it('delete removes the users; a repeated delete, or one for a tenant never seen, answers 000000 and changes nothing', async () => {
    const b = newBinding('inst-auth-3', 'CS-auth-3', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    await kit.call('authSync', authBody(b, 1, [FULL_USER, EXTENSION_USER]));
    expect((await kit.call('authSync', authBody(b, 0, [FULL_USER]))).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))!.users.map((u) => u.userName)).toEqual(['lisi02']);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^1 user removed;/);

    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('authSync', authBody(b, 0, [FULL_USER]))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);

    // The instance is never checked: a delete naming an instance that was never bound still works.
    expect((await kit.call('authSync', authBody({ ...b, instanceId: 'inst-unknown' }, 0, [EXTENSION_USER]))).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))!.users).toEqual([]);

    const stranger = newBinding('inst-auth-never', 'CS-never', 0);
    expect((await kit.call('authSync', authBody(stranger, 0, [FULL_USER]))).json).toEqual(OK);
    expect(await readTenantDoc(store, stranger.tenantId)).toBeNull();
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(stranger.tenantId);
  });

  it('keys users by app + userName: the same userName under another app is another user', async () => {
    const b = newBinding('inst-auth-4', 'CS-auth-4', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    await kit.call('authSync', authBody(b, 1, [FULL_USER]));
    await kit.call('authSync', authBody({ ...b, appId: 'second-app' }, 1, [{ ...FULL_USER, role: 'user' }]));
    const users = (await readTenant(store, b.tenantId))!.users;
    expect(users.map((u) => [u.appId, u.userName, u.role])).toEqual([[b.appId, 'zhangsan01', 'admin'], ['second-app', 'zhangsan01', 'user']].sort());
    await kit.call('authSync', authBody({ ...b, appId: 'second-app' }, 0, [FULL_USER]));
    expect((await readTenant(store, b.tenantId))!.users.map((u) => u.appId)).toEqual([b.appId]);
  });

  it('takes 500 users in one call, as an array or as a JSON string (V1 form in a V2 call); repeats change nothing', async () => {
    const b = newBinding('inst-auth-500', 'CS-auth-500', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    const users = kitUsers('u', 500, orgTree('D'));
    const r = await kit.call('authSync', authBody(b, 1, users));
    expect(r.json).toEqual(OK);
    const view = (await readTenant(store, b.tenantId))!;
    expect(view.users).toHaveLength(500);
    expect(view.users.filter((u) => u.role === 'admin').map((u) => u.userName)).toEqual(['u0001']);
    // Every fifth user carried entryDate/employeeType/workPlace inside extension: read like top-level ones.
    expect(view.users.find((u) => u.userName === 'u0006')).toMatchObject({ entryDate: '2022-11-9', employeeType: 4, workPlace: '南京' });
    expect((await listTenants(store)).find((t) => t.tenantId === b.tenantId)?.users).toBe(500);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^500 user created;/);

    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('authSync', authBody(b, 1, JSON.stringify(users)))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);

    expect((await kit.call('authSync', authBody(b, 3, users))).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))!.users.every((u) => !u.authorized)).toBe(true);
    expect((await kit.call('authSync', authBody(b, 0, users))).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))!.users).toEqual([]);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^500 user removed;/);
  });

  it.each([
    ['an unknown flag', { flag: 4 }, /flag/],
    ['a user without userName', { userList: [{ name: 'x', orgCode: '', role: 'user', enable: 'true' }] }, /userName/],
    ['enable that is not true/false', { userList: [{ ...FULL_USER, enable: 'yes' }] }, /enable/],
    ['userList that is not a list', { userList: '{"userName":"a"}' }, /userList/],
  ])('refuses %s with 000002 naming the field and stores nothing', async (_what, patch, field) => {
    const b = newBinding('inst-auth-bad', 'CS-auth-bad', 0);
    const r = await kit.call('authSync', { ...authBody(b, 1, [FULL_USER]), ...patch });
    expect(r.json.resultCode).toBe('000002');
    expect(r.json.resultMsg).toMatch(field);
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
  });
});
