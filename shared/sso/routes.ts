/**
 * Where SSO answers, on the merchant app's domain (data only, so the route table loads nothing else):
 * `sso-login` serves `GET /sso/login`, `GET /sso/callback` (the 应用凭证's 回调地址) and `GET /sso/session`;
 * `sso-logout` serves `GET` and `POST /sso/logout` (joint-operation-kit-and-sso.md §11).
 * @module
 */
import type { Route } from '../callback/spec';

/** The SSO paths. */
export const SSO_PATHS = {
  login: '/sso/login',
  callback: '/sso/callback',
  session: '/sso/session',
  logout: '/sso/logout',
} as const;

/** One SSO route name. */
export type SsoRoute = keyof typeof SSO_PATHS;

/** The routes of the `sso-login` function. */
export const SSO_LOGIN_ROUTES: readonly Route[] = [
  { method: 'GET', path: SSO_PATHS.login },
  { method: 'GET', path: SSO_PATHS.callback },
  { method: 'GET', path: SSO_PATHS.session },
];

/** The routes of the `sso-logout` function. */
export const SSO_LOGOUT_ROUTES: readonly Route[] = [
  { method: 'GET', path: SSO_PATHS.logout },
  { method: 'POST', path: SSO_PATHS.logout },
];

/** Function folder -> its routes. */
export const SSO_FUNCTIONS: Readonly<Record<'sso-login' | 'sso-logout', readonly Route[]>> = {
  'sso-login': SSO_LOGIN_ROUTES,
  'sso-logout': SSO_LOGOUT_ROUTES,
};

/**
 * The SSO route a request path names, or undefined. Only the end of the path counts (a gateway may keep a
 * path prefix in front), and one trailing slash is ignored.
 */
export function ssoRouteOf(path: string): SsoRoute | undefined {
  const p = path.length > 1 ? path.replace(/\/$/, '') : path;
  for (const [name, suffix] of Object.entries(SSO_PATHS) as Array<[SsoRoute, string]>) {
    if (p === suffix || p.endsWith(suffix)) return name;
  }
  return undefined;
}
