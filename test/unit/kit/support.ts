/** Builders and an invariant-checking runner for the kit rule tests (not a test file itself). */
import { expect } from 'vitest';
import { parseKit } from '../../../shared/protocol/parseKit';
import type { KitEnv, KitResult } from '../../../shared/kit/rules/common';
import type { TenantDoc } from '../../../shared/kit/model';

/** Epoch ms used as "now" by default. */
export const T0 = 1_767_225_600_000;
export const TENANT_ID = '68cbc86abc2018ab880d92f36422fa0e';
export const I1 = 'huaiweitest123456';
export const I2 = 'instance-two-0001';
export const APP_ID = 'app-8a2b';
export const TIME_STAMP = '20220413093539534';

export function envAt(now: number = T0, test = false): KitEnv {
  return { now, test };
}

/** Freezes a value and everything reachable from it, so any mutation throws (test files are strict ESM). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * Fails unless `value` is plain JSON all the way down: no undefined, no non-finite number, no class
 * instance, no inherited or accessor property (so a JSON round trip gives the same value).
 */
export function expectPlainJson(value: unknown): void {
  expect(notPlainJson(value, '$')).toEqual([]);
}

/** The paths at which `value` is not plain JSON. */
function notPlainJson(value: unknown, path: string): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path}: non-finite number`];
  if (typeof value !== 'object') return [`${path}: ${typeof value}`];
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype) return [`${path}: not a plain object or array`];
  const problems: string[] = [];
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (Array.isArray(value) && key === 'length') continue;
    if (!('value' in descriptor) || !descriptor.enumerable) problems.push(`${path}.${key}: not an enumerable data property`);
    else problems.push(...notPlainJson(descriptor.value, `${path}.${key}`));
  }
  return problems;
}

/**
 * Runs a rule on deep-frozen inputs and checks what every result must satisfy: changes empty exactly when
 * nothing is written; a written document is new, pure JSON, stamped `updatedAt = now`, `createdAt` kept.
 */
export function run<R>(
  rule: (doc: TenantDoc | null, request: R, env: KitEnv) => KitResult,
  doc: TenantDoc | null,
  request: R,
  env: KitEnv = envAt(),
): KitResult {
  const before = JSON.stringify(doc);
  const result = rule(deepFreeze(doc), deepFreeze(request), env);
  expect(JSON.stringify(doc)).toBe(before);
  expect(result.changes.length === 0).toBe(result.next === undefined);
  expectPlainJson(result.changes);
  if (result.next) {
    expect(result.next).not.toBe(doc);
    expectPlainJson(result.next);
    expect(result.next.updatedAt).toBe(env.now);
    if (doc) expect(result.next.createdAt).toBe(doc.createdAt);
    else expect(result.next.createdAt).toBe(env.now);
  }
  return result;
}

/** The written document of a result; fails the test when the rule wrote nothing or removed the document. */
export function written(result: KitResult): TenantDoc {
  if (!result.next) throw new Error(`expected a document, got ${String(result.next)}`);
  return result.next;
}

export function tenantReq(flag: 0 | 1 | 2, overrides: Record<string, unknown> = {}) {
  return parseKit('tenantSync', {
    instanceId: I1,
    orderId: 'CS1906666666ABCDE',
    tenantId: TENANT_ID,
    tenantCode: 'huawei',
    name: 'huaiweitest',
    domainName: 'https://example.tenantaccount.com',
    flag,
    testFlag: 0,
    timeStamp: TIME_STAMP,
    ...overrides,
  });
}

/** An applicationSync request as the engine hands it over: secret decrypted and re-sealed. */
export function appReq(flag: 0 | 1 | 2, overrides: Record<string, unknown> = {}, sealed = 'gcm1.sealed-A') {
  const { clientSecret: _clear, ...rest } = parseKit('applicationSync', {
    instanceId: I1,
    tenantId: TENANT_ID,
    appId: APP_ID,
    clientId: 'client-1',
    clientSecret: 'BASE64CIPHERTEXT==',
    flag,
    testFlag: 0,
    timeStamp: TIME_STAMP,
    ...overrides,
  });
  return { ...rest, clientSecretSealed: sealed };
}

/** A realistic V2 user; `overrides` replace fields. */
export function rawUser(userName: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userName,
    name: '张三',
    orgCode: '10000',
    position: '系统管理员',
    employeeCode: 'E001',
    employeeType: 1,
    role: 'user',
    enable: 'true',
    mobile: '13800000000',
    email: `${userName}@example.com`,
    workPlace: '南京',
    entryDate: '2022-11-9',
    ...overrides,
  };
}

export function authReq(flag: 0 | 1 | 2 | 3, userList: unknown, overrides: Record<string, unknown> = {}) {
  return parseKit('authSync', {
    instanceId: I1,
    tenantId: TENANT_ID,
    appId: APP_ID,
    userList,
    currentSyncTime: TIME_STAMP,
    flag,
    testFlag: 0,
    timeStamp: TIME_STAMP,
    ...overrides,
  });
}

export function orgReq(flag: 0 | 1 | 2, orgCode: string, orgName = '开发部', parentCode = '', overrides: Record<string, unknown> = {}) {
  return parseKit('singleOrgSync', {
    instanceId: I1,
    tenantId: TENANT_ID,
    orgCode,
    orgName,
    parentCode,
    flag,
    testFlag: 0,
    timeStamp: TIME_STAMP,
    ...overrides,
  });
}

export function allOrgReq(orgInfoList: unknown, overrides: Record<string, unknown> = {}) {
  return parseKit('allOrgSync', { instanceId: I1, tenantId: TENANT_ID, orgInfoList, testFlag: 0, timeStamp: TIME_STAMP, ...overrides });
}
