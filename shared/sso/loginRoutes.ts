/**
 * The `sso-login` function's routes (joint-operation-kit-and-sso.md §11.3-§11.5):
 * - `GET /sso/login`: 302 to the unified login page (`ind=UNOP&appId=`); with `?tenant=` (the workbench
 *   flow) 302 to the tenant's `/api/v1/oauth2/authorize` with a `state` bound to the browser by the signed
 *   cookie `kg_sso_state`;
 * - `GET /sso/callback?code=..&tenant=..[&state=..]`: the tenant's IdP address and client come from the kit
 *   (never from the request); code -> token, userinfo, tenant and user checks, a new session, 302 to the app;
 * - `GET /sso/session`: the current user as JSON (renewing the access token when due), or 401.
 * @module
 */
import type { HttpRequest } from '../platform/apig';
import { findApplication } from '../kit/view';
import { clearCookie, readCookie, setCookie } from './cookies';
import type { SsoDeps } from './deps';
import { REASON_MESSAGE, SsoError } from './errors';
import type { RouteAnswer, RouteContext } from './handler';
import { IdpError, refusalOf, type IdpUser, type TokenSet } from './idpClient';
import { jsonAnswer, redirect } from './responses';
import { ssoRouteOf } from './routes';
import { createSession, endSession, isSessionId, sessionRef } from './sessions';
import { issueState, STATE_COOKIE, STATE_TTL_MS, verifyState } from './state';
import { findTenant, tenantClient, tenantIdp, userRefusal } from './tenants';
import { idpEndpoint, unifiedLoginUrl } from './urls';
import { resolveSession } from './view';

/** Longest `code` accepted (characters). */
const MAX_CODE = 2048;

/** A tenant id as the kit stores it: 1-64 printable characters. */
const TENANT_ID = /^[^\u0000-\u001f\u007f]{1,64}$/;

/** Routes one request of the `sso-login` function. */
export async function routeLogin(req: HttpRequest, deps: SsoDeps, ctx: RouteContext): Promise<RouteAnswer> {
  const route = ssoRouteOf(req.path);
  if (route !== 'login' && route !== 'callback' && route !== 'session') throw new SsoError('not_found', 'not an sso-login route');
  if (req.method !== 'GET') throw new SsoError('method_not_allowed', `${req.method} ${route}`);
  if (route === 'login') return login(req, deps);
  if (route === 'callback') return callback(req, deps, ctx);
  return session(req, deps, ctx);
}

/** The `tenant` query parameter: undefined when absent or empty. @throws SsoError bad_request when malformed */
function tenantParam(req: HttpRequest): string | undefined {
  const tenant = req.query.tenant;
  if (tenant === undefined || tenant === '') return undefined;
  if (!TENANT_ID.test(tenant)) throw new SsoError('bad_request', 'tenant is malformed');
  return tenant;
}

async function login(req: HttpRequest, deps: SsoDeps): Promise<RouteAnswer> {
  const tenantId = tenantParam(req);
  if (tenantId === undefined) return redirect(unifiedLoginUrl(deps.sso.loginPageUrl, deps.sso.appId));
  const found = await findTenant(deps.store, tenantId);
  if (!found) throw new SsoError('unknown_tenant', 'no kit document for the tenant');
  const base = tenantIdp(found.doc);
  const binding = findApplication(found.doc, deps.sso.appId);
  if (!binding) throw new SsoError('unknown_tenant', 'the app is not bound to the tenant (no applicationSync for KG_SSO_APP_ID)');
  const { state, cookieValue } = issueState(deps.dataKeys, tenantId, deps.clock());
  const authorize = idpEndpoint(base, '/api/v1/oauth2/authorize');
  authorize.search = new URLSearchParams({
    client_id: binding.clientId,
    redirect_uri: deps.sso.callbackUrl,
    response_type: 'code',
    scope: 'get_user_info',
    state,
  }).toString();
  return redirect(authorize.href, setCookie(STATE_COOKIE, cookieValue, { secure: deps.sso.secureCookie, maxAgeS: STATE_TTL_MS / 1000 }));
}

async function callback(req: HttpRequest, deps: SsoDeps, ctx: RouteContext): Promise<RouteAnswer> {
  const code = req.query.code;
  if (code === undefined || code === '') throw new SsoError('bad_request', 'code is missing');
  if (code.length > MAX_CODE) throw new SsoError('bad_request', 'code is too long');
  let tenantId = tenantParam(req);
  const state = req.query.state;
  if (state !== undefined && state !== '') {
    const claim = verifyState(deps.dataKeys, readCookie(req.headers.cookie, STATE_COOKIE), state, deps.clock());
    if (!claim) throw new SsoError('bad_state', 'state does not match a valid state cookie of this browser');
    if (tenantId !== undefined && tenantId !== claim.tenantId) throw new SsoError('bad_state', 'tenant differs from the one the login started for');
    tenantId = claim.tenantId;
  }
  if (tenantId === undefined) throw new SsoError('bad_request', 'tenant is missing');

  const found = await findTenant(deps.store, tenantId);
  if (!found) throw new SsoError('unknown_tenant', 'no kit document for the tenant');
  const { doc, test } = found;
  const base = tenantIdp(doc);
  const client = tenantClient(doc, deps.sso.appId, deps.sealer);

  let tokens: TokenSet;
  try {
    tokens = await deps.idp.exchangeCode(base, client, code, deps.sso.callbackUrl, ctx.budget);
  } catch (err) {
    throw err instanceof IdpError ? refusalOf(err, 'invalid_code') : err;
  }
  let user: IdpUser;
  try {
    user = await deps.idp.userinfo(base, tokens.accessToken, ctx.budget);
  } catch (err) {
    throw err instanceof IdpError ? refusalOf(err, 'idp_error') : err;
  }
  if (user.tenant === undefined) {
    // The published userinfo example has no `tenant`: the code was redeemed with this tenant's own client at
    // this tenant's IdP, which binds it; the kit's user list is still checked below.
    ctx.logger.warn('sso.userinfo_without_tenant', { tenantId });
  } else if (user.tenant !== tenantId) {
    throw new SsoError('tenant_mismatch', 'userinfo names another tenant than the one asked for');
  }
  const refused = userRefusal(doc, deps.sso.appId, user.userName);
  if (refused) throw new SsoError(refused, refused === 'user_disabled' ? 'authSync sent enable false' : 'the user is not in the kit for this app, or was cancelled (flag 3)');

  // A new id at every login; a session this browser still had is ended, not reused.
  const previous = readCookie(req.headers.cookie, deps.sso.cookieName);
  if (isSessionId(previous)) await endSession(deps, previous, 'replaced');
  const { id } = await createSession(deps, { tenantId, test, appId: deps.sso.appId, userName: user.userName, tokens });
  ctx.logger.info('sso.login', { tenantId, test, userName: user.userName, session: sessionRef(id) });
  return redirect(deps.sso.appUrl, setCookie(deps.sso.cookieName, id, { secure: deps.sso.secureCookie }));
}

async function session(req: HttpRequest, deps: SsoDeps, ctx: RouteContext): Promise<RouteAnswer> {
  const id = readCookie(req.headers.cookie, deps.sso.cookieName);
  const view = await resolveSession(deps, id, ctx.budget);
  if (view) return jsonAnswer(200, view);
  // A cookie that names no live session is removed from the browser.
  const cookie = id !== undefined ? clearCookie(deps.sso.cookieName, { secure: deps.sso.secureCookie }) : undefined;
  return { ...jsonAnswer(401, { error: 'no_session', message: REASON_MESSAGE.no_session }, cookie), reason: 'no_session' };
}
