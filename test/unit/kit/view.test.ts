import { describe, expect, it } from 'vitest';
import { applyApplicationSync } from '../../../shared/kit/rules/applicationSync';
import { applyAuthSync } from '../../../shared/kit/rules/authSync';
import { applySingleOrgSync } from '../../../shared/kit/rules/singleOrgSync';
import { applyTenantSync } from '../../../shared/kit/rules/tenantSync';
import { findApplication, findUser, tenantView } from '../../../shared/kit/view';
import type { TenantDoc } from '../../../shared/kit/model';
import { populated } from './fixtures';
import { APP_ID, I1, I2, T0, TENANT_ID, appReq, deepFreeze, envAt, rawUser, authReq, orgReq, run, tenantReq, written } from './support';

/** Entities added in unsorted order, with secrets and digests that must never show. */
function busy(): TenantDoc {
  let doc = written(run(applyTenantSync, null, tenantReq(1, { instanceId: I2 }), envAt(T0)));
  doc = written(run(applyTenantSync, doc, tenantReq(1, { instanceId: I1 }), envAt(T0)));
  doc = written(run(applyApplicationSync, doc, { ...appReq(1, { instanceId: I2, appId: 'b-app' }, 'gcm1.SECRET-ONE'), clientSecretDigest: 'DIGEST-ONE' }, envAt(T0 + 1)));
  doc = written(run(applyApplicationSync, doc, appReq(1, { instanceId: I1, appId: 'b-app' }, 'gcm1.SECRET-TWO'), envAt(T0 + 2)));
  doc = written(run(applyApplicationSync, doc, appReq(1, { instanceId: I2, appId: 'a-app' }, 'gcm1.SECRET-THREE'), envAt(T0 + 3)));
  doc = written(run(applyAuthSync, doc, authReq(1, [rawUser('zed'), rawUser('amy')], { appId: 'b-app' }), envAt(T0 + 4)));
  doc = written(run(applyAuthSync, doc, authReq(1, [rawUser('zed')], { appId: 'a-app' }), envAt(T0 + 4)));
  doc = written(run(applySingleOrgSync, doc, orgReq(1, '20', '乙', '10'), envAt(T0 + 5)));
  doc = written(run(applySingleOrgSync, doc, orgReq(1, '10', '甲'), envAt(T0 + 5)));
  return deepFreeze(doc);
}

describe('tenantView', () => {
  it('shows the tenant without any secret, sealed form or digest', () => {
    const text = JSON.stringify(tenantView(busy()));
    for (const secret of ['SECRET-ONE', 'SECRET-TWO', 'SECRET-THREE', 'gcm1.', 'DIGEST-ONE', 'clientSecretSealed', 'clientSecretDigest']) expect(text).not.toContain(secret);
  });

  it('lists everything sorted by key, whatever the insertion order', () => {
    const view = tenantView(busy());
    expect(view.tenant).toEqual({ tenantId: TENANT_ID, tenantCode: 'huawei', name: 'huaiweitest', domainName: 'https://example.tenantaccount.com', test: false });
    expect(view.instances).toEqual([I1, I2].sort());
    expect(view.applications).toEqual(
      [
        { instanceId: I1, appId: 'b-app', clientId: 'client-1', clientSecretSet: true, updatedAt: T0 + 2 },
        { instanceId: I2, appId: 'a-app', clientId: 'client-1', clientSecretSet: true, updatedAt: T0 + 3 },
        { instanceId: I2, appId: 'b-app', clientId: 'client-1', clientSecretSet: true, updatedAt: T0 + 1 },
      ].sort((a, b) => (a.instanceId + a.appId < b.instanceId + b.appId ? -1 : 1)),
    );
    expect(view.users.map((u) => [u.appId, u.userName])).toEqual([['a-app', 'zed'], ['b-app', 'amy'], ['b-app', 'zed']]);
    expect(view.departments).toEqual([{ orgCode: '10', orgName: '甲', parentCode: '' }, { orgCode: '20', orgName: '乙', parentCode: '10' }]);
  });

  it('shows users under the marketplace field names plus authorised state', () => {
    const [user] = tenantView(populated()).users;
    expect(user).toStrictEqual({
      appId: APP_ID,
      userName: 'u1',
      name: '张三',
      orgCode: '10000',
      position: '系统管理员',
      employeeCode: 'E001',
      employeeType: 1,
      role: 'user',
      enable: true,
      mobile: '13800000000',
      email: 'u1@example.com',
      workPlace: '南京',
      entryDate: '2022-11-9',
      extra: {},
      authorized: true,
      updatedAt: T0,
    });
  });

  it('returns copies: editing the view does not touch the document', () => {
    const doc = populated();
    const view = tenantView(doc);
    view.instances.push('x');
    view.users[0]!.extra.x = 1;
    expect(doc.instances).toEqual([I1]);
    expect(Object.values(doc.users)[0]!.extra).toEqual({});
  });

  it('marks a binding with an empty sealed secret as not set', () => {
    const doc = written(run(applyApplicationSync, null, appReq(1, {}, ''), envAt(T0)));
    expect(tenantView(doc).applications[0]?.clientSecretSet).toBe(false);
  });
});

describe('findApplication', () => {
  it('picks the newest binding of the app across instances, with its sealed secret for SSO', () => {
    expect(findApplication(busy(), 'b-app')).toMatchObject({ instanceId: I1, clientSecretSealed: 'gcm1.SECRET-TWO' });
    expect(findApplication(busy(), 'a-app')).toMatchObject({ instanceId: I2, clientSecretSealed: 'gcm1.SECRET-THREE' });
    expect(findApplication(busy(), 'no-app')).toBeUndefined();
  });

  it('breaks a tie on updatedAt by the smallest instanceId, whatever the key order', () => {
    const a = written(run(applyApplicationSync, null, appReq(1, { instanceId: 'b' }, 'S-B'), envAt(T0)));
    const ab = written(run(applyApplicationSync, a, appReq(1, { instanceId: 'a' }, 'S-A'), envAt(T0)));
    const c = written(run(applyApplicationSync, null, appReq(1, { instanceId: 'a' }, 'S-A'), envAt(T0)));
    const ba = written(run(applyApplicationSync, c, appReq(1, { instanceId: 'b' }, 'S-B'), envAt(T0)));
    expect(findApplication(ab, APP_ID)?.instanceId).toBe('a');
    expect(findApplication(ba, APP_ID)?.instanceId).toBe('a');
  });
});

describe('findUser', () => {
  it('finds a user by app and userName only', () => {
    const doc = busy();
    expect(findUser(doc, 'b-app', 'amy')?.userName).toBe('amy');
    expect(findUser(doc, 'a-app', 'amy')).toBeUndefined();
    expect(findUser(doc, 'b-app', 'nobody')).toBeUndefined();
    expect(findUser(doc, 'b-app', 'constructor')).toBeUndefined();
  });
});
