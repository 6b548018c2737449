/**
 * The bodies of the five 联营 kit callbacks as the V2 field tables give them (joint-operation-kit-and-sso.md
 * §5-§9), in the documented (unsorted) field order, with ids unique per run.
 * @module
 */
import { randomBytes } from 'node:crypto';

/** Kit `flag`: 0 delete, 1 add, 2 modify, 3 cancel authorisation (authSync only). */
export const FLAG = { DELETE: 0, ADD: 1, MODIFY: 2, CANCEL: 3 } as const;

/** What every call of one binding repeats: the instance, the tenant, the app, production or debug data. */
export interface KitBinding {
  /** Empty for the seller's credential application (test data). */
  instanceId: string;
  /** Empty for the seller's credential application (test data). */
  orderId: string;
  tenantId: string;
  tenantCode: string;
  appId: string;
  /** 1 for the seller's test data, 0 for a buyer's binding. */
  testFlag: 0 | 1;
}

/** One user of authSync (V2 User table). */
export type KitUser = Record<string, unknown> & { userName: string };

/** One department (V2 OrgInfo). */
export interface KitOrg {
  orgCode: string;
  orgName: string;
  /** Empty for a top-level department. */
  parentCode: string;
}

/** `yyyyMMddHHmmssSSS` in UTC+8, the kit `timeStamp` format. */
export function kitTimeStamp(at: Date = new Date()): string {
  const iso = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23);
}

/** A fresh binding to a new tenant (32 hex characters, like the doc's tenantId). */
export function newBinding(instanceId: string, orderId: string, testFlag: 0 | 1): KitBinding {
  const tag = randomBytes(4).toString('hex');
  return { instanceId, orderId, tenantId: randomBytes(16).toString('hex'), tenantCode: `emu${tag}`, appId: `emuapp${tag}`, testFlag };
}

/** tenantSync (§5). */
export function tenantBody(b: KitBinding, flag: number, name = `Emulator 企业 ${b.tenantCode}`, domainName = `https://${b.tenantCode}.tenantaccount.example.com`): Record<string, unknown> {
  return {
    instanceId: b.instanceId, orderId: b.orderId, tenantId: b.tenantId, tenantCode: b.tenantCode, name, domainName, flag, testFlag: b.testFlag,
    timeStamp: kitTimeStamp(),
  };
}

/** applicationSync (§6); `clientSecret` is already RSA-OAEP ciphertext (base64). */
export function applicationBody(b: KitBinding, flag: number, clientId: string, clientSecret: string): Record<string, unknown> {
  return { instanceId: b.instanceId, tenantId: b.tenantId, appId: b.appId, clientId, clientSecret, flag, testFlag: b.testFlag, timeStamp: kitTimeStamp() };
}

/** authSync (§7) for `users`. */
export function authBody(b: KitBinding, flag: number, users: unknown): Record<string, unknown> {
  const now = kitTimeStamp();
  return { instanceId: b.instanceId, tenantId: b.tenantId, appId: b.appId, userList: users, currentSyncTime: now, flag, testFlag: b.testFlag, timeStamp: now };
}

/** singleOrgSync (§8) for one department. */
export function singleOrgBody(b: KitBinding, flag: number, org: KitOrg): Record<string, unknown> {
  return { instanceId: b.instanceId, tenantId: b.tenantId, ...org, flag, testFlag: b.testFlag, timeStamp: kitTimeStamp() };
}

/** allOrgSync (§9) with the whole flat list. */
export function allOrgBody(b: KitBinding, orgs: unknown): Record<string, unknown> {
  return { instanceId: b.instanceId, tenantId: b.tenantId, orgInfoList: orgs, testFlag: b.testFlag, timeStamp: kitTimeStamp() };
}

/** A small department tree, flat: one root, `children` under it, one grandchild under the first child. */
export function orgTree(prefix: string, children = 4): KitOrg[] {
  const root: KitOrg = { orgCode: `${prefix}00`, orgName: '总部', parentCode: '' };
  const kids = Array.from({ length: children }, (_, i): KitOrg => ({ orgCode: `${prefix}${String(i + 1).padStart(2, '0')}`, orgName: `部门 ${i + 1}/R&D`, parentCode: root.orgCode }));
  const grandchild: KitOrg = { orgCode: `${prefix}11`, orgName: '开发组', parentCode: kids[0]?.orgCode ?? root.orgCode };
  return [root, ...kids, grandchild];
}

/**
 * `count` users spread over `orgs`: the first is an admin; every fifth keeps `entryDate`, `employeeType`
 * (as a string) and `workPlace` inside `extension`, as the V1 example does; every seventh has them at
 * top level; some carry mobile and email.
 */
export function kitUsers(prefix: string, count: number, orgs: readonly KitOrg[]): KitUser[] {
  return Array.from({ length: count }, (_, i): KitUser => {
    const n = String(i + 1).padStart(4, '0');
    const user: KitUser = {
      userName: `${prefix}${n}`, name: `用户 ${n}`, orgCode: orgs[i % Math.max(orgs.length, 1)]?.orgCode ?? '', position: i === 0 ? '系统管理员' : '工程师',
      employeeCode: `E${n}`, role: i === 0 ? 'admin' : 'user', enable: 'true',
    };
    if (i % 3 === 0) Object.assign(user, { mobile: `1380000${n}`, email: `${prefix}${n}@example.com` });
    if (i % 5 === 0) user.extension = { entryDate: '2022-11-9', employeeType: '4', workPlace: '南京' };
    else if (i % 7 === 0) Object.assign(user, { employeeType: 1, workPlace: '深圳', entryDate: '2023-1-15', extension: {} });
    return user;
  });
}

/** The V2 allOrgSync example's list text: a string with bare (unquoted) keys (§9 quirks). */
export function bareKeyOrgText(orgs: readonly KitOrg[]): string {
  return `[${orgs.map((o) => `{orgCode:${JSON.stringify(o.orgCode)}, orgName:${JSON.stringify(o.orgName)}, parentCode:${JSON.stringify(o.parentCode)} }`).join(', ')}]`;
}
