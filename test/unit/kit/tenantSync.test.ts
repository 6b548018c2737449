import { describe, expect, it } from 'vitest';
import { applyApplicationSync } from '../../../shared/kit/rules/applicationSync';
import { applyTenantSync } from '../../../shared/kit/rules/tenantSync';
import { applicationKey } from '../../../shared/kit/model';
import { populated } from './fixtures';
import { APP_ID, I1, I2, T0, TENANT_ID, appReq, envAt, run, tenantReq, written } from './support';

describe('applyTenantSync', () => {
  it('add creates the document with the tenant details, the instance bound and empty maps', () => {
    const doc = written(run(applyTenantSync, null, tenantReq(1), envAt(T0)));
    expect(doc).toStrictEqual({
      tenantId: TENANT_ID,
      tenantCode: 'huawei',
      name: 'huaiweitest',
      domainName: 'https://example.tenantaccount.com',
      test: false,
      instances: [I1],
      applications: {},
      users: {},
      departments: {},
      createdAt: T0,
      updatedAt: T0,
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['name', { name: '新名字' }],
    ['domainName', { domainName: 'https://other.tenantaccount.com' }],
    ['tenantCode', { tenantCode: 'huawei2' }],
  ])('add or modify with another %s updates the tenant in place, createdAt kept, instance not re-bound', (field, change) => {
    for (const flag of [1, 2] as const) {
      const result = run(applyTenantSync, populated(), tenantReq(flag, change), envAt(T0 + 5));
      expect(result.changes).toEqual([{ entity: 'tenant', op: 'updated', key: TENANT_ID }]);
      expect(written(result)).toMatchObject({ ...change, instances: [I1], createdAt: T0, updatedAt: T0 + 5 });
      expect(written(result)[field as 'name']).toBe(change[field]);
    }
  });

  it('binds several instances to one tenant without duplicates', () => {
    const two = written(run(applyTenantSync, populated(), tenantReq(1, { instanceId: I2, orderId: 'CS2' }), envAt(T0 + 1)));
    expect(two.instances).toEqual([I1, I2]);
    expect(run(applyTenantSync, two, tenantReq(1, { instanceId: I2 }), envAt(T0 + 2)).next).toBeUndefined();
    expect(run(applyTenantSync, two, tenantReq(2, { instanceId: I1 }), envAt(T0 + 2)).next).toBeUndefined();
  });

  it('unbinding one of two instances keeps the tenant, users and departments, and drops that instance\'s app bindings', () => {
    let doc = written(run(applyTenantSync, populated(), tenantReq(1, { instanceId: I2 }), envAt(T0 + 1)));
    doc = written(run(applyApplicationSync, doc, appReq(1, { instanceId: I2, clientId: 'client-2' }), envAt(T0 + 2)));
    doc = written(run(applyApplicationSync, doc, appReq(1, { instanceId: I2, appId: 'app-other' }), envAt(T0 + 2)));
    const result = run(applyTenantSync, doc, tenantReq(0, { instanceId: I2 }), envAt(T0 + 3));
    expect(result.changes).toEqual([
      { entity: 'instance', op: 'unbound', key: I2 },
      { entity: 'application', op: 'removed', key: applicationKey(I2, APP_ID) },
      { entity: 'application', op: 'removed', key: applicationKey(I2, 'app-other') },
    ]);
    const next = written(result);
    expect(next.instances).toEqual([I1]);
    expect(Object.keys(next.applications)).toEqual([applicationKey(I1, APP_ID)]);
    expect(next.users).toBe(doc.users);
    expect(Object.keys(next.departments)).toEqual(['10000', '10001']);
  });

  it('unbinding the last instance removes the whole document; a second delete is a success with nothing to do', () => {
    let doc = written(run(applyTenantSync, populated(), tenantReq(1, { instanceId: I2 }), envAt(T0 + 1)));
    doc = written(run(applyTenantSync, doc, tenantReq(0, { instanceId: I1 }), envAt(T0 + 2)));
    expect(doc.instances).toEqual([I2]);
    const last = run(applyTenantSync, doc, tenantReq(0, { instanceId: I2 }), envAt(T0 + 3));
    expect(last).toEqual({ next: null, changes: [{ entity: 'instance', op: 'unbound', key: I2 }, { entity: 'tenant', op: 'removed', key: TENANT_ID }] });
    expect(run(applyTenantSync, null, tenantReq(0, { instanceId: I2 }), envAt(T0 + 4))).toEqual({ next: undefined, changes: [] });
  });

  it('a placeholder document with no instance bound goes with the first tenant delete (nothing else would remove it)', () => {
    const placeholder = written(run(applyApplicationSync, null, appReq(1), envAt(T0)));
    expect(run(applyTenantSync, placeholder, tenantReq(0), envAt(T0 + 1))).toEqual({ next: null, changes: [{ entity: 'tenant', op: 'removed', key: TENANT_ID }] });
  });

  it('seller test data binds the empty instanceId and marks the tenant as test; a later real add clears the mark', () => {
    const testDoc = written(run(applyTenantSync, null, tenantReq(1, { instanceId: '', orderId: '', testFlag: 1 }), envAt(T0, true)));
    expect(testDoc).toMatchObject({ test: true, instances: [''] });
    expect(run(applyTenantSync, testDoc, tenantReq(1, { instanceId: '', orderId: '', testFlag: 1 }), envAt(T0 + 1, true)).next).toBeUndefined();
    const real = run(applyTenantSync, testDoc, tenantReq(1), envAt(T0 + 2, false));
    expect(real.changes).toEqual([{ entity: 'tenant', op: 'updated', key: TENANT_ID }, { entity: 'instance', op: 'bound', key: I1 }]);
    expect(written(real)).toMatchObject({ test: false, instances: ['', I1] });
    const gone = run(applyTenantSync, written(run(applyTenantSync, written(real), tenantReq(0, { instanceId: '' }), envAt(T0 + 3))), tenantReq(0), envAt(T0 + 4));
    expect(gone.next).toBeNull();
  });
});
