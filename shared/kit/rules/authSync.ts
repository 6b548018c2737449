/**
 * authSync (用户授权同步): grant, change, withdraw or delete app access for a batch of users.
 * Idempotency key: instance + tenant + app + userName; users are stored per (app, userName) because an
 * authorisation belongs to the tenant's app, whichever instance delivered it.
 * @module
 */
import type { KitRequest, KitUser } from '../../protocol/schemas/kit';
import { getOwn, setOwn, toJsonObject } from '../json';
import { userKey, type KitChange, type KitUserRecord, type TenantDoc } from '../model';
import { checkTenant, draftOf, finish, FLAG, sameExceptUpdatedAt, unchanged, type KitEnv, type KitResult } from './common';

/** A parsed user, plus the unknown fields of the raw user (see userExtras.ts) when the caller has them. */
export type KitUserInput = KitUser & { extra?: Readonly<Record<string, unknown>> };

/** The parts of a parsed authSync body the rule reads (the whole parsed body fits). */
export type AuthSyncInput = Pick<KitRequest<'authSync'>, 'tenantId' | 'appId' | 'flag'> & { userList: readonly KitUserInput[] };

type UserOp = Extract<KitChange, { entity: 'user' }>['op'];

/**
 * Applies one authSync call; `flag` applies to every user of the list (V1 caps it at 500 users; longer
 * lists are applied too, since refusing would only make the administrator retry the same list).
 * - add (1) / modify (2): upserts each user with `authorized: true`. The list carries whole users, so the
 *   stored user is replaced (an optional field that is no longer sent is cleared). A repeated add changes
 *   nothing; an add with other values updates in place and a modify of an absent user creates it (the
 *   latest delivery is the truth). Either also re-authorises a cancelled user.
 * - cancel authorisation (3): sets `authorized: false` and keeps the user's data; absent or already
 *   cancelled users: nothing to do.
 * - delete (0): removes the users; absent ones are ignored; the instance is not checked.
 * A user listed twice is applied in list order and reported once, with its first change.
 * A document is created by add/modify when the tenant has none (out-of-order delivery, see `draftOf`).
 * @throws Error when `doc` belongs to another tenant (a caller bug).
 */
export function applyAuthSync(doc: TenantDoc | null, request: AuthSyncInput, env: KitEnv): KitResult {
  checkTenant(doc, request.tenantId);
  const upsert = request.flag === FLAG.ADD || request.flag === FLAG.MODIFY;
  if (doc === null && !upsert) return unchanged();

  const draft = draftOf(doc, request.tenantId, env);
  // One copy of the map for the whole batch, then edits on the copy: O(users) rather than O(users × list).
  const users = { ...draft.doc.users };
  const ops = new Map<string, UserOp>();
  const note = (key: string, op: UserOp): void => {
    if (!ops.has(key)) ops.set(key, op);
  };

  for (const user of request.userList) {
    const key = userKey(request.appId, user.userName);
    const old = getOwn(users, key);
    if (request.flag === FLAG.DELETE) {
      if (old === undefined) continue;
      delete users[key];
      note(key, 'removed');
    } else if (request.flag === FLAG.CANCEL_AUTHORIZATION) {
      if (old === undefined || !old.authorized) continue;
      setOwn(users, key, { ...old, authorized: false, updatedAt: env.now });
      note(key, 'cancelled');
    } else {
      const record = toUserRecord(request.appId, user, env.now);
      if (old !== undefined && sameExceptUpdatedAt(old, record)) continue;
      setOwn(users, key, record);
      note(key, old === undefined ? 'created' : 'updated');
    }
  }

  draft.doc.users = users;
  const changes: KitChange[] = [...ops].map(([key, op]) => ({ entity: 'user', op, key }));
  return finish(draft, changes, env);
}

/** The stored form of one delivered user: authorised, optional fields only when sent, JSON copies of maps. */
function toUserRecord(appId: string, user: KitUserInput, now: number): KitUserRecord {
  const record: KitUserRecord = {
    appId,
    userName: user.userName,
    name: user.name,
    orgCode: user.orgCode,
    role: user.role,
    enable: user.enable,
    extra: user.extra === undefined ? {} : toJsonObject(user.extra),
    authorized: true,
    updatedAt: now,
  };
  if (user.position !== undefined) record.position = user.position;
  if (user.employeeCode !== undefined) record.employeeCode = user.employeeCode;
  if (user.employeeType !== undefined) record.employeeType = user.employeeType;
  if (user.mobile !== undefined) record.mobile = user.mobile;
  if (user.email !== undefined) record.email = user.email;
  if (user.workPlace !== undefined) record.workPlace = user.workPlace;
  if (user.entryDate !== undefined) record.entryDate = user.entryDate;
  if (user.extension !== undefined) record.extension = toJsonObject(user.extension);
  return record;
}
