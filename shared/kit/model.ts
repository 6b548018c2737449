/**
 * The stored document of one 联营 tenant (enterprise) and the change summary the kit rules return.
 * Everything here is plain JSON: the engine stores one document per tenant and compares-and-sets it.
 *
 * Maps are objects keyed by a composed key (see the `…Key` helpers) so that a lookup is O(1). Keys chosen
 * by the marketplace may be any string, `__proto__` included: read entries with `getOwn` and write them
 * with `setOwn` (json.ts), never with plain indexing/assignment.
 * @module
 */
import type { JsonObject } from './json';

/** One OAuth client of the tenant, delivered by applicationSync for an (instance, app) pair. */
export interface ApplicationBinding {
  /** The instance the binding came with; `''` for the seller's credential application (test data). */
  instanceId: string;
  /** The merchant's app credential (应用凭证) id. */
  appId: string;
  /** OAuth client id at the tenant's IdP. */
  clientId: string;
  /** The client secret, decrypted and re-sealed by the caller (dataSeal.ts); never clear text. */
  clientSecretSealed: string;
  /**
   * Optional keyed digest of the clear secret, supplied by the caller. Sealing uses a random IV, so two
   * sealed forms of one secret differ; with the digest a repeated add of the same secret is recognised
   * as "nothing changed". Never shown by the view.
   */
  clientSecretDigest?: string;
  /** Last change, epoch ms. */
  updatedAt: number;
}

/** One user authorised (or once authorised) for one app of the tenant, as authSync sent it. */
export interface KitUserRecord {
  appId: string;
  /** Login name, unique within the tenant. */
  userName: string;
  /** Display name. */
  name: string;
  /** The user's department (`''` = tenant root). */
  orgCode: string;
  position?: string;
  employeeCode?: string;
  /** 1 regular, 2 intern, 3 agency dispatch, 4 outsourced. */
  employeeType?: number;
  /** `admin` or `user` (kept as sent). */
  role: string;
  /** The marketplace's `enable` flag. */
  enable: boolean;
  mobile?: string;
  email?: string;
  workPlace?: string;
  /** `yyyy-M-d` as sent. */
  entryDate?: string;
  /** The free-form `extension` map, as sent. */
  extension?: JsonObject;
  /** Fields the marketplace sent that the schema does not know (see userExtras.ts); `{}` when none. */
  extra: JsonObject;
  /** False after authSync flag 3 (cancel authorisation): the user can no longer log in. */
  authorized: boolean;
  /** Last change, epoch ms. */
  updatedAt: number;
}

/** One department of the tenant. */
export interface Department {
  /** Unique within the tenant. */
  orgCode: string;
  orgName: string;
  /** The parent's orgCode; absent for a top-level department. */
  parentCode?: string;
  /** Last change, epoch ms. */
  updatedAt: number;
}

/** Everything the merchant knows about one tenant. */
export interface TenantDoc {
  tenantId: string;
  /** `''` while only application/auth/org syncs have arrived (the doc was made before tenantSync). */
  tenantCode: string;
  /** Enterprise name; `''` as for tenantCode. */
  name: string;
  /** The tenant's IdP base URL (SSO `{domain_name}`); `''` as for tenantCode. */
  domainName: string;
  /** Seller test data (testFlag 1). */
  test: boolean;
  /** Instances bound by tenantSync, in binding order, no duplicates; test data binds `''`. */
  instances: string[];
  /** Keyed by {@link applicationKey}. */
  applications: Record<string, ApplicationBinding>;
  /** Keyed by {@link userKey}. */
  users: Record<string, KitUserRecord>;
  /** Keyed by {@link departmentKey}. */
  departments: Record<string, Department>;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms of the last change. */
  updatedAt: number;
}

/** Kinds of entity a kit call can change. */
export type KitEntity = 'tenant' | 'instance' | 'application' | 'user' | 'department';

/**
 * What one kit call changed, one entry per entity, for the audit log and for forwarding to the merchant's
 * backend. `key` is the entity's key in the document: the tenantId, the instanceId, or the
 * `applicationKey` / `userKey` / `departmentKey` (use {@link splitKey} to read a composed key back).
 * A `tenant removed` entry implies that every instance, application, user and department went with it.
 */
export type KitChange =
  | { entity: 'tenant'; op: 'created' | 'updated' | 'removed'; key: string }
  | { entity: 'instance'; op: 'bound' | 'unbound'; key: string }
  | { entity: 'application' | 'department'; op: 'created' | 'updated' | 'removed'; key: string }
  | { entity: 'user'; op: 'created' | 'updated' | 'removed' | 'cancelled'; key: string };

/** The index set listing every tenant document's tag (see `listTenants`, `kg kit tenants`). */
export const KIT_TENANT_INDEX = 'kit-tenants';

/** Key of an application binding: a JSON array `["instanceId","appId"]`, unambiguous for any strings. */
export function applicationKey(instanceId: string, appId: string): string {
  return JSON.stringify([instanceId, appId]);
}

/** Key of a user: a JSON array `["appId","userName"]`. */
export function userKey(appId: string, userName: string): string {
  return JSON.stringify([appId, userName]);
}

/** Key of a department: the orgCode itself (one part, nothing to compose). */
export function departmentKey(orgCode: string): string {
  return orgCode;
}

/**
 * The parts of a composed key made by {@link applicationKey} or {@link userKey}.
 * @throws SyntaxError / TypeError when `key` is not such a key.
 */
export function splitKey(key: string): string[] {
  const parts: unknown = JSON.parse(key);
  if (!Array.isArray(parts) || !parts.every((p): p is string => typeof p === 'string')) throw new TypeError('not a composed kit key');
  return parts;
}

/**
 * A new document for `tenantId` with no tenant details, instances or entities yet: what a sync that
 * arrives before tenantSync starts from. `now` is epoch ms.
 */
export function emptyTenantDoc(tenantId: string, now: number, test: boolean): TenantDoc {
  return {
    tenantId,
    tenantCode: '',
    name: '',
    domainName: '',
    test,
    instances: [],
    applications: {},
    users: {},
    departments: {},
    createdAt: now,
    updatedAt: now,
  };
}
