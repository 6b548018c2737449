/**
 * tenantSync (企业同步): bind an instance to the tenant, update the tenant's details, or unbind.
 * Idempotency key: instance + tenant.
 * @module
 */
import type { KitRequest } from '../../protocol/schemas/kit';
import { getOwn } from '../json';
import type { KitChange, TenantDoc } from '../model';
import { checkTenant, draftOf, finish, FLAG, unchanged, type KitEnv, type KitResult } from './common';

/** The parts of a parsed tenantSync body the rule reads (the whole parsed body fits). */
export type TenantSyncInput = Pick<KitRequest<'tenantSync'>, 'tenantId' | 'instanceId' | 'tenantCode' | 'name' | 'domainName' | 'flag'>;

/**
 * Applies one tenantSync call to the tenant's document (`null` when there is none).
 * - add (1) / modify (2): creates the document, or updates tenantCode/name/domainName and `test`
 *   (= `env.test`); binds the instance once. Modify of an unknown tenant creates it, and an add that differs
 *   from what is stored updates it: either way the marketplace's latest word is kept rather than refused.
 *   V2 says modify changes only name and domain; tenantCode is taken too, so a document made by an
 *   earlier out-of-order sync gets it.
 * - delete (0): unbinds the instance and drops the application bindings that came with it; when no
 *   instance is left, the whole document goes (`next: null`, one `tenant removed` change standing for all
 *   its entities). An instance that is not bound, or no document: success with nothing to do. The
 *   lifecycle instance itself is never looked at.
 * @throws Error when `doc` belongs to another tenant (a caller bug).
 */
export function applyTenantSync(doc: TenantDoc | null, request: TenantSyncInput, env: KitEnv): KitResult {
  checkTenant(doc, request.tenantId);
  return request.flag === FLAG.DELETE ? unbind(doc, request.instanceId, env) : bind(doc, request, env);
}

function bind(doc: TenantDoc | null, request: TenantSyncInput, env: KitEnv): KitResult {
  const draft = draftOf(doc, request.tenantId, env);
  const next = draft.doc;
  const changes: KitChange[] = [];
  const detailsDiffer =
    next.tenantCode !== request.tenantCode || next.name !== request.name || next.domainName !== request.domainName || next.test !== env.test;
  if (detailsDiffer) {
    if (!draft.created) changes.push({ entity: 'tenant', op: 'updated', key: next.tenantId });
    next.tenantCode = request.tenantCode;
    next.name = request.name;
    next.domainName = request.domainName;
    next.test = env.test;
  }
  if (!next.instances.includes(request.instanceId)) {
    next.instances = [...next.instances, request.instanceId];
    changes.push({ entity: 'instance', op: 'bound', key: request.instanceId });
  }
  return finish(draft, changes, env);
}

function unbind(doc: TenantDoc | null, instanceId: string, env: KitEnv): KitResult {
  if (doc === null) return unchanged();
  // A tenant no instance was ever bound to (its app, users or departments arrived before tenantSync) goes
  // with the first delete: nothing else would ever remove it and its sealed client secrets.
  if (doc.instances.length === 0) return { next: null, changes: [{ entity: 'tenant', op: 'removed', key: doc.tenantId }] };
  if (!doc.instances.includes(instanceId)) return unchanged();
  const unbound: KitChange = { entity: 'instance', op: 'unbound', key: instanceId };
  const instances = doc.instances.filter((id) => id !== instanceId);
  if (instances.length === 0) return { next: null, changes: [unbound, { entity: 'tenant', op: 'removed', key: doc.tenantId }] };

  // The OAuth client of an (instance, tenant, app) binding is meaningless once the instance left the
  // tenant; dropping it keeps SSO from picking a stale client whether or not an applicationSync delete follows.
  const changes: KitChange[] = [unbound];
  const applications = { ...doc.applications };
  for (const key of Object.keys(applications).sort()) {
    if (getOwn(applications, key)?.instanceId !== instanceId) continue;
    delete applications[key];
    changes.push({ entity: 'application', op: 'removed', key });
  }
  return finish({ doc: { ...doc, instances, applications }, created: false }, changes, env);
}
