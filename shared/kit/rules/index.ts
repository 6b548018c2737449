/**
 * The five kit rules by interface name, for an engine that dispatches on the path segment.
 * @module
 */
import type { KitName } from '../../protocol/schemas/kit';
import type { TenantDoc } from '../model';
import { applyAllOrgSync } from './allOrgSync';
import { applyApplicationSync } from './applicationSync';
import { applyAuthSync } from './authSync';
import type { KitEnv, KitResult } from './common';
import { applySingleOrgSync } from './singleOrgSync';
import { applyTenantSync } from './tenantSync';

export { applyAllOrgSync, applyApplicationSync, applyAuthSync, applySingleOrgSync, applyTenantSync };
export type { AllOrgSyncInput } from './allOrgSync';
export type { ApplicationSyncInput } from './applicationSync';
export type { AuthSyncInput, KitUserInput } from './authSync';
export type { KitEnv, KitResult } from './common';
export type { SingleOrgSyncInput } from './singleOrgSync';
export type { TenantSyncInput } from './tenantSync';

/** The rule of each kit interface. */
export const KIT_RULES = {
  tenantSync: applyTenantSync,
  applicationSync: applyApplicationSync,
  authSync: applyAuthSync,
  singleOrgSync: applySingleOrgSync,
  allOrgSync: applyAllOrgSync,
} as const satisfies Record<KitName, (doc: TenantDoc | null, request: never, env: KitEnv) => KitResult>;

/** The request type the rule of interface `N` takes. */
export type KitRuleInput<N extends KitName> = Parameters<(typeof KIT_RULES)[N]>[1];
