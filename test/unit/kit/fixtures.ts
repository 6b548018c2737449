/** Documents built by the rules themselves, for tests that start from a populated tenant. */
import { applyAllOrgSync } from '../../../shared/kit/rules/allOrgSync';
import { applyApplicationSync } from '../../../shared/kit/rules/applicationSync';
import { applyAuthSync } from '../../../shared/kit/rules/authSync';
import { applyTenantSync } from '../../../shared/kit/rules/tenantSync';
import type { TenantDoc } from '../../../shared/kit/model';
import { T0, allOrgReq, appReq, authReq, envAt, rawUser, run, tenantReq, written } from './support';

/** Tenant bound to I1, one app binding, users u1/u2 of APP_ID, departments 10000 (root) and 10001 (under it), all at T0. */
export function populated(): TenantDoc {
  let doc = written(run(applyTenantSync, null, tenantReq(1), envAt(T0)));
  doc = written(run(applyApplicationSync, doc, appReq(1), envAt(T0)));
  doc = written(run(applyAuthSync, doc, authReq(1, [rawUser('u1'), rawUser('u2', { role: 'admin' })]), envAt(T0)));
  doc = written(
    run(applyAllOrgSync, doc, allOrgReq([{ orgCode: '10000', orgName: '总部' }, { orgCode: '10001', orgName: '开发部', parentCode: '10000' }]), envAt(T0)),
  );
  return doc;
}
