/**
 * The fake tenant IdP over HTTP (joint-operation-kit-and-sso.md §11.3-§11.6): the unified login page and
 * its POST, workbench authorize (login form, or straight back with a code when the browser already has a
 * session here), the token endpoint (authorization_code and refresh_token grants, form-encoded), userinfo
 * (Bearer, Accept: application/json), logout, and the admin API `POST /_idp/setup` / `GET /_idp/events`.
 * One server plays any number of tenants: each tenant's domainName is this server's base URL, and the
 * token endpoint tells them apart by client_id.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { authorizeLoginPage, errorPage, indexPage, signedOutPage, unifiedLoginPage, type Page } from './pages';
import { IdpRegistry, SetupError, type IdpEvent, type IdpSetup, type IdpTenant, type IdpUser } from './registry';
import { BodyTooLarge, closeServer, HeldTimers, listen, readBody } from '../fakeHttp';

/** How to start a fake IdP. */
export interface FakeIdpOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Apps, tenants and users to start with. */
  setup?: IdpSetup;
  /** Authorization code lifetime (s); default 300. */
  codeTtlSeconds?: number;
  /** Login session at the IdP (s); default 8 h. */
  sessionTtlSeconds?: number;
  /** How late a `slow` fault answers (ms) unless the tenant's faults say; default 8000 (the merchant gives up at 5 s). */
  slowMs?: number;
  /** The clock (epoch ms); tests move it to expire codes and tokens. */
  now?: () => number;
  /** One line per request (method, path, status; never a query, code or token). */
  log?: (line: string) => void;
}

/** A running fake IdP. */
export interface FakeIdp {
  /** Base URL, no trailing slash: the tenants' domainName. */
  url: string;
  port: number;
  /** Same as `POST /_idp/setup`. @throws SetupError */
  setup(setup: IdpSetup): void;
  /** Same as `GET /_idp/events?after=`. */
  events(after?: number): { events: IdpEvent[]; last: number };
  close(): Promise<void>;
}

/** The IdP session cookie (its own name: on 127.0.0.1 a browser shares cookies between ports). */
export const IDP_COOKIE = 'kg_fake_idp_session';

const FORM_LIMIT = 64 * 1024;
const SETUP_LIMIT = 4 * 1024 * 1024;
const UNAUTHORIZED = { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' };

type Answer = { status: number; headers: Record<string, string>; body: string };

const json = (status: number, value: unknown, extra: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', Pragma: 'no-cache', ...extra },
  body: JSON.stringify(value),
});
const redirect = (location: string, extra: Record<string, string> = {}): Answer => ({ status: 302, headers: { Location: location, 'Cache-Control': 'no-store', ...extra }, body: '' });
const html = (p: Page, extra: Record<string, string> = {}): Answer => ({ status: p.status, headers: { ...p.headers, ...extra }, body: p.body });

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `url` with `params` appended to its query (existing parameters kept). */
function withParams(url: string, params: Record<string, string | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.append(k, v);
  return u.toString();
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function formOf(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

/** First value of each name. */
function paramsOf(search: URLSearchParams): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of search) if (!(k in out)) out[k] = v;
  return out;
}

/** Starts the fake IdP. */
export async function startFakeIdp(options: FakeIdpOptions = {}): Promise<FakeIdp> {
  const now = options.now ?? Date.now;
  const registry = new IdpRegistry(now, { codeTtlSeconds: options.codeTtlSeconds ?? 300, sessionTtlSeconds: options.sessionTtlSeconds ?? 8 * 3600 });
  if (options.setup) registry.setup(options.setup);
  const defaultSlowMs = options.slowMs ?? 8_000;
  const log = options.log ?? (() => {});
  const timers = new HeldTimers();
  let base = '';

  const sessionCookie = (id: string) => `${IDP_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;
  const clearCookie = `${IDP_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

  /** The registered callback the tenant's app accepts, when its app is known. */
  const registeredCallback = (tenant: IdpTenant): string | undefined => (tenant.appId === undefined ? undefined : registry.app(tenant.appId)?.callbackUrl);

  /** Checks authorize parameters; a refusal is a page (never a redirect to an unchecked URI). */
  function checkAuthorize(p: Record<string, string>): { tenant?: IdpTenant; refusal?: Answer } {
    const tenant = p.client_id ? registry.tenantByClient(p.client_id) : undefined;
    if (!tenant) return { refusal: html(errorPage(400, 'invalid_client', 'Unknown client_id')) };
    const redirectUri = p.redirect_uri ?? '';
    const registered = registeredCallback(tenant);
    if (!isHttpUrl(redirectUri) || (registered !== undefined && redirectUri !== registered)) {
      return { refusal: html(errorPage(400, 'invalid_request', registered === undefined ? 'redirect_uri must be an absolute http(s) URL' : 'redirect_uri does not match the callback registered for the app')) };
    }
    if (p.response_type !== 'code') return { refusal: redirect(withParams(redirectUri, { error: 'unsupported_response_type', state: p.state })) };
    if (p.scope !== undefined && p.scope !== '' && !p.scope.split(/[\s,]+/).includes('get_user_info')) return { refusal: redirect(withParams(redirectUri, { error: 'invalid_scope', state: p.state })) };
    return { tenant };
  }

  const authorizeParams = (p: Record<string, string>) => ({ client_id: p.client_id, redirect_uri: p.redirect_uri, response_type: p.response_type, scope: p.scope, state: p.state });

  function codeRedirect(tenant: IdpTenant, user: IdpUser, redirectUri: string, state: string | undefined, extra: Record<string, string> = {}): Answer {
    const code = registry.issueCode(tenant, user.userName, redirectUri);
    return redirect(withParams(redirectUri, { code, state, tenant: tenant.tenantId }), extra);
  }

  async function authorize(req: IncomingMessage, url: URL): Promise<Answer> {
    if (req.method === 'GET') {
      const p = paramsOf(url.searchParams);
      const { tenant, refusal } = checkAuthorize(p);
      if (!tenant) return refusal as Answer;
      const session = registry.session(cookieValue(req, IDP_COOKIE));
      const user = session && session.tenantId === tenant.tenantId ? registry.user(tenant.tenantId, session.userName) : undefined;
      if (user) {
        registry.record({ endpoint: 'authorize', status: 302, tenantId: tenant.tenantId, userName: user.userName });
        return codeRedirect(tenant, user, p.redirect_uri ?? '', p.state);
      }
      return html(authorizeLoginPage(authorizeParams(p), tenant.name));
    }
    const form = paramsOf(formOf(await readBody(req, FORM_LIMIT)));
    const { tenant, refusal } = checkAuthorize(form);
    if (!tenant) return refusal as Answer;
    const user = registry.checkPassword(tenant.tenantId, form.userName ?? '', form.password ?? '');
    if (!user) {
      registry.record({ endpoint: 'authorize', status: 401, tenantId: tenant.tenantId, error: 'bad_credentials' });
      return html(authorizeLoginPage(authorizeParams(form), tenant.name, { userName: form.userName ?? '', error: '账号或密码错误 Wrong account or password', status: 401 }));
    }
    registry.record({ endpoint: 'authorize', status: 302, tenantId: tenant.tenantId, userName: user.userName });
    return codeRedirect(tenant, user, form.redirect_uri ?? '', form.state, { 'Set-Cookie': sessionCookie(registry.startSession(user)) });
  }

  async function unifiedLoginPost(req: IncomingMessage): Promise<Answer> {
    const form = paramsOf(formOf(await readBody(req, FORM_LIMIT)));
    const ind = form.ind ?? '';
    const appId = form.appId ?? '';
    const again = (status: number, error: string) => html(unifiedLoginPage({ ind, appId, userName: form.userName ?? '', error, status }));
    if (ind !== 'UNOP') return again(400, 'ind must be UNOP (the merchant login URL carries ind=UNOP&appId=..)');
    const app = registry.app(appId);
    if (!app) return again(400, `Unknown appId${appId ? '' : ' (none given)'}: the app credential is not registered at this IdP`);
    const found = registry.unifiedLogin(appId, form.userName ?? '', form.password ?? '');
    if (found.ambiguous) return again(409, 'This account exists in several enterprises: log in as account@tenantCode');
    const user = found.user;
    const tenant = user && registry.tenant(user.tenantId);
    if (!user || !tenant) {
      registry.record({ endpoint: 'unified-login', status: 401, error: 'bad_credentials' });
      return again(401, '账号或密码错误 Wrong account or password');
    }
    registry.record({ endpoint: 'unified-login', status: 302, tenantId: tenant.tenantId, userName: user.userName });
    // §11.4 step 2: back to the registered callback with code and tenant (no state in this flow).
    return codeRedirect(tenant, user, app.callbackUrl, undefined, { 'Set-Cookie': sessionCookie(registry.startSession(user)) });
  }

  /** Applies the tenant's fault of `endpoint`: an answer to send instead, or a delay, or nothing. */
  async function fault(tenant: IdpTenant, endpoint: 'token' | 'userinfo'): Promise<{ answer?: Answer; fault?: string }> {
    const kind = tenant.faults[endpoint];
    if (kind === 'error') return { answer: json(500, { error: 'server_error', error_description: 'injected fault: internal error' }), fault: 'error' };
    if (kind === 'slow') {
      await timers.sleep(tenant.faults.slowMs ?? defaultSlowMs);
      return { fault: 'slow' };
    }
    return kind ? { fault: kind } : {};
  }

  async function tokenEndpoint(req: IncomingMessage): Promise<Answer> {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const body = await readBody(req, FORM_LIMIT);
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      registry.record({ endpoint: 'token', status: 400, error: 'invalid_request' });
      return json(400, { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' });
    }
    const form = paramsOf(formOf(body));
    let clientId = form.client_id;
    let clientSecret = form.client_secret;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1] && clientId === undefined) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    const grant = form.grant_type;
    const tenant = clientId ? registry.tenantByClient(clientId) : undefined;
    if (!tenant || clientSecret !== tenant.clientSecret) {
      registry.record({ endpoint: 'token', status: 401, grant, ...(tenant ? { tenantId: tenant.tenantId } : {}), error: 'invalid_client' });
      return json(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
    }
    const injected = await fault(tenant, 'token');
    if (injected.answer) {
      registry.record({ endpoint: 'token', status: injected.answer.status, grant, tenantId: tenant.tenantId, error: 'server_error', fault: injected.fault });
      return injected.answer;
    }
    let outcome: ReturnType<IdpRegistry['refresh']>;
    if (grant === 'authorization_code') {
      if (!form.code) outcome = { refused: { status: 400, error: 'invalid_request', error_description: 'Missing code' } };
      else outcome = registry.redeemCode(tenant, form.code, form.redirect_uri);
    } else if (grant === 'refresh_token') {
      if (!form.refresh_token) outcome = { refused: { status: 400, error: 'invalid_request', error_description: 'Missing refresh_token' } };
      else outcome = registry.refresh(tenant, form.refresh_token);
    } else {
      outcome = { refused: { status: 400, error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${grant ?? '(none)'}` } };
    }
    const common = { endpoint: 'token' as const, grant, tenantId: tenant.tenantId, ...(outcome.userName ? { userName: outcome.userName } : {}), ...(injected.fault ? { fault: injected.fault } : {}) };
    if (outcome.refused) {
      const { status, ...error } = outcome.refused;
      registry.record({ ...common, status, error: error.error });
      return json(status, error);
    }
    registry.record({ ...common, status: 200 });
    return json(200, outcome.answer);
  }

  async function userinfo(req: IncomingMessage): Promise<Answer> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const grant = bearer?.[1] ? registry.accessGrant(bearer[1]) : undefined;
    const tenant = grant && registry.tenant(grant.tenantId);
    const user = grant && registry.user(grant.tenantId, grant.userName);
    if (!grant || !tenant || !user) {
      registry.record({ endpoint: 'userinfo', status: 401, ...(tenant ? { tenantId: tenant.tenantId } : {}), error: 'unauthorized' });
      return json(401, UNAUTHORIZED, { 'WWW-Authenticate': 'Bearer' });
    }
    // §11.3: the call carries Accept: application/json; a client that leaves it out is told so.
    if (!/\bapplication\/json\b/i.test(req.headers.accept ?? '')) {
      registry.record({ endpoint: 'userinfo', status: 406, tenantId: tenant.tenantId, userName: user.userName, error: 'not_acceptable' });
      return json(406, { error: 'not_acceptable', error_description: 'Send Accept: application/json' });
    }
    const injected = await fault(tenant, 'userinfo');
    if (injected.answer) {
      registry.record({ endpoint: 'userinfo', status: injected.answer.status, tenantId: tenant.tenantId, userName: user.userName, error: 'server_error', fault: injected.fault });
      return injected.answer;
    }
    const wrongTenant = injected.fault === 'wrong-tenant';
    registry.record({ endpoint: 'userinfo', status: 200, tenantId: tenant.tenantId, userName: user.userName, ...(injected.fault ? { fault: injected.fault } : {}) });
    return json(200, {
      id: user.id, userName: user.userName, name: user.name, email: user.email, mobile: user.mobile, role: user.role,
      organizationName: user.organizationName, organizationCode: user.organizationCode, userId: user.id, projectName: tenant.name,
      tenant: wrongTenant ? `other-${tenant.tenantId}`.slice(0, 64) : tenant.tenantId,
    });
  }

  function logout(req: IncomingMessage, url: URL): Answer {
    const id = cookieValue(req, IDP_COOKIE);
    const session = registry.session(id);
    registry.endSession(id);
    const target = url.searchParams.get('redirect_url') ?? '';
    registry.record({ endpoint: 'logout', status: target && isHttpUrl(target) ? 302 : 200, ...(session ? { tenantId: session.tenantId, userName: session.userName } : {}) });
    // §11.3: 302 to redirect_url, or to the login page when it is absent.
    if (target && isHttpUrl(target)) return redirect(target, { 'Set-Cookie': clearCookie });
    if (target) return html(errorPage(400, 'invalid_request', 'redirect_url must be an absolute http(s) URL'), { 'Set-Cookie': clearCookie });
    return html(signedOutPage(), { 'Set-Cookie': clearCookie });
  }

  async function setupEndpoint(req: IncomingMessage): Promise<Answer> {
    const body = await readBody(req, SETUP_LIMIT);
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      return json(400, { error: 'invalid_request', error_description: 'body is not JSON' });
    }
    try {
      registry.setup(doc);
    } catch (err) {
      if (err instanceof SetupError) return json(400, { error: 'invalid_setup', error_description: err.message });
      throw err;
    }
    return json(200, { ok: true });
  }

  async function route(req: IncomingMessage, url: URL): Promise<Answer> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (method === 'GET' && (path === '/unified-login' || path === '/unified-login/' || path === '/unified-login/index.html')) {
      return html(unifiedLoginPage({ ...(url.searchParams.has('ind') ? { ind: url.searchParams.get('ind') ?? '' } : {}), ...(url.searchParams.has('appId') ? { appId: url.searchParams.get('appId') ?? '' } : {}) }));
    }
    if (method === 'POST' && path === '/unified-login/login') return unifiedLoginPost(req);
    if ((method === 'GET' || method === 'POST') && path === '/api/v1/oauth2/authorize') return authorize(req, url);
    if (method === 'POST' && path === '/api/v1/oauth2/token') return tokenEndpoint(req);
    if (method === 'GET' && path === '/api/v1/oauth2/userinfo') return userinfo(req);
    if (method === 'GET' && path === '/api/v1/logout') return logout(req, url);
    if (method === 'POST' && path === '/_idp/setup') return setupEndpoint(req);
    if (method === 'GET' && path === '/_idp/events') {
      const after = Number(url.searchParams.get('after') ?? '0');
      return json(200, registry.events(Number.isSafeInteger(after) && after >= 0 ? after : 0));
    }
    if (method === 'GET' && path === '/') return html(indexPage(base));
    const known = ['/unified-login/login', '/api/v1/oauth2/authorize', '/api/v1/oauth2/token', '/api/v1/oauth2/userinfo', '/api/v1/logout', '/_idp/setup', '/_idp/events'];
    if (known.includes(path)) return json(405, { error: 'method_not_allowed', error_description: `${method} is not allowed on ${path}` });
    return json(404, { error: 'not_found', error_description: `no such endpoint: ${path}` });
  }

  const send = (res: ServerResponse, answer: Answer) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://idp.local');
    route(req, url)
      .catch((err: unknown) => (err instanceof BodyTooLarge ? json(413, { error: 'invalid_request', error_description: 'body too large' }) : json(500, { error: 'server_error', error_description: 'fake IdP error' })))
      .then((answer) => {
        log(`${req.method ?? 'GET'} ${url.pathname} ${answer.status}`);
        send(res, answer);
      })
      .catch(() => undefined);
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  const { url, port } = await listen(server, host, options.port);
  base = url;

  return {
    url: base,
    port,
    setup: (setup) => registry.setup(setup),
    events: (after) => registry.events(after),
    close: () => closeServer(server, timers),
  };
}
