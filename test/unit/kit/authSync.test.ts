import { describe, expect, it } from 'vitest';
import { applyAuthSync } from '../../../shared/kit/rules/authSync';
import { userKey } from '../../../shared/kit/model';
import { userExtras } from '../../../shared/kit/userExtras';
import { findUser, userMayLogIn } from '../../../shared/kit/view';
import { populated } from './fixtures';
import { APP_ID, T0, authReq, envAt, rawUser, run, written } from './support';

const U1 = userKey(APP_ID, 'u1');
const U2 = userKey(APP_ID, 'u2');

describe('applyAuthSync', () => {
  it('add stores every marketplace field, authorised; V1 string list with fields inside extension is read the same', () => {
    const v1List = JSON.stringify([
      { userName: 'zhangsan01', name: '张三', position: '系统管理员', orgCode: '123456789', role: 'admin', enable: 'true', employeeCode: '', mobile: '', email: '', extension: { entryDate: '2022-11-9', employeeType: '4', workPlace: '南京' } },
    ]);
    const doc = written(run(applyAuthSync, null, authReq(1, v1List), envAt(T0)));
    expect(doc.users[userKey(APP_ID, 'zhangsan01')]).toStrictEqual({
      appId: APP_ID,
      userName: 'zhangsan01',
      name: '张三',
      orgCode: '123456789',
      position: '系统管理员',
      employeeType: 4,
      role: 'admin',
      enable: true,
      workPlace: '南京',
      entryDate: '2022-11-9',
      extension: { entryDate: '2022-11-9', employeeType: '4', workPlace: '南京' },
      extra: {},
      authorized: true,
      updatedAt: T0,
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['name', { name: '李四' }],
    ['role', { role: 'admin' }],
    ['enable', { enable: 'false' }],
    ['orgCode', { orgCode: '10001' }],
    ['mobile', { mobile: '13900000000' }],
    ['extension', { extension: { ledger: 'A' } }],
  ])('add or modify with another %s updates the user in place', (_field, change) => {
    for (const flag of [1, 2] as const) {
      const doc = populated();
      const result = run(applyAuthSync, doc, authReq(flag, [rawUser('u1', change)]), envAt(T0 + 7));
      expect(result.changes).toEqual([{ entity: 'user', op: 'updated', key: U1 }]);
      expect(written(result).users[U2]).toBe(doc.users[U2]);
      expect(written(result).users[U1]?.updatedAt).toBe(T0 + 7);
    }
  });

  it('the list carries whole users: an optional field no longer sent is cleared', () => {
    const { mobile: _m, email: _e, ...withoutContact } = rawUser('u1');
    const result = run(applyAuthSync, populated(), authReq(2, [withoutContact]), envAt(T0 + 1));
    const user = written(result).users[U1];
    expect(user).not.toHaveProperty('mobile');
    expect(user).not.toHaveProperty('email');
    expect(user?.name).toBe('张三');
  });

  it('leaves unchanged users untouched (same object, old updatedAt) in a mixed batch', () => {
    const doc = populated();
    const result = run(applyAuthSync, doc, authReq(1, [rawUser('u1'), rawUser('u2', { role: 'user' }), rawUser('u3')]), envAt(T0 + 1));
    expect(result.changes).toEqual([{ entity: 'user', op: 'updated', key: U2 }, { entity: 'user', op: 'created', key: userKey(APP_ID, 'u3') }]);
    expect(written(result).users[U1]).toBe(doc.users[U1]);
  });

  it('cancel withdraws authorisation, keeps the data, and blocks login; a later add or modify authorises again', () => {
    for (const reFlag of [1, 2] as const) {
      const cancelled = run(applyAuthSync, populated(), authReq(3, [rawUser('u1')]), envAt(T0 + 1));
      expect(cancelled.changes).toEqual([{ entity: 'user', op: 'cancelled', key: U1 }]);
      const doc = written(cancelled);
      expect(doc.users[U1]).toMatchObject({ authorized: false, name: '张三', updatedAt: T0 + 1 });
      expect(userMayLogIn(findUser(doc, APP_ID, 'u1')!)).toBe(false);
      expect(userMayLogIn(findUser(doc, APP_ID, 'u2')!)).toBe(true);

      expect(run(applyAuthSync, doc, authReq(3, [rawUser('u1')]), envAt(T0 + 2)).next).toBeUndefined();

      const again = run(applyAuthSync, doc, authReq(reFlag, [rawUser('u1')]), envAt(T0 + 3));
      expect(again.changes).toEqual([{ entity: 'user', op: 'updated', key: U1 }]);
      expect(userMayLogIn(findUser(written(again), APP_ID, 'u1')!)).toBe(true);
    }
  });

  it('a disabled user may not log in even when authorised', () => {
    const doc = written(run(applyAuthSync, populated(), authReq(2, [rawUser('u1', { enable: 'false' })]), envAt(T0 + 1)));
    expect(findUser(doc, APP_ID, 'u1')).toMatchObject({ authorized: true, enable: false });
    expect(userMayLogIn(findUser(doc, APP_ID, 'u1')!)).toBe(false);
  });

  it.each([0, 3] as const)('flag %i ignores absent users and acts on present ones', (flag) => {
    const result = run(applyAuthSync, populated(), authReq(flag, [rawUser('ghost'), rawUser('u2')]), envAt(T0 + 1));
    expect(result.changes).toEqual([{ entity: 'user', op: flag === 0 ? 'removed' : 'cancelled', key: U2 }]);
    expect(findUser(written(result), APP_ID, 'ghost')).toBeUndefined();
  });

  it('delete removes a cancelled user too, and a repeated delete has nothing to do', () => {
    const cancelled = written(run(applyAuthSync, populated(), authReq(3, [rawUser('u1')]), envAt(T0 + 1)));
    const deleted = written(run(applyAuthSync, cancelled, authReq(0, [rawUser('u1')]), envAt(T0 + 2)));
    expect(Object.keys(deleted.users)).toEqual([U2]);
    expect(run(applyAuthSync, deleted, authReq(0, [rawUser('u1')]), envAt(T0 + 3))).toEqual({ next: undefined, changes: [] });
  });

  it('users are per app: the same userName under another app is another user', () => {
    const result = run(applyAuthSync, populated(), authReq(1, [rawUser('u1')], { appId: 'app-2' }), envAt(T0 + 1));
    expect(result.changes).toEqual([{ entity: 'user', op: 'created', key: userKey('app-2', 'u1') }]);
    expect(run(applyAuthSync, written(result), authReq(0, [rawUser('u1')], { appId: 'app-2' }), envAt(T0 + 2)).changes).toEqual([
      { entity: 'user', op: 'removed', key: userKey('app-2', 'u1') },
    ]);
  });

  it('a user listed twice is applied in order and reported once, with its first change', () => {
    const result = run(applyAuthSync, null, authReq(1, [rawUser('u9'), rawUser('u9', { name: '后者' })]), envAt(T0));
    expect(result.changes).toEqual([{ entity: 'tenant', op: 'created', key: expect.any(String) }, { entity: 'user', op: 'created', key: userKey(APP_ID, 'u9') }]);
    expect(written(result).users[userKey(APP_ID, 'u9')]?.name).toBe('后者');
  });

  it('an empty list changes nothing, even with no document', () => {
    for (const flag of [0, 1, 2, 3] as const) expect(run(applyAuthSync, null, authReq(flag, []), envAt(T0)).next).toBeUndefined();
  });

  it('a 500-user batch: add creates 500, repeating it writes nothing, cancel and delete each report 500', () => {
    const list = Array.from({ length: 500 }, (_, i) => rawUser(`user${String(i).padStart(3, '0')}`));
    const added = run(applyAuthSync, null, authReq(1, list), envAt(T0));
    expect(added.changes.filter((c) => c.entity === 'user' && c.op === 'created')).toHaveLength(500);
    const doc = written(added);
    expect(Object.keys(doc.users)).toHaveLength(500);
    expect(run(applyAuthSync, doc, authReq(2, list), envAt(T0 + 1)).next).toBeUndefined();
    const cancelled = run(applyAuthSync, doc, authReq(3, list), envAt(T0 + 2));
    expect(cancelled.changes.every((c) => c.op === 'cancelled')).toBe(true);
    expect(cancelled.changes).toHaveLength(500);
    const deleted = run(applyAuthSync, written(cancelled), authReq(0, list), envAt(T0 + 3));
    expect(deleted.changes).toHaveLength(500);
    expect(written(deleted).users).toEqual({});
  });

  it('keeps unknown fields the caller passes as extra, as a JSON copy', () => {
    const raw = rawUser('u7', { ledger: '多账套-1', tags: ['a', null], nothing: null });
    const [parsed] = authReq(1, [raw]).userList;
    const request = { ...authReq(1, [raw]), userList: [{ ...parsed!, extra: userExtras(raw) }] };
    const doc = written(run(applyAuthSync, null, request, envAt(T0)));
    expect(doc.users[userKey(APP_ID, 'u7')]?.extra).toStrictEqual({ ledger: '多账套-1', tags: ['a', null] });
    expect(run(applyAuthSync, doc, request, envAt(T0 + 1)).next).toBeUndefined();
    const changed = { ...request, userList: [{ ...parsed!, extra: { ledger: '多账套-2' } }] };
    expect(run(applyAuthSync, doc, changed, envAt(T0 + 1)).changes).toEqual([{ entity: 'user', op: 'updated', key: userKey(APP_ID, 'u7') }]);
  });
});

describe('userExtras', () => {
  it('returns only the fields the schema does not know, nulls left out', () => {
    expect(userExtras({ ...rawUser('u1'), extension: { a: 1 }, vip: true, level: 3, gone: null, __proto__x: 'p' })).toStrictEqual({ vip: true, level: 3, __proto__x: 'p' });
  });

  it.each([null, 'text', 3, ['a']])('gives {} for a non-object (%j)', (raw) => {
    expect(userExtras(raw)).toStrictEqual({});
  });

  it('keeps a key named __proto__ as data', () => {
    const raw: unknown = JSON.parse('{"userName":"u","__proto__":{"polluted":true}}');
    const extra = userExtras(raw);
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
    expect(Object.hasOwn(extra, '__proto__')).toBe(true);
    expect(JSON.stringify(extra)).toBe('{"__proto__":{"polluted":true}}');
  });
});
