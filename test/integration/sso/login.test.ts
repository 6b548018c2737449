/**
 * sso-login's /sso/login and /sso/callback through the deployed handler, on MemoryStore and a real
 * redis-server, against the IdP stub: the unified-login and workbench redirects, the happy path (302 to the
 * app with the session cookie), and every refusal of the contract as HTML and as JSON, each logged.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authBody, FLAG } from '../../../infra/emulator/kitBodies';
import { APP_URL, CALLBACK_URL, IDP_TIMEOUT_MS, kitUser, type SsoHarness, ssoTargets, startSso, stopSso } from './ssoHarness';

const SESSION_COOKIE = /^kg_session=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Lax; Path=\/$/;

describe.each(ssoTargets())('SSO login on $name', (target) => {
  let h: SsoHarness;

  beforeAll(async () => {
    h = await startSso(target);
  });
  afterEach(() => {
    h.idp.faults = {};
  });
  afterAll(() => stopSso(target, h));

  it('GET /sso/login sends the browser to the unified login page with ind=UNOP&appId after the fragment path', async () => {
    const res = await h.call('/sso/login');
    expect(res.status).toBe(302);
    expect(res.location).toBe(`https://macroverse.huaweicloud.com/unified-login/#/portal-login?ind=UNOP&appId=${h.appId}`);
    expect(res.setCookie).toBeUndefined();
    expect(res.headers['Cache-Control']).toBe('no-store');
  });

  it('the callback exchanges the code with the decrypted secret, reads userinfo, sets the session cookie and lands on the app', async () => {
    const b = await h.tenant([kitUser('alice', { name: '爱丽丝', role: 'admin', orgCode: 'org-9' })]);
    const before = h.idp.requests.length;
    const code = h.idp.issueCode(b.tenantId, 'alice');
    const res = await h.call('/sso/callback', { query: { code, tenant: b.tenantId } });
    expect(res.status).toBe(302);
    expect(res.location).toBe(APP_URL);
    expect(res.setCookie).toMatch(SESSION_COOKIE);

    const [token, userinfo] = h.idp.requests.slice(before);
    expect(token).toMatchObject({ method: 'POST', path: '/api/v1/oauth2/token' });
    const client = h.idp.clients.find((c) => c.tenantId === b.tenantId)!;
    expect(token!.form).toEqual({ grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: CALLBACK_URL });
    expect(userinfo).toMatchObject({ method: 'GET', path: '/api/v1/oauth2/userinfo', authorization: expect.stringMatching(/^Bearer at-/) });

    const id = /kg_session=([^;]+)/.exec(res.setCookie!)![1]!;
    const session = await h.call('/sso/session', { session: id });
    expect(session.status).toBe(200);
    expect(session.headers['Content-Type']).toMatch(/^application\/json/);
    expect(session.headers['Cache-Control']).toBe('no-store');
    expect(session.json()).toEqual({
      userName: 'alice', name: '爱丽丝', role: 'admin', orgCode: 'org-9', tenantId: b.tenantId, tenantName: `企业 ${b.tenantCode}`, appId: h.appId,
      expiresAt: expect.any(Number),
    });
    expect(session.json().expiresAt).toBeGreaterThan(h.now());
  });

  it('gives a new session id at every login and ends the one the browser still had', async () => {
    const b = await h.tenant([kitUser('bob')]);
    const first = await h.login(b, 'bob');
    const res = await h.call('/sso/callback', { query: { code: h.idp.issueCode(b.tenantId, 'bob'), tenant: b.tenantId }, session: first });
    const second = /kg_session=([^;]+)/.exec(res.setCookie!)![1]!;
    expect(second).not.toBe(first);
    expect((await h.call('/sso/session', { session: first })).status).toBe(401);
    expect((await h.call('/sso/session', { session: second })).status).toBe(200);
  });

  it('logs in a user of the seller\'s test data (testFlag 1) as in production', async () => {
    const b = await h.tenant([kitUser('tester')], { test: true });
    const id = await h.login(b, 'tester');
    expect((await h.call('/sso/session', { session: id })).json()).toMatchObject({ userName: 'tester', tenantId: b.tenantId });
  });

  it('workbench flow: /sso/login?tenant= goes to the tenant authorize endpoint with a state bound to a signed cookie', async () => {
    const b = await h.tenant([kitUser('carol')]);
    const res = await h.call('/sso/login', { query: { tenant: b.tenantId } });
    expect(res.status).toBe(302);
    const url = new URL(res.location!);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.idp.url}/api/v1/oauth2/authorize`);
    const client = h.idp.clients.find((c) => c.tenantId === b.tenantId)!;
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: client.clientId, redirect_uri: CALLBACK_URL, response_type: 'code', scope: 'get_user_info', state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.setCookie).toMatch(/^kg_sso_state=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=600$/);
    const stateCookie = res.setCookie!.split(';')[0]!;
    const state = url.searchParams.get('state')!;

    // The IdP comes back with code, state and tenant; the tenant may also be left to the state.
    const ok = await h.call('/sso/callback', { query: { code: h.idp.issueCode(b.tenantId, 'carol'), state, tenant: b.tenantId }, cookieHeader: stateCookie });
    expect(ok.status).toBe(302);
    expect(ok.setCookie).toMatch(SESSION_COOKIE);
    const noTenant = await h.call('/sso/callback', { query: { code: h.idp.issueCode(b.tenantId, 'carol'), state }, cookieHeader: stateCookie });
    expect(noTenant.status).toBe(302);
  });

  it.each([
    ['no state cookie', (_c: string) => undefined, {}],
    ['a tampered state cookie', (c: string) => c.replace(/\.(.)/, (_m, ch: string) => `.${ch === 'A' ? 'B' : 'A'}`), {}],
    ['another state', (c: string) => c, { state: 'x'.repeat(43) }],
    ['another tenant than the state\'s', (c: string) => c, { tenant: 'some-other-tenant' }],
  ])('refuses a workbench callback with %s: 400 bad_state', async (_what, cookieOf, queryOverride) => {
    const b = await h.tenant([kitUser('dave')]);
    const start = await h.call('/sso/login', { query: { tenant: b.tenantId } });
    const state = new URL(start.location!).searchParams.get('state')!;
    const cookie = cookieOf(start.setCookie!.split(';')[0]!);
    const res = await h.call('/sso/callback', {
      query: { code: h.idp.issueCode(b.tenantId, 'dave'), state, tenant: b.tenantId, ...queryOverride },
      ...(cookie ? { cookieHeader: cookie } : {}),
      json: true,
    });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_state', message: expect.any(String) });
  });

  it('refuses a state cookie older than 10 minutes (bad_state)', async () => {
    const b = await h.tenant([kitUser('erin')]);
    const start = await h.call('/sso/login', { query: { tenant: b.tenantId } });
    const state = new URL(start.location!).searchParams.get('state')!;
    h.advance(10 * 60_000 + 1);
    const res = await h.call('/sso/callback', { query: { code: h.idp.issueCode(b.tenantId, 'erin'), state, tenant: b.tenantId }, cookieHeader: start.setCookie!.split(';')[0]!, json: true });
    expect(res.json().error).toBe('bad_state');
  });

  it('refuses /sso/login?tenant= for a tenant the kit does not know (403 unknown_tenant) and a non-GET (405)', async () => {
    expect((await h.call('/sso/login', { query: { tenant: 'nobody-knows' }, json: true })).json().error).toBe('unknown_tenant');
    const post = await h.call('/sso/login', { method: 'POST', json: true });
    expect([post.status, post.json().error]).toEqual([405, 'method_not_allowed']);
  });

  /** The refusals of the callback: each case sets things up and returns the query. */
  const refusals: Array<[string, number, string, (h: SsoHarness) => Promise<Record<string, string>>]> = [
    ['the code is missing', 400, 'bad_request', async (x) => ({ tenant: (await x.tenant([kitUser('u')])).tenantId })],
    ['the tenant is missing', 400, 'bad_request', async (x) => ({ code: x.idp.issueCode('t', 'u') })],
    ['the code is unknown', 400, 'invalid_code', async (x) => ({ code: 'code-never-issued', tenant: (await x.tenant([kitUser('u')])).tenantId })],
    ['the code was already used', 400, 'invalid_code', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      const code = x.idp.issueCode(b.tenantId, 'u');
      expect((await x.call('/sso/callback', { query: { code, tenant: b.tenantId } })).status).toBe(302);
      return { code, tenant: b.tenantId };
    }],
    ['the code belongs to another tenant', 400, 'invalid_code', async (x) => {
      const other = await x.tenant([kitUser('u')]);
      const b = await x.tenant([kitUser('u')]);
      return { code: x.idp.issueCode(other.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['the tenant is unknown to the kit', 403, 'unknown_tenant', async (x) => ({ code: x.idp.issueCode('ghost', 'u'), tenant: 'ghost' })],
    ['userinfo names another tenant', 403, 'tenant_mismatch', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      x.idp.faults.userinfo = 'wrong-tenant';
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['the user is not in the kit for this app', 403, 'not_authorized', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      return { code: x.idp.issueCode(b.tenantId, 'stranger'), tenant: b.tenantId };
    }],
    ['authSync cancelled the user (flag 3)', 403, 'not_authorized', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      expect(await x.kit('authSync', authBody(b, FLAG.CANCEL, [kitUser('u')]))).toBe('000000');
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['authSync disabled the user (enable false)', 403, 'user_disabled', async (x) => {
      const b = await x.tenant([kitUser('u', { enable: 'false' })]);
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['the token endpoint fails (HTTP 500)', 502, 'idp_error', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      x.idp.faults.token = 'error';
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['the token endpoint answers a redirect (not followed)', 502, 'idp_error', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      x.idp.faults.token = 'redirect';
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['the token answer is malformed', 502, 'idp_error', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      x.idp.faults.token = 'malformed';
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['userinfo fails (HTTP 500)', 502, 'idp_error', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      x.idp.faults.userinfo = 'error';
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['the tenant domainName is plain http on a public host (never called)', 502, 'idp_error', async (x) => {
      const b = await x.tenant([kitUser('u')], { domainName: 'http://idp.example.com' });
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['the token endpoint does not answer in time', 504, 'idp_timeout', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      x.idp.faults = { token: 'slow', slowMs: IDP_TIMEOUT_MS + 700 };
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
    ['userinfo does not answer in time', 504, 'idp_timeout', async (x) => {
      const b = await x.tenant([kitUser('u')]);
      x.idp.faults = { userinfo: 'slow', slowMs: IDP_TIMEOUT_MS + 700 };
      return { code: x.idp.issueCode(b.tenantId, 'u'), tenant: b.tenantId };
    }],
  ];

  describe.each([['HTML', false], ['JSON', true]] as const)('refusals as %s', (_form, json) => {
    it.each(refusals)('when %s: %i %s, logged, no session', async (_what, status, reason, setup) => {
      const query = await setup(h);
      const logsBefore = h.logs.length;
      const started = Date.now();
      const res = await h.call('/sso/callback', { query, json });
      expect(Date.now() - started).toBeLessThan(IDP_TIMEOUT_MS * 2 + 1000);
      expect(res.status).toBe(status);
      expect(res.setCookie).toBeUndefined();
      expect(res.location).toBeUndefined();
      if (json) {
        expect(res.headers['Content-Type']).toMatch(/^application\/json/);
        expect(res.json()).toEqual({ error: reason, message: expect.any(String) });
      } else {
        expect(res.headers['Content-Type']).toMatch(/^text\/html/);
        expect(res.headers['Content-Security-Policy']).toContain("default-src 'none'");
        expect(res.body).toContain(`<code>${reason}</code>`);
        expect(res.body).toContain(`HTTP ${status}`);
      }
      expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+|Error:|stack/);
      for (const v of Object.values(query)) if (v.length > 8) expect(res.body).not.toContain(v);
      const lines = h.logs.slice(logsBefore).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ event: 'sso.refused', reason, status }));
      expect(lines).toContainEqual(expect.objectContaining({ event: 'sso-login.done', route: 'callback', status, reason }));
    });
  });

  it('accepts a userinfo without `tenant` (the published example has none) and logs it', async () => {
    const b = await h.tenant([kitUser('frank')]);
    h.idp.faults.userinfo = 'no-tenant';
    const res = await h.call('/sso/callback', { query: { code: h.idp.issueCode(b.tenantId, 'frank'), tenant: b.tenantId } });
    expect(res.status).toBe(302);
    expect(h.logs.some((l) => l.includes('sso.userinfo_without_tenant'))).toBe(true);
  });

  it('answers 404 not_found for a path that is not its own, without touching anything', async () => {
    const res = await h.call('/sso/elsewhere', { json: true });
    expect([res.status, res.json().error]).toEqual([404, 'not_found']);
  });
});
