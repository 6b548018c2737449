/**
 * The `sso-logout` function (joint-operation-kit-and-sso.md §11.6): `POST /sso/logout` (and `GET`, for
 * links) ends the local session, removes the cookie and sends the browser to the tenant IdP's
 * `{domainName}/api/v1/logout?redirect_url=<url>`, so the IdP's session ends too. The redirect is the
 * app's `?redirect=` only when it is in KG_SSO_LOGOUT_REDIRECTS, else the first entry: no open redirect.
 * A POST must come from the app's origin (Origin, else Referer): cross-site forms are refused.
 * @module
 */
import type { HttpRequest } from '../platform/apig';
import { readTenantDoc } from '../kit/read';
import { clearCookie, readCookie } from './cookies';
import type { SsoDeps } from './deps';
import { SsoError } from './errors';
import type { RouteAnswer, RouteContext } from './handler';
import { redirect } from './responses';
import { ssoRouteOf } from './routes';
import { endSession, sessionRef } from './sessions';
import { idpBase, idpEndpoint, webUrl } from './urls';

/** Routes one request of the `sso-logout` function. */
export async function routeLogout(req: HttpRequest, deps: SsoDeps, ctx: RouteContext): Promise<RouteAnswer> {
  if (ssoRouteOf(req.path) !== 'logout') throw new SsoError('not_found', 'not an sso-logout route');
  if (req.method !== 'GET' && req.method !== 'POST') throw new SsoError('method_not_allowed', `${req.method} logout`);
  if (req.method === 'POST' && !fromOrigin(req, deps.sso.appOrigin)) throw new SsoError('bad_origin', 'logout POST from another origin (or none stated)');

  const target = logoutRedirect(req.query.redirect, deps.sso.logoutRedirects);
  const id = readCookie(req.headers.cookie, deps.sso.cookieName);
  const cookie = id !== undefined ? clearCookie(deps.sso.cookieName, { secure: deps.sso.secureCookie }) : undefined;
  const ended = await endSession(deps, id, 'logout');
  if (!ended || !id) return redirect(target, cookie);
  ctx.logger.info('sso.logout', { tenantId: ended.tenantId, session: sessionRef(id) });
  const doc = await readTenantDoc(deps.store, ended.tenantId, { test: ended.test });
  const base = doc ? idpBase(doc.domainName) : undefined;
  // Without a usable IdP address (tenant removed since) the local logout is all there is to do.
  if (!base) return redirect(target, cookie);
  const logout = idpEndpoint(base, '/api/v1/logout');
  logout.search = `redirect_url=${encodeURIComponent(target)}`;
  return redirect(logout.href, cookie);
}

/** The post-logout address: `asked` when it is one of `allowed` (compared as parsed URLs), else the first. */
export function logoutRedirect(asked: string | undefined, allowed: readonly string[]): string {
  const fallback = allowed[0] as string;
  if (asked === undefined || asked === '') return fallback;
  const href = webUrl(asked)?.href;
  return href !== undefined && allowed.includes(href) ? href : fallback;
}

/** Whether a request states `origin` as its origin: the `Origin` header, or the `Referer`'s origin without one. */
export function fromOrigin(req: HttpRequest, origin: string): boolean {
  const stated = req.headers.origin;
  if (stated !== undefined && stated !== '') return stated.toLowerCase() === origin.toLowerCase();
  const referer = req.headers.referer;
  if (referer === undefined || referer === '') return false;
  try {
    return new URL(referer).origin === origin;
  } catch {
    return false;
  }
}
