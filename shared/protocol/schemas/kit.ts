/**
 * Bodies of the five 联营 kit callbacks, V2 (`/produceAPI/v2/<name>`) and V1 (`/produceAPI/<name>`) forms in one
 * schema each. Tolerances, all from the reference's list of quirks:
 * - `flag` / `testFlag` are integers; decimal strings are accepted (V1 form posts and some examples send them).
 * - `userList` / `orgInfoList` (V2) and `orgInfo` (V1) may be an array or a JSON string of one, including the
 *   V2 example's bare-key form `[{orgCode:"1", orgName:"x"}]`.
 * - A department name may be `orgName`, `OrgName` or `name`; the output calls it `orgName`.
 * - A user's `entryDate`, `employeeType` and `workPlace` may sit at top level or inside `extension`.
 * - `instanceId` / `orderId` are empty for the seller's credential application: absent counts as `''`.
 * Unknown fields are ignored. Outputs keep wire names; `testFlag` becomes a boolean (`true` = debug data).
 * @module
 */
import { array, NEVER, object, optional, pipe, record, string, transform, unknown } from 'zod/mini';
import type { core, output } from 'zod/mini';
import { readLenientJson } from '../lenientJson';
import {
  arrayOrJsonText,
  emptyableText,
  intOneOf,
  isPlainObject,
  kitTestFlag,
  lenientBoolean,
  optionalInt,
  optionalText,
  requiredText,
  withoutNulls,
} from './fields';

const common = {
  instanceId: emptyableText(64),
  testFlag: kitTestFlag(),
  // `yyyyMMddHHmmssSSS` (UTC+8); the V1 authToken signs it, nothing here interprets it.
  timeStamp: requiredText(32),
};

/** `tenantSync`: a buyer bound the app to an enterprise (flag 0 delete, 1 add, 2 modify). */
export const tenantSyncSchema = object({
  ...common,
  orderId: emptyableText(64),
  tenantId: requiredText(64),
  tenantCode: requiredText(64),
  name: requiredText(255),
  domainName: requiredText(255),
  flag: intOneOf([0, 1, 2]),
});

/** `applicationSync`: the tenant's OAuth client; `clientSecret` is RSA-OAEP ciphertext (base64). */
export const applicationSyncSchema = object({
  ...common,
  tenantId: requiredText(64),
  appId: requiredText(64),
  clientId: requiredText(64),
  // No documented length; 4096-bit OAEP in base64 is 684 characters.
  clientSecret: requiredText(2048),
  flag: intOneOf([0, 1, 2]),
});

/** Copies `entryDate`, `employeeType` and `workPlace` out of `extension` when they are absent or empty at top level. */
function hoistExtension(v: unknown, ctx: core.ParsePayload): Record<string, unknown> {
  if (!isPlainObject(v)) {
    ctx.issues.push({ code: 'custom', message: 'must be an object', input: v });
    return NEVER;
  }
  const user = withoutNulls(v);
  if (user.extension === '') delete user.extension;
  if (typeof user.extension === 'string') {
    // V1 carries the whole list as a string; an extension given as a string of its own is read the same way.
    const parsed = readLenientJson(user.extension);
    if (parsed.ok && isPlainObject(parsed.value)) user.extension = parsed.value;
  }
  if (isPlainObject(user.extension)) {
    for (const key of ['entryDate', 'employeeType', 'workPlace']) {
      const inner = user.extension[key];
      if ((user[key] === undefined || user[key] === '') && inner !== undefined && inner !== null && inner !== '') user[key] = inner;
    }
  }
  return user;
}

/** One user of `authSync`. `enable` becomes a boolean; `employeeType` (1-4) a number. */
export const kitUserSchema = pipe(
  transform(hoistExtension),
  object({
    userName: requiredText(64),
    name: requiredText(64),
    // Mandatory in the table but may be empty: a user can sit at the tenant's root.
    orgCode: emptyableText(64),
    position: optionalText(64),
    employeeCode: optionalText(64),
    employeeType: optionalInt(),
    role: requiredText(32),
    enable: lenientBoolean(),
    // Whether mobile/email arrive encrypted is open (§13.6), so the caps allow ciphertext.
    mobile: optionalText(256),
    email: optionalText(512),
    workPlace: optionalText(255),
    // `yyyy-M-d`, e.g. 2022-11-9; kept as given.
    entryDate: optionalText(32),
    extension: optional(record(string(), unknown())),
  }),
);

/** `authSync`: grant, change or withdraw app access for a batch of users (flag 0 delete, 1 add, 2 modify, 3 cancel). */
export const authSyncSchema = object({
  ...common,
  tenantId: requiredText(64),
  appId: requiredText(64),
  userList: pipe(arrayOrJsonText(), array(kitUserSchema)),
  // Mandatory in the V2 table, unexplained and absent from some pages: optional here.
  currentSyncTime: optionalText(32),
  flag: intOneOf([0, 1, 2, 3]),
});

/** Renames `OrgName` or `name` to `orgName` when `orgName` itself is absent. */
function normaliseOrgName(v: unknown, ctx: core.ParsePayload): Record<string, unknown> {
  if (!isPlainObject(v)) {
    ctx.issues.push({ code: 'custom', message: 'must be an object', input: v });
    return NEVER;
  }
  const org = withoutNulls(v);
  if (org.orgName === undefined) org.orgName = org.OrgName ?? org.name;
  return org;
}

const orgFields = {
  orgCode: requiredText(64),
  orgName: requiredText(128),
  // Empty only for a top-level department; the output leaves it out then.
  parentCode: optionalText(64),
};

/** One department of `allOrgSync`. */
export const kitOrgSchema = pipe(transform(normaliseOrgName), object(orgFields));

/** `singleOrgSync`: one department added, changed or deleted (flag 0 delete, 1 add, 2 modify). */
export const singleOrgSyncSchema = pipe(
  transform(normaliseOrgName),
  object({ ...common, tenantId: requiredText(64), ...orgFields, flag: intOneOf([0, 1, 2]) }),
);

const orgList = () => optional(pipe(arrayOrJsonText(), array(kitOrgSchema)));

/**
 * `allOrgSync`: the whole flat department list, in `orgInfoList` (V2) or `orgInfo` (V1); the output names it
 * `orgInfoList`. The V2 example also sends an undocumented `flag`, accepted as any non-negative integer.
 */
export const allOrgSyncSchema = pipe(
  object({
    ...common,
    tenantId: requiredText(64),
    orgInfoList: orgList(),
    orgInfo: orgList(),
    flag: optionalInt(),
  }),
  transform(({ orgInfoList, orgInfo, ...rest }, ctx) => {
    const list = orgInfoList ?? orgInfo;
    if (list === undefined) {
      ctx.issues.push({ code: 'custom', message: 'required', path: ['orgInfoList'], input: undefined });
      return NEVER;
    }
    return { ...rest, orgInfoList: list };
  }),
);

/** The five kit interfaces and their schemas. */
export const KIT_SCHEMAS = {
  tenantSync: tenantSyncSchema,
  applicationSync: applicationSyncSchema,
  authSync: authSyncSchema,
  singleOrgSync: singleOrgSyncSchema,
  allOrgSync: allOrgSyncSchema,
} as const;

/** A kit interface name (the last path segment). */
export type KitName = keyof typeof KIT_SCHEMAS;

/** All kit interface names. */
export const KIT_NAMES = Object.keys(KIT_SCHEMAS) as KitName[];

/** The parsed body of kit interface `N`. */
export type KitRequest<N extends KitName> = output<(typeof KIT_SCHEMAS)[N]>;

/** A parsed user of `authSync`. */
export type KitUser = output<typeof kitUserSchema>;

/** A parsed department of `allOrgSync`. */
export type KitOrg = output<typeof kitOrgSchema>;

/** Kit `flag` values: 0 delete, 1 add, 2 modify, 3 cancel authorisation (authSync only). */
export const KIT_FLAG = { DELETE: 0, ADD: 1, MODIFY: 2, CANCEL_AUTHORIZATION: 3 } as const;
