/**
 * SSO sessions for the merchant's own back end, wherever it runs: pass the request's `Cookie` header and
 * get the signed-in user, checked against the same Redis, the same kit documents and the same rules as
 * `GET /sso/session` (idle expiry extended, user re-checked, access token renewed when due).
 * @module
 */
import { buildCallbackDeps, type RuntimeOptions } from '../callback/deps';
import { readCookie } from './cookies';
import { sessionDeps } from './deps';
import { SsoError } from './errors';
import type { SessionDeps } from './sessions';
import { resolveSession, type SessionView } from './view';

/**
 * Where {@link getSession} finds its settings and store (as the functions do: `KG_REDIS_URL`, `KG_DATA_KEY`,
 * `KG_SSO_*`). Keep one options object for the process: what it builds is kept per object.
 * @example
 * const sso: SsoLibraryOptions = { settings: { KG_REDIS_URL: 'redis://10.0.0.5:6379', KG_DATA_KEY: process.env.KG_DATA_KEY } };
 * const user = await getSession(req.headers.cookie, sso);
 */
export type SsoLibraryOptions = RuntimeOptions;

const built = new WeakMap<object, SessionDeps>();
/** Stands for "no options" (settings from the environment), so that case is built once too. */
const FROM_ENVIRONMENT: SsoLibraryOptions = {};

/** The collaborators for `options`, built once per options object (once in all without options). */
function depsFor(options: SsoLibraryOptions = FROM_ENVIRONMENT): SessionDeps {
  let deps = built.get(options);
  if (!deps) {
    deps = sessionDeps(buildCallbackDeps(undefined, options));
    built.set(options, deps);
  }
  return deps;
}

/**
 * The signed-in user of a request, or null when it has no valid session. Reads the session cookie
 * (`KG_SSO_COOKIE`, default `kg_session`) from the `Cookie` header; settings from `options.settings`, then
 * the environment; the store is the functions' Redis (`KG_REDIS_URL` / `KG_REDIS_CLUSTER_NODES`), opened once
 * and kept, or `options.store`.
 * @throws ConfigError when a setting is missing (`KG_DATA_KEY`, the Redis setting); SsoError `idp_error` /
 * `idp_timeout` when a due token renewal failed after the access token expired (the session is kept).
 * @example
 * // An Express route of the merchant's app, on the same Redis as the functions:
 * app.get('/api/me', async (req, res) => {
 *   const user = await getSession(req.headers.cookie);
 *   if (!user) return res.status(401).json({ error: 'no_session' });
 *   res.json({ hello: user.name, tenant: user.tenantName, admin: user.role === 'admin' });
 * });
 */
export async function getSession(cookieHeader: string | null | undefined, options?: SsoLibraryOptions): Promise<SessionView | null> {
  const deps = depsFor(options);
  return resolveSession(deps, readCookie(cookieHeader, deps.session.cookieName));
}

/**
 * Like {@link getSession}, but throws instead of returning null.
 * @throws SsoError with `status` 401 and `reason` `no_session` when there is no valid session.
 * @example
 * try {
 *   const user = await requireUser(req.headers.cookie);
 *   res.json(await listOrders(user.tenantId, user.userName));
 * } catch (err) {
 *   if (err instanceof SsoError) return res.status(err.status).json({ error: err.reason });
 *   throw err;
 * }
 */
export async function requireUser(cookieHeader: string | null | undefined, options?: SsoLibraryOptions): Promise<SessionView> {
  const view = await getSession(cookieHeader, options);
  if (!view) throw new SsoError('no_session');
  return view;
}
