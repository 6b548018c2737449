/**
 * singleOrgSync (部门增量同步): one department added, renamed/re-parented, or deleted.
 * Idempotency key: instance + tenant + orgCode; departments are stored per orgCode (unique in the tenant).
 * @module
 */
import type { KitRequest } from '../../protocol/schemas/kit';
import { getOwn, setOwn } from '../json';
import { departmentKey, type TenantDoc } from '../model';
import { checkTenant, draftOf, finish, FLAG, sameExceptUpdatedAt, unchanged, type KitEnv, type KitResult } from './common';
import { toDepartment } from './department';

/** The parts of a parsed singleOrgSync body the rule reads (the whole parsed body fits). */
export type SingleOrgSyncInput = Pick<KitRequest<'singleOrgSync'>, 'tenantId' | 'orgCode' | 'orgName' | 'parentCode' | 'flag'>;

/**
 * Applies one singleOrgSync call.
 * - add (1) / modify (2): upserts the department (name and parent as sent; no parent = top level). A
 *   repeated add changes nothing; an add with other values updates in place and a modify of an absent
 *   department creates it (the latest delivery is the truth).
 * - delete (0): removes the department; absent department or no document: nothing to do; the instance
 *   is not checked. Sub-departments and users that refer to it are left as they are: the marketplace
 *   sends its own calls for them.
 * A document is created by add/modify when the tenant has none (out-of-order delivery, see `draftOf`).
 * @throws Error when `doc` belongs to another tenant (a caller bug).
 */
export function applySingleOrgSync(doc: TenantDoc | null, request: SingleOrgSyncInput, env: KitEnv): KitResult {
  checkTenant(doc, request.tenantId);
  const key = departmentKey(request.orgCode);
  const old = doc === null ? undefined : getOwn(doc.departments, key);

  if (request.flag === FLAG.DELETE) {
    if (doc === null || old === undefined) return unchanged();
    const departments = { ...doc.departments };
    delete departments[key];
    return finish({ doc: { ...doc, departments }, created: false }, [{ entity: 'department', op: 'removed', key }], env);
  }

  const department = toDepartment(request, env.now);
  if (old !== undefined && sameExceptUpdatedAt(old, department)) return unchanged();
  const draft = draftOf(doc, request.tenantId, env);
  const departments = { ...draft.doc.departments };
  setOwn(departments, key, department);
  draft.doc.departments = departments;
  return finish(draft, [{ entity: 'department', op: old === undefined ? 'created' : 'updated', key }], env);
}
