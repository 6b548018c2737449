/**
 * applicationSync (应用同步): the tenant's OAuth client for one (instance, app) pair.
 * Idempotency key: instance + tenant + app.
 * @module
 */
import type { KitRequest } from '../../protocol/schemas/kit';
import { getOwn, setOwn } from '../json';
import { applicationKey, type ApplicationBinding, type TenantDoc } from '../model';
import { checkTenant, draftOf, finish, FLAG, sameExceptUpdatedAt, unchanged, type KitEnv, type KitResult } from './common';

/**
 * A parsed applicationSync body with the clear `clientSecret` replaced by its sealed form (the type refuses
 * a leftover `clientSecret`, so clear text cannot reach the document by accident).
 */
export type ApplicationSyncInput = Pick<KitRequest<'applicationSync'>, 'tenantId' | 'instanceId' | 'appId' | 'clientId' | 'flag'> & {
  /** The decrypted secret, re-sealed by the caller. */
  clientSecretSealed: string;
  /**
   * Optional keyed digest of the clear secret (e.g. HMAC-SHA256 under a key only the caller holds). When
   * given, "same secret" is judged by it instead of by the sealed text, which differs on every sealing
   * (random IV); without it a repeated add is recognised only if the sealed text is identical.
   */
  clientSecretDigest?: string;
  clientSecret?: never;
};

/**
 * Applies one applicationSync call.
 * - add (1) / modify (2): upserts the binding of (instanceId, appId). A repeated add with the same client
 *   id and secret writes nothing; an add with other values updates in place and a modify of an absent
 *   binding creates it (the latest delivery is the truth; refusing would only make the buyer retry).
 * - delete (0): removes the binding; absent binding or no document: success with nothing to do. Whether
 *   the instance is bound to the tenant (or exists at all) is not checked.
 * A document is created when the tenant has none (out-of-order delivery, see `draftOf`).
 * @throws Error when `doc` belongs to another tenant (a caller bug).
 */
export function applyApplicationSync(doc: TenantDoc | null, request: ApplicationSyncInput, env: KitEnv): KitResult {
  checkTenant(doc, request.tenantId);
  const key = applicationKey(request.instanceId, request.appId);
  const old = doc === null ? undefined : getOwn(doc.applications, key);

  if (request.flag === FLAG.DELETE) {
    if (doc === null || old === undefined) return unchanged();
    const applications = { ...doc.applications };
    delete applications[key];
    return finish({ doc: { ...doc, applications }, created: false }, [{ entity: 'application', op: 'removed', key }], env);
  }

  const binding: ApplicationBinding = {
    instanceId: request.instanceId,
    appId: request.appId,
    clientId: request.clientId,
    clientSecretSealed: request.clientSecretSealed,
    updatedAt: env.now,
  };
  if (request.clientSecretDigest !== undefined) binding.clientSecretDigest = request.clientSecretDigest;
  if (old !== undefined && sameBinding(old, binding)) return unchanged();

  const draft = draftOf(doc, request.tenantId, env);
  const applications = { ...draft.doc.applications };
  setOwn(applications, key, binding);
  draft.doc.applications = applications;
  return finish(draft, [{ entity: 'application', op: old === undefined ? 'created' : 'updated', key }], env);
}

/** Same client id and same secret: by digest when the new delivery has one, else by sealed text. */
function sameBinding(old: ApplicationBinding, next: ApplicationBinding): boolean {
  if (next.clientSecretDigest === undefined) return sameExceptUpdatedAt(old, next);
  return old.clientId === next.clientId && old.clientSecretDigest === next.clientSecretDigest;
}
