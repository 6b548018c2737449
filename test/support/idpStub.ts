/**
 * A small tenant IdP for the SSO tests (not the emulator's fake IdP): the OAuth endpoints of
 * joint-operation-kit-and-sso.md §11.3 on a loopback port, with single-use codes, rotating refresh tokens,
 * Bearer userinfo and logout, a record of every request, and switches for the faults the tests need.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../infra/emulator/fakeHttp';

/** A user of the stub's one tenant directory. */
export interface StubUser {
  userName: string;
  name?: string;
  role?: string;
  organizationCode?: string;
}

/** One OAuth client the stub accepts: the tenant it belongs to. */
export interface StubClient {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** Faults, each off by default. */
export interface StubFaults {
  /** The token endpoint answers 500, a redirect, a malformed body, or waits `slowMs` first. */
  token?: 'error' | 'redirect' | 'malformed' | 'slow';
  /** userinfo answers 500, waits, names another tenant, or leaves `tenant` out. */
  userinfo?: 'error' | 'slow' | 'wrong-tenant' | 'no-tenant';
  /** How long `slow` waits (ms). */
  slowMs?: number;
  /** Delay of every refresh_token grant (ms), so concurrent renewals overlap. */
  refreshDelayMs?: number;
}

/** One request the stub received (form fields for token calls). */
export interface StubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
  authorization?: string;
}

export interface IdpStub {
  url: string;
  clients: StubClient[];
  users: Map<string, StubUser>;
  faults: StubFaults;
  /** `expires_in` of the next token answers (s). */
  expiresIn: number;
  /** Leave `refresh_token` out of token answers. */
  noRefreshToken: boolean;
  requests: StubRequest[];
  /** Every token, code and secret the stub handed out or received: none may appear in a log or an answer. */
  secrets: Set<string>;
  /** A single-use code for `userName` at `tenantId` (what the unified login page would redirect with). */
  issueCode(tenantId: string, userName: string): string;
  /** Makes every refresh token issued so far invalid (the IdP ended the grant). */
  revokeRefreshTokens(): void;
  /** How many grants of each type were answered 200. */
  granted(type: 'authorization_code' | 'refresh_token'): number;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the stub on a free loopback port. */
export async function startIdpStub(): Promise<IdpStub> {
  const codes = new Map<string, { tenantId: string; userName: string }>();
  const access = new Map<string, { tenantId: string; userName: string }>();
  const refresh = new Map<string, { tenantId: string; userName: string; clientId: string }>();
  const grants = { authorization_code: 0, refresh_token: 0 };
  const token = () => randomBytes(18).toString('base64url');

  const stub: IdpStub = {
    url: '',
    clients: [],
    users: new Map(),
    faults: {},
    expiresIn: 7200,
    noRefreshToken: false,
    requests: [],
    secrets: new Set(),
    issueCode(tenantId, userName) {
      const code = `code-${token()}`;
      codes.set(code, { tenantId, userName });
      stub.secrets.add(code);
      return code;
    },
    revokeRefreshTokens() {
      refresh.clear();
    },
    granted: (type) => grants[type],
    close: async () => {},
  };

  const issueTokens = (res: ServerResponse, who: { tenantId: string; userName: string }, clientId: string, type: 'authorization_code' | 'refresh_token') => {
    const a = `at-${token()}`;
    access.set(a, who);
    stub.secrets.add(a);
    const body: Record<string, unknown> = { access_token: a, token_type: 'Bearer', expires_in: stub.expiresIn, scope: 'get_user_info' };
    if (!stub.noRefreshToken) {
      const r = `rt-${token()}`;
      refresh.set(r, { ...who, clientId });
      stub.secrets.add(r);
      body.refresh_token = r;
    }
    grants[type] += 1;
    json(res, 200, body);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const text = (await readBody(req)).toString('utf8');
      const form = Object.fromEntries(new URLSearchParams(text));
      const record: StubRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), form };
      if (req.headers.authorization) record.authorization = req.headers.authorization;
      stub.requests.push(record);
      const f = stub.faults;

      if (url.pathname === '/api/v1/oauth2/token' && req.method === 'POST') {
        if (f.token === 'slow') await sleep(f.slowMs ?? 3000);
        if (f.token === 'error') return json(res, 500, { error: 'server_error' });
        if (f.token === 'redirect') {
          res.writeHead(302, { location: `${stub.url}/elsewhere` });
          return res.end();
        }
        if (f.token === 'malformed') return json(res, 200, { token_type: 'Bearer' });
        const client = stub.clients.find((c) => c.clientId === form.client_id);
        if (!client || client.clientSecret !== form.client_secret) return json(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' });
        if (form.grant_type === 'authorization_code') {
          const grant = codes.get(form.code ?? '');
          codes.delete(form.code ?? '');
          if (!grant || grant.tenantId !== client.tenantId) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
          return issueTokens(res, grant, client.clientId, 'authorization_code');
        }
        if (form.grant_type === 'refresh_token') {
          if (f.refreshDelayMs) await sleep(f.refreshDelayMs);
          const grant = refresh.get(form.refresh_token ?? '');
          refresh.delete(form.refresh_token ?? '');
          if (!grant || grant.clientId !== client.clientId) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
          return issueTokens(res, grant, client.clientId, 'refresh_token');
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }

      if (url.pathname === '/api/v1/oauth2/userinfo' && req.method === 'GET') {
        if (f.userinfo === 'slow') await sleep(f.slowMs ?? 3000);
        if (f.userinfo === 'error') return json(res, 500, { error: 'server_error' });
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        const who = access.get(bearer);
        if (!who) return json(res, 401, { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' });
        const user = stub.users.get(who.userName) ?? { userName: who.userName };
        const body: Record<string, unknown> = { id: `id-${who.userName}`, userId: `id-${who.userName}`, ...user, email: `${who.userName}@example.com` };
        if (f.userinfo === 'wrong-tenant') body.tenant = `other-${who.tenantId}`;
        else if (f.userinfo !== 'no-tenant') body.tenant = who.tenantId;
        return json(res, 200, body);
      }

      if (url.pathname === '/api/v1/logout') {
        res.writeHead(302, { location: url.searchParams.get('redirect_url') ?? `${stub.url}/login` });
        return res.end();
      }
      json(res, 404, { error: 'not_found' });
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'stub_failed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return stub;
}
