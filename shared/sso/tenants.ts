/**
 * What SSO takes from the kit, and only from the kit (never from a request): the tenant's document
 * (production `t:` first, then the seller's test data `tt:`), its IdP address (`domainName`, https only
 * except loopback), the app's OAuth client with its secret opened from the seal, and whether a user may
 * log in (authorised by authSync and enabled).
 * @module
 */
import { readTenantDoc } from '../kit/read';
import type { TenantDoc } from '../kit/model';
import { findApplication, findUser, userMayLogIn } from '../kit/view';
import type { Sealer } from '../security/dataSeal';
import type { Store } from '../store/Store';
import { SsoError } from './errors';
import type { IdpClientCredentials } from './idpClient';
import { idpBase } from './urls';

/** A tenant document and which namespace it came from. */
export interface FoundTenant {
  doc: TenantDoc;
  /** Seller test data (`tt:`). */
  test: boolean;
}

/** The tenant's production document, else its test-data document, else null. */
export async function findTenant(store: Store, tenantId: string): Promise<FoundTenant | null> {
  const production = await readTenantDoc(store, tenantId);
  if (production) return { doc: production, test: false };
  const test = await readTenantDoc(store, tenantId, { test: true });
  return test ? { doc: test, test: true } : null;
}

/** The tenant's IdP base URL. @throws SsoError `unknown_tenant` (no domain yet) or `idp_error` (not https) */
export function tenantIdp(doc: TenantDoc): URL {
  if (doc.domainName === '') throw new SsoError('unknown_tenant', 'the tenant has no domainName yet (tenantSync has not arrived)');
  const base = idpBase(doc.domainName);
  if (!base) throw new SsoError('idp_error', 'the tenant domainName is not an https address (http only for loopback hosts)');
  return base;
}

/**
 * The app's OAuth client at the tenant, secret opened.
 * @throws SsoError `unknown_tenant` when the app is not bound to the tenant; a SealedSecretError (a server
 * error) when no data key of the ring opens the secret.
 */
export function tenantClient(doc: TenantDoc, appId: string, sealer: Sealer): IdpClientCredentials {
  const binding = findApplication(doc, appId);
  if (!binding || binding.clientSecretSealed === '') throw new SsoError('unknown_tenant', 'the app is not bound to the tenant (no applicationSync for KG_SSO_APP_ID)');
  return { clientId: binding.clientId, clientSecret: sealer.open(binding.clientSecretSealed) };
}

/** Why `userName` may not log in to `appId` at the tenant, or undefined when they may. */
export function userRefusal(doc: TenantDoc, appId: string, userName: string): 'not_authorized' | 'user_disabled' | undefined {
  const user = findUser(doc, appId, userName);
  if (!user || !user.authorized) return 'not_authorized';
  if (!userMayLogIn(user)) return 'user_disabled';
  return undefined;
}
