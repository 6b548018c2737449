/**
 * allOrgSync (部门全量同步): the tenant's whole department list, flat.
 * @module
 */
import type { KitOrg, KitRequest } from '../../protocol/schemas/kit';
import { getOwn, setOwn } from '../json';
import { departmentKey, type Department, type KitChange, type TenantDoc } from '../model';
import { checkTenant, draftOf, finish, sameExceptUpdatedAt, type KitEnv, type KitResult } from './common';
import { toDepartment } from './department';

/** The parts of a parsed allOrgSync body the rule reads (the whole parsed body fits). */
export type AllOrgSyncInput = Pick<KitRequest<'allOrgSync'>, 'tenantId'> & { orgInfoList: readonly KitOrg[] };

/**
 * Applies one allOrgSync call as a full replacement of the tenant's departments: listed departments are
 * created or updated (identical ones untouched), and every stored department missing from the list is
 * removed, one `removed` change each. The reference leaves open whether the list is authoritative (§13.5);
 * it is sent on binding and on "re-trigger binding" to repair a tenant, which only works if it is. An
 * empty list therefore removes every department. The undocumented `flag` of the V2 example is ignored.
 * An orgCode listed twice: the last entry wins. Changes come in list order, then removals by orgCode.
 * A document is created when the tenant has none and the list is not empty (see `draftOf`).
 * @throws Error when `doc` belongs to another tenant (a caller bug).
 */
export function applyAllOrgSync(doc: TenantDoc | null, request: AllOrgSyncInput, env: KitEnv): KitResult {
  checkTenant(doc, request.tenantId);
  const listed = new Map<string, KitOrg>();
  for (const org of request.orgInfoList) listed.set(departmentKey(org.orgCode), org);

  const draft = draftOf(doc, request.tenantId, env);
  const previous = draft.doc.departments;
  const departments: Record<string, Department> = {};
  const changes: KitChange[] = [];
  for (const [key, org] of listed) {
    const old = getOwn(previous, key);
    const department = toDepartment(org, env.now);
    if (old !== undefined && sameExceptUpdatedAt(old, department)) {
      setOwn(departments, key, old);
      continue;
    }
    setOwn(departments, key, department);
    changes.push({ entity: 'department', op: old === undefined ? 'created' : 'updated', key });
  }
  for (const key of Object.keys(previous).sort()) {
    if (!listed.has(key)) changes.push({ entity: 'department', op: 'removed', key });
  }

  draft.doc.departments = departments;
  return finish(draft, changes, env);
}
