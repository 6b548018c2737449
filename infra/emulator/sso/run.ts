/**
 * The moving parts of the `sso` scenario: the merchant's /sso/* routes, the fake IdP (its pages, its admin
 * API), what the run learned from the merchant (appId from the unified-login redirect, the registered
 * callback from the workbench authorize redirect, the app URL from the callback's redirect, the session
 * cookie's name), and the login flows every step builds on. Every request the merchant answers is recorded
 * as a step; the fake IdP's own hops are recorded only when they fail (they test the emulator, not the
 * merchant).
 * @module
 */
import type { ScenarioContext } from '../context';
import type { FakeIdpClient, IdpEvent } from '../fakeIdp/index';
import { kitUrl } from '../kitClient';
import { actualOf, bare, STATE_COOKIE, statusProblems } from './checks';
import { ACCEPT_JSON, WebClient, type WebAnswer } from './web';

/** A user as synced by authSync and registered at the IdP. */
export interface SsoUser {
  tenantId: string;
  userName: string;
  password: string;
  name: string;
  role: 'admin' | 'user';
  orgCode: string;
}

/** A tenant of the run. */
export interface SsoTenant {
  tenantId: string;
  tenantCode: string;
  name: string;
  clientId: string;
  clientSecret: string;
}

/** What the merchant's unified-login redirect carries. */
export interface LoginRedirect {
  ind?: string;
  appId?: string;
  /** Where the parameters were: after the fragment's path (`#/portal-login?ind=..`) or in the query. */
  inFragment: boolean;
}

/** Reads `ind` and `appId` from the unified login URL, after the fragment's path when there is a `#`. */
export function readLoginRedirect(location: string): LoginRedirect {
  const hash = location.indexOf('#');
  let params: URLSearchParams;
  if (hash >= 0) {
    const fragment = location.slice(hash + 1);
    const q = fragment.indexOf('?');
    params = new URLSearchParams(q >= 0 ? fragment.slice(q + 1) : '');
  } else {
    try {
      params = new URL(location).searchParams;
    } catch {
      params = new URLSearchParams();
    }
  }
  const out: LoginRedirect = { inFragment: hash >= 0 };
  const ind = params.get('ind');
  const appId = params.get('appId');
  if (ind !== null) out.ind = ind;
  if (appId !== null) out.appId = appId;
  return out;
}

/** Problems of a unified-login redirect (contract: `...#/portal-login?ind=UNOP&appId=X`). */
export function loginRedirectProblems(a: WebAnswer): string[] {
  const problems = statusProblems(a, 302);
  if (problems.length > 0) return problems;
  if (!a.location) return ['no Location'];
  const found = readLoginRedirect(a.location);
  if (found.ind !== 'UNOP') problems.push(`ind is ${JSON.stringify(found.ind ?? null)} instead of UNOP${found.inFragment ? ' (read after the fragment path, #/portal-login?ind=..)' : ''}`);
  if (!found.appId) problems.push('no appId');
  return problems;
}

/** The scenario's state and helpers. */
export class SsoRun {
  /** Learned from `GET /sso/login`. */
  appId = '';
  /** Learned from the workbench authorize redirect (`redirect_uri`). */
  callbackUrl = '';
  /** Learned from the first successful callback. */
  appUrl = '';
  /** The session cookie's name, learned from the first successful callback (contract default kg_session). */
  cookieName = 'kg_session';
  /** The default post-logout URL (first of KG_SSO_LOGOUT_REDIRECTS), learned from a logout. */
  logoutDefault = '';

  constructor(readonly ctx: ScenarioContext, readonly idp: FakeIdpClient, readonly timeoutMs: number) {}

  /** The IdP's base URL (the tenants' domainName). */
  get idpBase(): string {
    return this.idp.url.replace(/\/+$/, '');
  }

  /** A merchant route under the production URL (a path prefix is kept, as for the kit routes). */
  route(path: string, query: Record<string, string> = {}): string {
    const url = new URL(kitUrl(this.ctx.options.url, path));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url.toString();
  }

  /** A new browser with an empty jar. */
  browser(): WebClient {
    return new WebClient(this.timeoutMs);
  }

  /** Sends, checks and records one merchant request; resolves to the answer and whether it passed. */
  async step(name: string, expected: string[], send: () => Promise<WebAnswer>, check: (a: WebAnswer) => string[] | Promise<string[]>): Promise<{ a: WebAnswer; pass: boolean }> {
    const a = await send();
    const problems = a.error ? [a.error] : await check(a);
    const pass = this.ctx.record(name, expected, { actual: actualOf(a), httpStatus: a.status, latencyMs: a.latencyMs, problems });
    return { a, pass };
  }

  /** Records a hop only when it has problems; resolves to whether it had none. */
  hop(name: string, expected: string[], a: WebAnswer, problems: string[]): boolean {
    const all = a.error ? [a.error] : problems;
    if (all.length === 0) return true;
    this.ctx.record(name, expected, { actual: actualOf(a), httpStatus: a.status, latencyMs: a.latencyMs, problems: all });
    return false;
  }

  /** The events the IdP logged after `after`; a failure to read them is recorded and reads as none. */
  async events(after: number): Promise<IdpEvent[]> {
    try {
      return (await this.idp.events(after)).events;
    } catch (err) {
      this.ctx.fail('fake IdP events', (err as Error).message);
      return [];
    }
  }

  /** The IdP's last event number. */
  async mark(): Promise<number> {
    try {
      return (await this.idp.events(Number.MAX_SAFE_INTEGER)).last;
    } catch (err) {
      this.ctx.fail('fake IdP events', (err as Error).message);
      return 0;
    }
  }

  /** The unified login page URL at the fake IdP for the merchant's redirect: the redirect itself when it points there. */
  unifiedPage(location: string, found: LoginRedirect): string {
    if (location.startsWith(`${this.idpBase}/`)) return location.split('#')[0] ?? location;
    // The configured page is Huawei's (or another): the fake IdP plays it with the same parameters.
    const page = new URL(`${this.idpBase}/unified-login/`);
    if (found.ind !== undefined) page.searchParams.set('ind', found.ind);
    if (found.appId !== undefined) page.searchParams.set('appId', found.appId);
    return page.toString();
  }

  /**
   * Unified login as `user` in `web`: /sso/login, the IdP page, the credentials; resolves to the callback
   * URL the IdP sends the browser to (with code and tenant), or undefined after recording what went wrong.
   */
  async unifiedCallback(web: WebClient, label: string, user: Pick<SsoUser, 'userName' | 'password'>): Promise<string | undefined> {
    const start = await web.get(this.route('sso/login'));
    if (!this.hop(`${label}: GET /sso/login`, ['302 to the unified login page'], start, loginRedirectProblems(start))) return undefined;
    const found = readLoginRedirect(start.location ?? '');
    const page = await web.get(this.unifiedPage(start.location ?? '', found));
    if (!this.hop(`${label}: fake IdP unified login page`, ['200'], page, statusProblems(page, 200))) return undefined;
    const login = await web.post(`${this.idpBase}/unified-login/login`, { ind: found.ind ?? '', appId: found.appId ?? '', userName: user.userName, password: user.password });
    const problems = statusProblems(login, 302);
    if (problems.length === 0 && !(login.location ?? '').startsWith(this.callbackUrl || '\u0000')) problems.push(`the IdP sent the browser to ${bare(login.location)}, not the registered callback`);
    if (!this.hop(`${label}: fake IdP unified login as ${user.userName}`, ['302 to the callback'], login, problems)) return undefined;
    return login.location;
  }

  /**
   * Workbench login (`/sso/login?tenant=`) as `user` in `web`: the authorize redirect, the IdP's form (or
   * straight back when the browser has an IdP session), the credentials; resolves to the callback URL with
   * code, state and tenant, or undefined after recording what went wrong.
   */
  async workbenchCallback(web: WebClient, label: string, tenantId: string, user: Pick<SsoUser, 'userName' | 'password'>): Promise<string | undefined> {
    const start = await web.get(this.route('sso/login', { tenant: tenantId }));
    const problems = statusProblems(start, 302);
    if (problems.length === 0 && !(start.location ?? '').startsWith(`${this.idpBase}/api/v1/oauth2/authorize?`)) problems.push(`redirects to ${bare(start.location)} instead of the tenant's authorize`);
    if (!this.hop(`${label}: GET /sso/login?tenant=`, ['302 to {domainName}/api/v1/oauth2/authorize'], start, problems)) return undefined;
    const authorize = await web.get(start.location ?? '');
    if (authorize.status === 302) return authorize.location;
    if (!this.hop(`${label}: fake IdP authorize`, ['200 login form', '302 to the callback'], authorize, statusProblems(authorize, 200))) return undefined;
    const params = new URL(start.location ?? '').searchParams;
    const form: Record<string, string> = { userName: user.userName, password: user.password };
    for (const k of ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']) {
      const v = params.get(k);
      if (v !== null) form[k] = v;
    }
    const login = await web.post(`${this.idpBase}/api/v1/oauth2/authorize`, form);
    if (!this.hop(`${label}: fake IdP login as ${user.userName}`, ['302 to the callback'], login, statusProblems(login, 302))) return undefined;
    return login.location;
  }

  /** GET the callback URL in `web` (a browser navigation unless `json`). */
  callback(web: WebClient, callbackUrl: string, json = false): Promise<WebAnswer> {
    return web.get(callbackUrl, json ? { accept: ACCEPT_JSON } : {});
  }

  /** GET /sso/session in `web`. */
  session(web: WebClient): Promise<WebAnswer> {
    return web.get(this.route('sso/session'), { accept: ACCEPT_JSON });
  }

  /** The session cookie value `web` holds for the merchant, if any. */
  sessionId(web: WebClient): string | undefined {
    return web.jar.get(new URL(this.route('sso/session')), this.cookieName)?.value;
  }

  /** Whether `web` still holds the state cookie. */
  hasStateCookie(web: WebClient): boolean {
    return web.jar.get(new URL(this.route('sso/callback')), STATE_COOKIE) !== undefined;
  }

  /** The origin of the app (KG_SSO_APP_URL), for a same-origin logout POST. */
  get appOrigin(): string {
    try {
      return new URL(this.appUrl).origin;
    } catch {
      return new URL(this.ctx.options.url).origin;
    }
  }
}
