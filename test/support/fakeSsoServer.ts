/**
 * A small stand-in for the merchant's SSO side as the issue 10 contract describes it (/work/notes, issue
 * 10: `/sso/login`, `/sso/callback`, `/sso/session`, `/sso/logout`) plus the three kit callbacks the sso
 * scenario sends (tenantSync, applicationSync, authSync; no signature check, clientSecret decrypted with the
 * server's own RSA-OAEP code). It is written from the contract, not from the real server, so the sso
 * scenario can be proven sound (exit 0) and each injected server fault proven caught (exit 1 naming the
 * step) without the real server:
 * - `no-state-check`: the callback ignores `state`;
 * - `open-logout-redirect`: logout honours any `?redirect=`;
 * - `no-origin-check`: a cross-origin logout POST is obeyed;
 * - `keeps-disabled-sessions`: /sso/session does not re-check the user against the kit data;
 * - `racy-renewal`: concurrent renewals each spend the refresh token, and the loser drops the session;
 * - `none`: keeps the contract.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decryptOaep } from '../../shared/security/rsaOaep';
import { readBody } from '../../infra/emulator/fakeHttp';

export type SsoFault = 'none' | 'no-state-check' | 'open-logout-redirect' | 'no-origin-check' | 'keeps-disabled-sessions' | 'racy-renewal';

export interface FakeSsoServer {
  url: string;
  /** How many answers the fault changed. */
  injected(): number;
  close(): Promise<void>;
}

interface Tenant {
  name: string;
  domainName: string;
  instances: Set<string>;
  apps: Map<string, { clientId: string; clientSecret: string }>;
  users: Map<string, { name: string; role: string; orgCode: string; enable: boolean; authorized: boolean }>;
}

interface Session {
  tenantId: string;
  test: boolean;
  userName: string;
  access: string;
  refresh: string;
  accessExpiresAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  renewing?: Promise<boolean>;
}

class Refusal extends Error {
  constructor(readonly status: number, readonly reason: string, message: string) {
    super(message);
  }
}

const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 12 * 3_600_000;
const LOGIN_PAGE = 'https://macroverse.huaweicloud.com/unified-login/#/portal-login';

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function loopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Starts the fake for app `appId`, decrypting client secrets with `privateKeyPem`. */
export async function startFakeSsoServer(options: { appId: string; privateKeyPem: string; fault: SsoFault; idpTimeoutMs?: number }): Promise<FakeSsoServer> {
  const { appId, privateKeyPem, fault } = options;
  const idpTimeoutMs = options.idpTimeoutMs ?? 5_000;
  const data = { prod: new Map<string, Tenant>(), test: new Map<string, Tenant>() };
  const sessions = new Map<string, Session>();
  let injected = 0;
  let base = '';
  const appUrl = () => `${base}/demo`;

  const tenantOf = (tenantId: string): { tenant: Tenant; test: boolean } | undefined => {
    const prod = data.prod.get(tenantId);
    if (prod) return { tenant: prod, test: false };
    const test = data.test.get(tenantId);
    return test ? { tenant: test, test: true } : undefined;
  };

  function kit(name: string, body: Record<string, unknown>): void {
    const store = Number(body.testFlag) === 1 ? data.test : data.prod;
    const tenantId = String(body.tenantId);
    const flag = Number(body.flag);
    const tenant = store.get(tenantId) ?? { name: '', domainName: '', instances: new Set<string>(), apps: new Map(), users: new Map() };
    if (name === 'tenantSync') {
      if (flag === 0) {
        tenant.instances.delete(String(body.instanceId ?? ''));
        if (tenant.instances.size === 0) store.delete(tenantId);
        return;
      }
      tenant.name = String(body.name);
      tenant.domainName = String(body.domainName);
      tenant.instances.add(String(body.instanceId ?? ''));
    } else if (name === 'applicationSync') {
      if (flag === 0) tenant.apps.delete(String(body.appId));
      else tenant.apps.set(String(body.appId), { clientId: String(body.clientId), clientSecret: decryptOaep(String(body.clientSecret), [privateKeyPem]).plaintext });
    } else if (name === 'authSync') {
      const list = (typeof body.userList === 'string' ? JSON.parse(body.userList) : body.userList) as Array<Record<string, unknown>>;
      for (const u of list) {
        const userName = String(u.userName);
        if (flag === 0) tenant.users.delete(userName);
        else if (flag === 3) {
          const known = tenant.users.get(userName);
          if (known) known.authorized = false;
        } else tenant.users.set(userName, { name: String(u.name), role: String(u.role), orgCode: String(u.orgCode ?? ''), enable: String(u.enable) !== 'false', authorized: true });
      }
    }
    store.set(tenantId, tenant);
  }

  /** The tenant's IdP base, refusing plain http anywhere but loopback. */
  function domainOf(tenantId: string): { tenant: Tenant; test: boolean; domain: URL; client: { clientId: string; clientSecret: string } } {
    const found = tenantOf(tenantId);
    const client = found?.tenant.apps.get(appId);
    if (!found || !client) throw new Refusal(403, 'unknown_tenant', 'This enterprise is not bound to the app');
    const domain = new URL(found.tenant.domainName);
    if (domain.protocol !== 'https:' && !(domain.protocol === 'http:' && loopback(domain.hostname))) throw new Refusal(403, 'unknown_tenant', 'The enterprise IdP address is not https');
    return { ...found, domain, client };
  }

  async function idp(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(idpTimeoutMs) });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw new Refusal(504, 'idp_timeout', 'The enterprise IdP did not answer in time');
      throw new Refusal(502, 'idp_error', 'The enterprise IdP could not be reached');
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, body };
  }

  const tokenCall = (domain: URL, client: { clientId: string; clientSecret: string }, fields: Record<string, string>) =>
    idp(new URL('/api/v1/oauth2/token', domain).toString(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ client_id: client.clientId, client_secret: client.clientSecret, ...fields }).toString(),
    });

  function userMayLogIn(s: { tenantId: string; userName: string }): 'ok' | 'not_authorized' | 'user_disabled' {
    const user = tenantOf(s.tenantId)?.tenant.users.get(s.userName);
    if (!user || !user.authorized) return 'not_authorized';
    return user.enable ? 'ok' : 'user_disabled';
  }

  async function callback(req: IncomingMessage, q: URLSearchParams): Promise<{ status: number; headers: Record<string, string> }> {
    const code = q.get('code');
    const tenantId = q.get('tenant');
    if (!code || !tenantId) throw new Refusal(400, 'bad_request', 'code and tenant are required');
    const state = q.get('state');
    if (state !== null && (state === '' || cookie(req, 'kg_sso_state') !== state)) {
      if (fault === 'no-state-check') injected++;
      else throw new Refusal(400, 'bad_state', 'The login was not started in this browser');
    }
    const { domain, client, test } = domainOf(tenantId);
    const token = await tokenCall(domain, client, { grant_type: 'authorization_code', code, redirect_uri: `${base}/sso/callback` });
    if (token.status === 400 && token.body.error === 'invalid_grant') throw new Refusal(400, 'invalid_code', 'The login code is invalid or was used');
    if (token.status !== 200 || typeof token.body.access_token !== 'string') throw new Refusal(502, 'idp_error', 'The enterprise IdP refused the code exchange');
    const info = await idp(new URL('/api/v1/oauth2/userinfo', domain).toString(), { headers: { Authorization: `Bearer ${token.body.access_token}`, Accept: 'application/json' } });
    if (info.status !== 200) throw new Refusal(502, 'idp_error', 'The enterprise IdP did not give the user');
    if (info.body.tenant !== tenantId) throw new Refusal(403, 'tenant_mismatch', 'The user belongs to another enterprise');
    const userName = String(info.body.userName);
    const may = userMayLogIn({ tenantId, userName });
    if (may !== 'ok') throw new Refusal(403, may, may === 'user_disabled' ? 'The user is disabled' : 'The user may not use this app');
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    sessions.set(id, {
      tenantId, test, userName, access: token.body.access_token, refresh: String(token.body.refresh_token ?? ''),
      accessExpiresAt: now + Number(token.body.expires_in ?? 7200) * 1000, idleExpiresAt: now + IDLE_MS, absoluteExpiresAt: now + ABSOLUTE_MS,
    });
    return { status: 302, headers: { Location: appUrl(), 'Set-Cookie': `kg_session=${id}; HttpOnly; SameSite=Lax; Path=/` } };
  }

  // The racy fault makes two concurrent renewals meet before either asks the IdP (however late the second
  // arrives on a busy machine, up to 2 s), so both spend the same refresh token.
  let waiting: Array<() => void> = [];
  function meetSecondRenewal(): Promise<void> {
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length >= 2) {
        const all = waiting;
        waiting = [];
        all.forEach((go) => go());
        return;
      }
      setTimeout(() => {
        waiting = waiting.filter((go) => go !== resolve);
        resolve();
      }, 2000);
    });
  }

  async function renew(id: string, s: Session): Promise<boolean> {
    const refresh = s.refresh;
    if (fault === 'racy-renewal') await meetSecondRenewal();
    const { domain, client } = domainOf(s.tenantId);
    const answer = await tokenCall(domain, client, { grant_type: 'refresh_token', refresh_token: refresh }).catch(() => ({ status: 0, body: {} as Record<string, unknown> }));
    if (answer.status !== 200) {
      if (fault === 'racy-renewal') {
        injected++;
        sessions.delete(id);
        return false;
      }
      return sessions.get(id) === s;
    }
    s.access = String(answer.body.access_token);
    s.refresh = String(answer.body.refresh_token);
    s.accessExpiresAt = Date.now() + Number(answer.body.expires_in) * 1000;
    return true;
  }

  async function session(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const id = cookie(req, 'kg_session');
    const s = id === undefined ? undefined : sessions.get(id);
    const now = Date.now();
    if (!id || !s || s.idleExpiresAt <= now || s.absoluteExpiresAt <= now) return { status: 401, body: { error: 'no_session' } };
    if (userMayLogIn(s) !== 'ok') {
      if (fault === 'keeps-disabled-sessions') injected++;
      else {
        sessions.delete(id);
        return { status: 401, body: { error: 'no_session' } };
      }
    }
    if (s.accessExpiresAt - now < 5 * 60_000) {
      let ok: boolean;
      if (fault === 'racy-renewal') ok = await renew(id, s);
      else {
        s.renewing ??= renew(id, s).finally(() => {
          delete s.renewing;
        });
        ok = await s.renewing;
      }
      if (!ok) return { status: 401, body: { error: 'no_session' } };
    }
    s.idleExpiresAt = Date.now() + IDLE_MS;
    const t = tenantOf(s.tenantId)?.tenant;
    const user = t?.users.get(s.userName);
    return {
      status: 200,
      body: { userName: s.userName, name: user?.name, role: user?.role, orgCode: user?.orgCode, tenantId: s.tenantId, tenantName: t?.name, appId, expiresAt: s.idleExpiresAt },
    };
  }

  function logout(req: IncomingMessage, q: URLSearchParams): { status: number; headers: Record<string, string> } {
    if (req.method === 'POST') {
      const origin = req.headers.origin ?? (req.headers.referer ? new URL(req.headers.referer).origin : undefined);
      if (origin !== undefined && origin !== new URL(appUrl()).origin) {
        if (fault === 'no-origin-check') injected++;
        else throw new Refusal(403, 'bad_origin', 'Logout must come from the app');
      }
    }
    const allowed = [appUrl()];
    const asked = q.get('redirect');
    let redirect = allowed[0] as string;
    if (asked !== null && allowed.includes(asked)) redirect = asked;
    else if (asked !== null && fault === 'open-logout-redirect') {
      injected++;
      redirect = asked;
    }
    const id = cookie(req, 'kg_session');
    const s = id === undefined ? undefined : sessions.get(id);
    if (!id || !s) return { status: 302, headers: { Location: redirect } };
    sessions.delete(id);
    const domain = tenantOf(s.tenantId)?.tenant.domainName ?? '';
    return { status: 302, headers: { Location: `${domain}/api/v1/logout?redirect_url=${encodeURIComponent(redirect)}`, 'Set-Cookie': 'kg_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0' } };
  }

  function refuse(res: ServerResponse, req: IncomingMessage, r: Refusal): void {
    if (/application\/json/.test(req.headers.accept ?? '')) {
      const body = JSON.stringify({ error: r.reason, message: r.message });
      res.writeHead(r.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    } else {
      const body = `<!doctype html><title>Sign-in refused</title><h1>Sign-in refused</h1><p>${r.message}</p><p><code>${r.reason}</code></p>`;
      res.writeHead(r.status, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const reply = (status: number, headers: Record<string, string>, body = '') => res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) }).end(body);
    const json = (status: number, value: unknown) => reply(status, { 'Content-Type': 'application/json' }, JSON.stringify(value));
    readBody(req)
      .then(async (raw) => {
        const kitName = /^\/produceAPI\/v2\/(tenantSync|applicationSync|authSync)$/.exec(path)?.[1];
        if (req.method === 'POST' && kitName) {
          kit(kitName, JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
          return json(200, { resultCode: '000000', resultMsg: 'success' });
        }
        if (req.method === 'GET' && path === '/sso/login') {
          const tenantId = url.searchParams.get('tenant');
          if (tenantId === null) return reply(302, { Location: `${LOGIN_PAGE}?ind=UNOP&appId=${encodeURIComponent(appId)}` });
          const { domain, client } = domainOf(tenantId);
          const state = randomBytes(24).toString('base64url');
          const to = new URL('/api/v1/oauth2/authorize', domain);
          to.search = new URLSearchParams({ client_id: client.clientId, redirect_uri: `${base}/sso/callback`, response_type: 'code', scope: 'get_user_info', state }).toString();
          return reply(302, { Location: to.toString(), 'Set-Cookie': `kg_sso_state=${state}; HttpOnly; SameSite=Lax; Path=/; Max-Age=600` });
        }
        if (req.method === 'GET' && path === '/sso/callback') {
          const out = await callback(req, url.searchParams);
          return reply(out.status, out.headers);
        }
        if (req.method === 'GET' && path === '/sso/session') {
          const out = await session(req);
          return json(out.status, out.body);
        }
        if ((req.method === 'GET' || req.method === 'POST') && path === '/sso/logout') {
          const out = logout(req, url.searchParams);
          return reply(out.status, out.headers);
        }
        return json(404, { error: 'not_found' });
      })
      .catch((err: unknown) => {
        if (err instanceof Refusal) refuse(res, req, err);
        else if (!res.headersSent) json(500, { error: 'internal', message: 'fake server error' });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    injected: () => injected,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
