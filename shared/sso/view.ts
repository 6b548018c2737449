/**
 * The current session as the merchant's app sees it (`GET /sso/session`, `getSession`): the session is
 * read (idle expiry extended), its user re-checked against the kit document on every call (so a user
 * deleted, disabled or cancelled by authSync, or a tenant or app binding removed, loses every session at
 * once), the access token renewed when due, and the user shown with the kit's names. Never a token.
 * @module
 */
import type { TenantDoc } from '../kit/model';
import { readTenantDoc } from '../kit/read';
import { findUser } from '../kit/view';
import { SsoError } from './errors';
import type { CallBudget } from './idpClient';
import { endSession, loadSession, renewalDue, renewSession, sessionRef, type SessionDeps, type SessionRecord } from './sessions';
import { tenantClient, tenantIdp, userRefusal } from './tenants';

/**
 * The signed-in user, as `GET /sso/session` answers it and `getSession` returns it.
 * @example
 * const me: SessionView = await (await fetch('/sso/session', { credentials: 'same-origin' })).json();
 * greeting.textContent = `${me.name} (${me.tenantName})`;
 */
export interface SessionView {
  /** Login name (unique within the tenant). */
  userName: string;
  /** Display name, as authSync sent it. */
  name: string;
  /** `admin` or `user`, as authSync sent it. */
  role: string;
  /** The user's department (`''` = tenant root). */
  orgCode: string;
  tenantId: string;
  /** The enterprise name, as tenantSync sent it (`''` before tenantSync). */
  tenantName: string;
  /** The 应用凭证 appId the user logged in to. */
  appId: string;
  /** Epoch ms at which the session ends without another request (the idle expiry). */
  expiresAt: number;
}

/** Builds the view of a session whose user exists in `doc`. */
function viewOf(rec: SessionRecord, doc: TenantDoc): SessionView {
  const user = findUser(doc, rec.appId, rec.userName);
  return {
    userName: rec.userName,
    name: user?.name ?? '',
    role: user?.role ?? '',
    orgCode: user?.orgCode ?? '',
    tenantId: rec.tenantId,
    tenantName: doc.name,
    appId: rec.appId,
    expiresAt: rec.idleUntil,
  };
}

/**
 * The view of session `id`, or null when there is none (then a session that existed has been ended).
 * @throws SsoError `idp_error` / `idp_timeout` when a due renewal failed after the access token expired
 * (the session is kept; a later call tries again); store errors as they come.
 */
export async function resolveSession(deps: SessionDeps, id: string | undefined, budget: CallBudget = {}): Promise<SessionView | null> {
  const rec = await loadSession(deps, id);
  if (!rec || !id) return null;
  const doc = await readTenantDoc(deps.store, rec.tenantId, { test: rec.test });
  const revoke = async (reason: string): Promise<null> => {
    await endSession(deps, id, 'revoked');
    deps.logger.info('sso.session_revoked', { session: sessionRef(id), tenantId: rec.tenantId, reason });
    return null;
  };
  if (!doc) return revoke('unknown_tenant');
  const refusal = userRefusal(doc, rec.appId, rec.userName);
  if (refusal) return revoke(refusal);
  let current: SessionRecord | null = rec;
  if (renewalDue(rec, deps.clock())) {
    let client;
    try {
      client = { base: tenantIdp(doc), credentials: tenantClient(doc, rec.appId, deps.sealer) };
    } catch (err) {
      // The app was unbound from the tenant: its sessions go with it. A bad domainName is the IdP's failure.
      if (err instanceof SsoError && err.reason === 'unknown_tenant') return revoke(err.reason);
      throw err;
    }
    current = await renewSession(deps, id, rec, client, budget);
    if (!current) {
      deps.logger.info('sso.session_ended', { session: sessionRef(id), tenantId: rec.tenantId, reason: 'renewal refused or session gone' });
      return null;
    }
  }
  return viewOf(current, doc);
}
