/**
 * Read helpers over a tenant document for the merchant's app, the CLI and SSO. Pure; no secret (sealed or
 * not, nor its digest) ever appears in a view.
 * @module
 */
import { getOwn, toJsonObject } from './json';
import { userKey, type ApplicationBinding, type KitUserRecord, type TenantDoc } from './model';

/** An application binding without its secret. */
export interface ApplicationView {
  instanceId: string;
  appId: string;
  clientId: string;
  /** Whether a (sealed) client secret is stored. */
  clientSecretSet: boolean;
  /** Epoch ms. */
  updatedAt: number;
}

/**
 * A user under the marketplace's field names, plus the app, unknown fields and authorisation state: the
 * stored record's fields, each copied one by one by the view (so a field the record gains is not shown
 * until the view copies it).
 */
export type UserView = KitUserRecord;

/** A department; `parentCode` is `''` for a top-level one (the marketplace's convention). */
export interface DepartmentView {
  orgCode: string;
  orgName: string;
  parentCode: string;
}

/** Everything about a tenant that may be shown, each list sorted by its key. */
export interface TenantView {
  tenant: { tenantId: string; tenantCode: string; name: string; domainName: string; test: boolean };
  instances: string[];
  applications: ApplicationView[];
  users: UserView[];
  departments: DepartmentView[];
}

/** Orders string tuples part by part, by UTF-16 code units (locale-independent, so the same everywhere). */
function compareParts(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function sortedBy<T>(items: T[], parts: (item: T) => readonly string[]): T[] {
  return items.sort((a, b) => compareParts(parts(a), parts(b)));
}

/** A user's shown form: a copy, with exactly the fields listed in {@link UserView}. */
function userView(user: KitUserRecord): UserView {
  const view: UserView = {
    appId: user.appId,
    userName: user.userName,
    name: user.name,
    orgCode: user.orgCode,
    role: user.role,
    enable: user.enable,
    extra: toJsonObject(user.extra),
    authorized: user.authorized,
    updatedAt: user.updatedAt,
  };
  if (user.position !== undefined) view.position = user.position;
  if (user.employeeCode !== undefined) view.employeeCode = user.employeeCode;
  if (user.employeeType !== undefined) view.employeeType = user.employeeType;
  if (user.mobile !== undefined) view.mobile = user.mobile;
  if (user.email !== undefined) view.email = user.email;
  if (user.workPlace !== undefined) view.workPlace = user.workPlace;
  if (user.entryDate !== undefined) view.entryDate = user.entryDate;
  if (user.extension !== undefined) view.extension = toJsonObject(user.extension);
  return view;
}

/**
 * The shown form of a tenant: instances sorted; applications by (instanceId, appId); users by
 * (appId, userName); departments by orgCode. Built field by field, so nothing the document gains later
 * (and no secret) leaks by default.
 */
export function tenantView(doc: TenantDoc): TenantView {
  const { tenantId, tenantCode, name, domainName, test } = doc;
  const applications = Object.values(doc.applications).map(
    (a): ApplicationView => ({ instanceId: a.instanceId, appId: a.appId, clientId: a.clientId, clientSecretSet: a.clientSecretSealed !== '', updatedAt: a.updatedAt }),
  );
  const departments = Object.values(doc.departments).map((d): DepartmentView => ({ orgCode: d.orgCode, orgName: d.orgName, parentCode: d.parentCode ?? '' }));
  return {
    tenant: { tenantId, tenantCode, name, domainName, test },
    instances: [...doc.instances].sort(),
    applications: sortedBy(applications, (a) => [a.instanceId, a.appId]),
    users: sortedBy(Object.values(doc.users).map(userView), (u) => [u.appId, u.userName]),
    departments: sortedBy(departments, (d) => [d.orgCode]),
  };
}

/**
 * The stored user `userName` of app `appId`, or undefined. Cancelled and disabled users are returned
 * too: check {@link userMayLogIn} before letting one in.
 */
export function findUser(doc: TenantDoc, appId: string, userName: string): Readonly<KitUserRecord> | undefined {
  return getOwn(doc.users, userKey(appId, userName));
}

/** True when the user is authorised for the app (not cancelled) and enabled by the tenant. */
export function userMayLogIn(user: Readonly<KitUserRecord>): boolean {
  return user.authorized && user.enable;
}

/**
 * The binding SSO should use for app `appId`: the newest by `updatedAt` across the tenant's instances
 * (the latest applicationSync reflects the client the IdP currently issues); on a tie, the smallest
 * instanceId, so the answer never depends on key order. Includes the sealed secret, for SSO only.
 */
export function findApplication(doc: TenantDoc, appId: string): Readonly<ApplicationBinding> | undefined {
  let best: ApplicationBinding | undefined;
  for (const binding of Object.values(doc.applications)) {
    if (binding.appId !== appId) continue;
    const newer = best === undefined || binding.updatedAt > best.updatedAt || (binding.updatedAt === best.updatedAt && binding.instanceId < best.instanceId);
    if (newer) best = binding;
  }
  return best;
}
