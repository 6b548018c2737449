/**
 * The stored form of a delivered department, shared by singleOrgSync and allOrgSync.
 * @module
 */
import type { KitOrg } from '../../protocol/schemas/kit';
import type { Department } from '../model';

/** A department from a parsed org; `parentCode` only when sent (absent = top level). `now` is epoch ms. */
export function toDepartment(org: Readonly<KitOrg>, now: number): Department {
  const department: Department = { orgCode: org.orgCode, orgName: org.orgName, updatedAt: now };
  if (org.parentCode !== undefined && org.parentCode !== '') department.parentCode = org.parentCode;
  return department;
}
