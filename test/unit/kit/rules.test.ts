/** Cross-interface tables: every flag of every kit rule on no document and on a populated one, and the idempotency rules. */
import { describe, expect, it } from 'vitest';
import { applyAllOrgSync } from '../../../shared/kit/rules/allOrgSync';
import { applyApplicationSync } from '../../../shared/kit/rules/applicationSync';
import { applyAuthSync } from '../../../shared/kit/rules/authSync';
import { KIT_RULES } from '../../../shared/kit/rules/index';
import { applySingleOrgSync } from '../../../shared/kit/rules/singleOrgSync';
import { applyTenantSync } from '../../../shared/kit/rules/tenantSync';
import { applicationKey, userKey, type KitChange, type TenantDoc } from '../../../shared/kit/model';
import type { KitEnv, KitResult } from '../../../shared/kit/rules/common';
import { populated } from './fixtures';
import { APP_ID, I1, I2, T0, TENANT_ID, allOrgReq, appReq, authReq, envAt, orgReq, rawUser, run, tenantReq, written } from './support';

const LATER = envAt(T0 + 1000);
type Call = (doc: TenantDoc | null, env: KitEnv) => KitResult;

const calls: Record<string, Call> = {
  'tenantSync add': (d, e) => run(applyTenantSync, d, tenantReq(1), e),
  'tenantSync modify': (d, e) => run(applyTenantSync, d, tenantReq(2), e),
  'tenantSync delete': (d, e) => run(applyTenantSync, d, tenantReq(0), e),
  'applicationSync add': (d, e) => run(applyApplicationSync, d, appReq(1), e),
  'applicationSync modify': (d, e) => run(applyApplicationSync, d, appReq(2), e),
  'applicationSync delete': (d, e) => run(applyApplicationSync, d, appReq(0), e),
  'authSync add': (d, e) => run(applyAuthSync, d, authReq(1, [rawUser('u1')]), e),
  'authSync modify': (d, e) => run(applyAuthSync, d, authReq(2, [rawUser('u1')]), e),
  'authSync delete': (d, e) => run(applyAuthSync, d, authReq(0, [rawUser('u1')]), e),
  'authSync cancel': (d, e) => run(applyAuthSync, d, authReq(3, [rawUser('u1')]), e),
  'singleOrgSync add': (d, e) => run(applySingleOrgSync, d, orgReq(1, '10002'), e),
  'singleOrgSync modify': (d, e) => run(applySingleOrgSync, d, orgReq(2, '10002'), e),
  'singleOrgSync delete': (d, e) => run(applySingleOrgSync, d, orgReq(0, '10001'), e),
  'allOrgSync': (d, e) => run(applyAllOrgSync, d, allOrgReq([{ orgCode: '10002', orgName: '测试部' }]), e),
};

const U1 = userKey(APP_ID, 'u1');
const A1 = applicationKey(I1, APP_ID);
const created = { entity: 'tenant', op: 'created', key: TENANT_ID } as const;

describe('every flag of every interface on a tenant with no document', () => {
  it.each<[string, 'none' | 'doc', KitChange[]]>([
    ['tenantSync add', 'doc', [created, { entity: 'instance', op: 'bound', key: I1 }]],
    ['tenantSync modify', 'doc', [created, { entity: 'instance', op: 'bound', key: I1 }]],
    ['tenantSync delete', 'none', []],
    ['applicationSync add', 'doc', [created, { entity: 'application', op: 'created', key: A1 }]],
    ['applicationSync modify', 'doc', [created, { entity: 'application', op: 'created', key: A1 }]],
    ['applicationSync delete', 'none', []],
    ['authSync add', 'doc', [created, { entity: 'user', op: 'created', key: U1 }]],
    ['authSync modify', 'doc', [created, { entity: 'user', op: 'created', key: U1 }]],
    ['authSync delete', 'none', []],
    ['authSync cancel', 'none', []],
    ['singleOrgSync add', 'doc', [created, { entity: 'department', op: 'created', key: '10002' }]],
    ['singleOrgSync modify', 'doc', [created, { entity: 'department', op: 'created', key: '10002' }]],
    ['singleOrgSync delete', 'none', []],
    ['allOrgSync', 'doc', [created, { entity: 'department', op: 'created', key: '10002' }]],
  ])('%s -> %s', (name, kind, changes) => {
    const result = calls[name]!(null, envAt());
    expect(result.changes).toEqual(changes);
    expect(result.next === undefined ? 'none' : 'doc').toBe(kind);
  });

  it.each(['applicationSync add', 'authSync add', 'singleOrgSync add', 'allOrgSync'])(
    '%s before tenantSync makes a placeholder: empty tenant details, no instance, then tenantSync fills it in',
    (name) => {
      const doc = written(calls[name]!(null, envAt()));
      expect(doc).toMatchObject({ tenantId: TENANT_ID, tenantCode: '', name: '', domainName: '', test: false, instances: [] });
      const bound = run(applyTenantSync, doc, tenantReq(1), LATER);
      expect(bound.changes).toEqual([{ entity: 'tenant', op: 'updated', key: TENANT_ID }, { entity: 'instance', op: 'bound', key: I1 }]);
      expect(written(bound)).toMatchObject({ tenantCode: 'huawei', name: 'huaiweitest', domainName: 'https://example.tenantaccount.com', instances: [I1], createdAt: T0 });
    },
  );
});

describe('every flag of every interface on a populated tenant', () => {
  it.each<[string, 'none' | 'null' | 'doc', KitChange[]]>([
    ['tenantSync add', 'none', []],
    ['tenantSync modify', 'none', []],
    ['tenantSync delete', 'null', [{ entity: 'instance', op: 'unbound', key: I1 }, { entity: 'tenant', op: 'removed', key: TENANT_ID }]],
    ['applicationSync add', 'none', []],
    ['applicationSync modify', 'none', []],
    ['applicationSync delete', 'doc', [{ entity: 'application', op: 'removed', key: A1 }]],
    ['authSync add', 'none', []],
    ['authSync modify', 'none', []],
    ['authSync delete', 'doc', [{ entity: 'user', op: 'removed', key: U1 }]],
    ['authSync cancel', 'doc', [{ entity: 'user', op: 'cancelled', key: U1 }]],
    ['singleOrgSync add', 'doc', [{ entity: 'department', op: 'created', key: '10002' }]],
    ['singleOrgSync modify', 'doc', [{ entity: 'department', op: 'created', key: '10002' }]],
    ['singleOrgSync delete', 'doc', [{ entity: 'department', op: 'removed', key: '10001' }]],
    [
      'allOrgSync',
      'doc',
      [
        { entity: 'department', op: 'created', key: '10002' },
        { entity: 'department', op: 'removed', key: '10000' },
        { entity: 'department', op: 'removed', key: '10001' },
      ],
    ],
  ])('%s -> %s', (name, kind, changes) => {
    const result = calls[name]!(populated(), LATER);
    expect(result.changes).toEqual(changes);
    expect(result.next === undefined ? 'none' : result.next === null ? 'null' : 'doc').toBe(kind);
  });
});

describe('idempotency: the second of two identical calls writes nothing and succeeds', () => {
  it.each(Object.keys(calls))('%s twice', (name) => {
    const call = calls[name]!;
    for (const start of [null, populated()]) {
      const first = call(start, envAt(T0 + 1000));
      const afterFirst = first.next === undefined ? start : first.next;
      const second = call(afterFirst, envAt(T0 + 2000));
      expect(second).toEqual({ next: undefined, changes: [] });
    }
  });
});

describe('deletes never check the instance', () => {
  it.each<[string, Call, KitChange]>([
    ['applicationSync', (d, e) => run(applyApplicationSync, d, appReq(0, { instanceId: I2 }), e), { entity: 'application', op: 'removed', key: applicationKey(I2, APP_ID) }],
    ['authSync', (d, e) => run(applyAuthSync, d, authReq(0, [rawUser('u1')], { instanceId: 'never-bound' }), e), { entity: 'user', op: 'removed', key: U1 }],
    ['singleOrgSync', (d, e) => run(applySingleOrgSync, d, orgReq(0, '10001', '开发部', '', { instanceId: '' }), e), { entity: 'department', op: 'removed', key: '10001' }],
  ])('%s delete removes the entity whatever the instance (bound or not)', (_name, call, change) => {
    // A binding that came with I2 although I2 was never bound by tenantSync (out-of-order delivery).
    const doc = written(run(applyApplicationSync, populated(), appReq(1, { instanceId: I2 }), LATER));
    expect(doc.instances).toEqual([I1]);
    const result = call(doc, envAt(T0 + 2000));
    expect(result.changes).toEqual([change]);
  });

  it('tenantSync delete of an instance that is not bound succeeds with nothing to do', () => {
    expect(run(applyTenantSync, populated(), tenantReq(0, { instanceId: I2 }), LATER)).toEqual({ next: undefined, changes: [] });
  });
});

describe('KIT_RULES', () => {
  it('maps each interface name to its rule', () => {
    expect(KIT_RULES).toEqual({
      tenantSync: applyTenantSync,
      applicationSync: applyApplicationSync,
      authSync: applyAuthSync,
      singleOrgSync: applySingleOrgSync,
      allOrgSync: applyAllOrgSync,
    });
  });

  it.each(Object.keys(calls))('%s refuses the document of another tenant (a caller bug)', (name) => {
    const other = { ...populated(), tenantId: 'another-tenant' };
    expect(() => calls[name]!(other, LATER)).toThrow(/another tenant/);
  });
});
