/**
 * What the five kit rules share: their environment and result types, the flag values, and the start of a
 * change (the document a sync works on).
 * @module
 */
import type { KIT_FLAG } from '../../protocol/schemas/kit';
import { jsonEqual, toJsonValue } from '../json';
import { emptyTenantDoc, type KitChange, type TenantDoc } from '../model';

/** The flag values (the schema module is imported for its types only, so its zod schemas stay out). */
export const FLAG = { DELETE: 0, ADD: 1, MODIFY: 2, CANCEL_AUTHORIZATION: 3 } as const satisfies typeof KIT_FLAG;

/** What a rule may know besides the document and the request. */
export interface KitEnv {
  /** The time of the call, epoch ms; becomes `updatedAt` (and `createdAt` of anything new). */
  now: number;
  /** The call is seller test data (testFlag 1); used for a document the call creates. */
  test: boolean;
}

/**
 * The outcome of one kit call. `next`: `undefined` = nothing changed, write nothing; `null` = remove the
 * tenant's document; otherwise the new document (a new object; parts that did not change are shared with
 * the input, so treat both as immutable). `changes` is empty exactly when `next` is undefined.
 */
export interface KitResult {
  next: TenantDoc | null | undefined;
  changes: KitChange[];
}

/** The result of a call that changed nothing. */
export function unchanged(): KitResult {
  return { next: undefined, changes: [] };
}

/**
 * Refuses a document of another tenant: the engine loads the document by the request's tenantId, so a
 * mismatch is a bug in the caller, not bad input.
 * @throws Error when `doc` belongs to another tenant.
 */
export function checkTenant(doc: TenantDoc | null, tenantId: string): void {
  if (doc !== null && doc.tenantId !== tenantId) throw new Error('kit rule called with the document of another tenant');
}

/** The document a sync writes to, and whether the call is creating it. */
export interface Draft {
  doc: TenantDoc;
  created: boolean;
}

/**
 * The document a sync writes to: a shallow copy of `doc` (the rule copies each map it changes), or, when
 * the tenant has no document yet, an empty one.
 *
 * Application, auth and org syncs may arrive before tenantSync (the marketplace gives no ordering
 * guarantee), so they create the document with empty tenantCode/name/domainName and no instance rather
 * than fail and make the buyer retry. Such a document goes with the first tenantSync delete, whatever
 * instance it names, since no instance of its own could ever unbind it.
 */
export function draftOf(doc: TenantDoc | null, tenantId: string, env: KitEnv): Draft {
  return doc === null ? { doc: emptyTenantDoc(tenantId, env.now, env.test), created: true } : { doc: { ...doc }, created: false };
}

/**
 * Finishes a change: "write nothing" when `changes` is empty (a new document is then dropped too);
 * otherwise the draft with `updatedAt = now`, and a leading `tenant created` when the call created it.
 */
export function finish(draft: Draft, changes: KitChange[], env: KitEnv): KitResult {
  if (changes.length === 0) return unchanged();
  draft.doc.updatedAt = env.now;
  const created: KitChange[] = draft.created ? [{ entity: 'tenant', op: 'created', key: draft.doc.tenantId }] : [];
  return { next: draft.doc, changes: [...created, ...changes] };
}

/**
 * True when two stored entities hold the same data apart from `updatedAt`, compared in their JSON form
 * (an optional field set to undefined equals an absent one, as it would after storage).
 */
export function sameExceptUpdatedAt<T extends { updatedAt: number }>(a: T, b: T): boolean {
  return jsonEqual(toJsonValue({ ...a, updatedAt: 0 }), toJsonValue({ ...b, updatedAt: 0 }));
}
