import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../infra/cli/command';
import { main } from '../../../infra/cli/main';
import { IDP_COOKIE, startFakeIdp, type FakeIdp, type IdpSetup } from '../../../infra/emulator/fakeIdp/index';
import { FakeIdpClient } from '../../../infra/emulator/fakeIdp/client';

// The fake tenant IdP's protocol behaviour (joint-operation-kit-and-sso.md §11.3-§11.6), over HTTP.

const CALLBACK = 'https://app.example.com/sso/callback';
const SETUP: IdpSetup = {
  apps: [{ appId: 'app-1', callbackUrl: CALLBACK }],
  tenants: [
    { tenantId: 'tenant-a', tenantCode: 'acme', name: 'Acme 企业', clientId: 'client-a', clientSecret: 'secret-a', appId: 'app-1' },
    { tenantId: 'tenant-b', tenantCode: 'beta', name: 'Beta', clientId: 'client-b', clientSecret: 'secret-b', appId: 'app-1' },
  ],
  users: [
    { tenantId: 'tenant-a', userName: 'alice', password: 'pw-alice', name: '张三', role: 'admin', organizationCode: 'ORG1', organizationName: '总部', email: 'a@example.com', mobile: '13800000001' },
    { tenantId: 'tenant-a', userName: 'sam', password: 'pw-sam' },
    { tenantId: 'tenant-b', userName: 'sam', password: 'pw-sam' },
  ],
};

let clock = 1_750_000_000_000;
let idp: FakeIdp;

beforeEach(async () => {
  clock = 1_750_000_000_000;
  idp = await startFakeIdp({ setup: SETUP, now: () => clock, slowMs: 300 });
});
afterEach(async () => {
  await idp.close();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${idp.url}${path}`, { method: 'POST', headers: { ...FORM, ...headers }, body: form(fields), redirect: 'manual' });
}

function location(res: Response): URL {
  const value = res.headers.get('location');
  if (!value) throw new Error(`no Location (HTTP ${res.status})`);
  return new URL(value);
}

function idpCookie(res: Response): string {
  const found = res.headers.getSetCookie().find((c) => c.startsWith(`${IDP_COOKIE}=`));
  if (!found) throw new Error('no IdP session cookie');
  return found.split(';')[0] ?? '';
}

/** Logs alice in on the unified login page; returns the callback URL the browser is sent to. */
async function unifiedLogin(userName = 'alice', password = 'pw-alice', appId = 'app-1') {
  const res = await post('/unified-login/login', { ind: 'UNOP', appId, userName, password });
  return res;
}

async function codeFor(userName = 'alice', password = 'pw-alice'): Promise<string> {
  const res = await unifiedLogin(userName, password);
  expect(res.status).toBe(302);
  return location(res).searchParams.get('code') ?? '';
}

async function exchange(fields: Record<string, string>) {
  const res = await post('/api/v1/oauth2/token', fields);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const codeGrant = (code: string, extra: Record<string, string> = {}) => ({ grant_type: 'authorization_code', client_id: 'client-a', client_secret: 'secret-a', code, ...extra });
const refreshGrant = (refresh: string, extra: Record<string, string> = {}) => ({ grant_type: 'refresh_token', client_id: 'client-a', client_secret: 'secret-a', refresh_token: refresh, ...extra });

async function userinfo(accessToken: string, accept = 'application/json') {
  const res = await fetch(`${idp.url}/api/v1/oauth2/userinfo`, { headers: { Authorization: `Bearer ${accessToken}`, Accept: accept } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('fake IdP: unified login page', () => {
  it('serves a page whose script reads ind and appId from the fragment, and takes them from the query too', async () => {
    const page = await fetch(`${idp.url}/unified-login/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await page.text();
    expect(text).toContain('location.hash');
    expect(text).toContain('action="/unified-login/login"');
    expect(text).toMatch(/name="userName"/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);

    const withQuery = await (await fetch(`${idp.url}/unified-login/?ind=UNOP&appId=app-%3Cx%3E`)).text();
    expect(withQuery).toContain('name="appId" value="app-&#60;x&#62;"');
  });

  it('sends the browser to the app callback with code and tenant, and starts an IdP session', async () => {
    const res = await unifiedLogin();
    expect(res.status).toBe(302);
    const to = location(res);
    expect(`${to.origin}${to.pathname}`).toBe(CALLBACK);
    expect(to.searchParams.get('tenant')).toBe('tenant-a');
    expect(to.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.has('state')).toBe(false);
    expect(res.headers.getSetCookie()[0]).toMatch(new RegExp(`^${IDP_COOKIE}=[\\w-]+; Path=/; HttpOnly; SameSite=Lax$`));
  });

  it('refuses a wrong password, ind other than UNOP and an unknown appId with the form again', async () => {
    const wrong = await unifiedLogin('alice', 'nope');
    expect(wrong.status).toBe(401);
    const body = await wrong.text();
    expect(body).toContain('Wrong account or password');
    expect(body).toContain('name="appId" value="app-1"');
    expect((await post('/unified-login/login', { ind: 'X', appId: 'app-1', userName: 'alice', password: 'pw-alice' })).status).toBe(400);
    expect((await unifiedLogin('alice', 'pw-alice', 'no-such-app')).status).toBe(400);
  });

  it('asks for account@tenantCode when the account exists in several enterprises bound to the app', async () => {
    expect((await unifiedLogin('sam', 'pw-sam')).status).toBe(409);
    const res = await unifiedLogin('sam@beta', 'pw-sam');
    expect(res.status).toBe(302);
    expect(location(res).searchParams.get('tenant')).toBe('tenant-b');
  });
});

describe('fake IdP: workbench authorize', () => {
  const query = (extra: Record<string, string> = {}) => new URLSearchParams({ client_id: 'client-a', redirect_uri: CALLBACK, response_type: 'code', scope: 'get_user_info', state: 'st-1', ...extra }).toString();

  it('shows the login form, then returns code, state and tenant; with the IdP session it skips the form', async () => {
    const formPage = await fetch(`${idp.url}/api/v1/oauth2/authorize?${query()}`, { redirect: 'manual' });
    expect(formPage.status).toBe(200);
    const text = await formPage.text();
    expect(text).toContain('action="/api/v1/oauth2/authorize"');
    expect(text).toContain('name="state" value="st-1"');

    const login = await post('/api/v1/oauth2/authorize', { client_id: 'client-a', redirect_uri: CALLBACK, response_type: 'code', state: 'st-1', userName: 'alice', password: 'pw-alice' });
    expect(login.status).toBe(302);
    const to = location(login);
    expect(`${to.origin}${to.pathname}`).toBe(CALLBACK);
    expect(to.searchParams.get('state')).toBe('st-1');
    expect(to.searchParams.get('tenant')).toBe('tenant-a');
    const cookie = idpCookie(login);

    const again = await fetch(`${idp.url}/api/v1/oauth2/authorize?${query({ state: 'st-2' })}`, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(again.status).toBe(302);
    expect(location(again).searchParams.get('state')).toBe('st-2');
    // The session is for tenant a only: tenant b still asks.
    const other = await fetch(`${idp.url}/api/v1/oauth2/authorize?${query({ client_id: 'client-b' })}`, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(other.status).toBe(200);
  });

  it('never redirects to an unchecked redirect_uri: unknown client, foreign redirect_uri', async () => {
    const unknown = await fetch(`${idp.url}/api/v1/oauth2/authorize?${query({ client_id: 'nobody' })}`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    const foreign = await fetch(`${idp.url}/api/v1/oauth2/authorize?${query({ redirect_uri: 'https://evil.example/cb' })}`, { redirect: 'manual' });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
    const badType = await fetch(`${idp.url}/api/v1/oauth2/authorize?${query({ response_type: 'token' })}`, { redirect: 'manual' });
    expect(badType.status).toBe(302);
    expect(location(badType).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('refuses wrong credentials with the form (401), keeping the parameters', async () => {
    const res = await post('/api/v1/oauth2/authorize', { client_id: 'client-a', redirect_uri: CALLBACK, response_type: 'code', state: 'st-1', userName: 'alice', password: 'bad' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('name="state" value="st-1"');
  });
});

describe('fake IdP: token endpoint', () => {
  it('exchanges a code once: the answer of §11.3, then invalid_grant for the same code', async () => {
    const code = await codeFor();
    const first = await exchange(codeGrant(code, { redirect_uri: CALLBACK }));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 7200, scope: 'get_user_info' });
    expect(first.body.access_token).toEqual(expect.any(String));
    expect(first.body.refresh_token).toEqual(expect.any(String));
    expect(first.headers.get('cache-control')).toBe('no-store');
    const again = await exchange(codeGrant(code));
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
  });

  it('refuses an unknown code, an expired code, a code of another client and a redirect_uri other than the one the code went to', async () => {
    expect((await exchange(codeGrant('made-up'))).body.error).toBe('invalid_grant');
    const expiring = await codeFor();
    clock += 301_000;
    expect((await exchange(codeGrant(expiring))).body).toMatchObject({ error: 'invalid_grant' });
    const code = await codeFor();
    expect((await exchange({ ...codeGrant(code), client_id: 'client-b', client_secret: 'secret-b' })).body.error).toBe('invalid_grant');
    const other = await codeFor();
    expect((await exchange(codeGrant(other, { redirect_uri: 'https://app.example.com/other' }))).body).toMatchObject({ error: 'invalid_grant', error_description: 'Redirect URI mismatch' });
  });

  it('refuses bad client credentials (invalid_client, 401) and anything but a form body', async () => {
    const code = await codeFor();
    expect(await exchange({ ...codeGrant(code), client_secret: 'encrypted-not-plain' })).toMatchObject({ status: 401, body: { error: 'invalid_client', error_description: 'Bad client credentials' } });
    // The code was not spent by the refused call.
    expect((await exchange(codeGrant(code))).status).toBe(200);
    const asJson = await fetch(`${idp.url}/api/v1/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(codeGrant('x')) });
    expect(asJson.status).toBe(400);
    expect((await exchange({ ...codeGrant('x'), grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
  });

  it('takes the client credentials by HTTP Basic too', async () => {
    const code = await codeFor();
    const res = await fetch(`${idp.url}/api/v1/oauth2/token`, { method: 'POST', headers: { ...FORM, Authorization: `Basic ${Buffer.from('client-a:secret-a').toString('base64')}` }, body: form({ grant_type: 'authorization_code', code }) });
    expect(res.status).toBe(200);
  });

  it('rotates refresh tokens: the new one works, the spent one is invalid_grant, and they expire', async () => {
    const first = await exchange(codeGrant(await codeFor()));
    const r1 = String(first.body.refresh_token);
    const second = await exchange(refreshGrant(r1));
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(r1);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    expect(await exchange(refreshGrant(r1))).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } });
    const r2 = String(second.body.refresh_token);
    expect((await exchange({ ...refreshGrant(r2), client_id: 'client-b', client_secret: 'secret-b' })).body.error).toBe('invalid_grant');
    clock += 30 * 86_400_000 + 1;
    expect((await exchange(refreshGrant(r2))).body.error).toBe('invalid_grant');
  });

  it('issues access tokens with the tenant lifetime set through setup', async () => {
    idp.setup({ tenants: [{ tenantId: 'tenant-a', accessTokenTtlSeconds: 60 }] });
    const tokens = await exchange(codeGrant(await codeFor()));
    expect(tokens.body.expires_in).toBe(60);
    expect((await userinfo(String(tokens.body.access_token))).status).toBe(200);
    clock += 60_000;
    expect((await userinfo(String(tokens.body.access_token))).status).toBe(401);
    const renewed = await exchange(refreshGrant(String(tokens.body.refresh_token)));
    expect((await userinfo(String(renewed.body.access_token))).status).toBe(200);
  });
});

describe('fake IdP: userinfo', () => {
  it('answers the user object of §11.3 with tenant and projectName', async () => {
    const tokens = await exchange(codeGrant(await codeFor()));
    const info = await userinfo(String(tokens.body.access_token));
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      userName: 'alice', name: '张三', role: 'admin', organizationCode: 'ORG1', organizationName: '总部', email: 'a@example.com', mobile: '13800000001',
      projectName: 'Acme 企业', tenant: 'tenant-a',
    });
    expect(info.body.id).toEqual(info.body.userId);
  });

  it('answers 401 unauthorized without a valid Bearer token, and 406 without Accept: application/json', async () => {
    const none = await fetch(`${idp.url}/api/v1/oauth2/userinfo`, { headers: { Accept: 'application/json' } });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'unauthorized', error_description: 'Full authentication is required to access this resource' });
    expect((await userinfo('made-up')).status).toBe(401);
    const tokens = await exchange(codeGrant(await codeFor()));
    expect((await userinfo(String(tokens.body.access_token), 'text/html')).status).toBe(406);
  });
});

describe('fake IdP: logout', () => {
  it('ends the IdP session and redirects to redirect_url; without one it shows a signed-out page', async () => {
    const login = await unifiedLogin();
    const cookie = idpCookie(login);
    const authorize = `${idp.url}/api/v1/oauth2/authorize?${new URLSearchParams({ client_id: 'client-a', redirect_uri: CALLBACK, response_type: 'code', state: 's' })}`;
    expect((await fetch(authorize, { headers: { Cookie: cookie }, redirect: 'manual' })).status).toBe(302);

    const out = await fetch(`${idp.url}/api/v1/logout?redirect_url=${encodeURIComponent('https://app.example.com/bye?x=1')}`, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('https://app.example.com/bye?x=1');
    expect(out.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    expect((await fetch(authorize, { headers: { Cookie: cookie }, redirect: 'manual' })).status).toBe(200);

    const plain = await fetch(`${idp.url}/api/v1/logout`, { redirect: 'manual' });
    expect(plain.status).toBe(200);
    expect(await plain.text()).toContain('Signed out');
    const { events } = idp.events();
    expect(events.filter((e) => e.endpoint === 'logout')).toEqual([
      expect.objectContaining({ status: 302, tenantId: 'tenant-a', userName: 'alice' }),
      expect.objectContaining({ status: 200 }),
    ]);
  });
});

describe('fake IdP: faults and setup API', () => {
  it('token 500, slow token, userinfo with another tenant, and clearing faults', async () => {
    const client = new FakeIdpClient(idp.url, 5_000);
    await client.setup({ tenants: [{ tenantId: 'tenant-a', faults: { token: 'error' } }] });
    const code = await codeFor();
    expect(await exchange(codeGrant(code))).toMatchObject({ status: 500, body: { error: 'server_error' } });

    await client.setup({ tenants: [{ tenantId: 'tenant-a', faults: { token: 'slow', slowMs: 250 } }] });
    const started = performance.now();
    const slow = await exchange(codeGrant(code));
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(slow.status).toBe(200);

    await client.setup({ tenants: [{ tenantId: 'tenant-a', faults: { userinfo: 'wrong-tenant' } }] });
    const info = await userinfo(String((await exchange(codeGrant(await codeFor()))).body.access_token));
    expect(info.status).toBe(200);
    expect(info.body.tenant).not.toBe('tenant-a');

    await client.setup({ tenants: [{ tenantId: 'tenant-a', faults: null }] });
    const clean = await userinfo(String((await exchange(codeGrant(await codeFor()))).body.access_token));
    expect(clean.body.tenant).toBe('tenant-a');

    const { events } = await client.events();
    expect(events.filter((e) => e.fault).map((e) => `${e.endpoint}:${e.fault}:${e.status}`)).toEqual(['token:error:500', 'token:slow:200', 'userinfo:wrong-tenant:200']);
    expect(JSON.stringify(events)).not.toContain(code);
  });

  it('refuses a setup document that does not fit, changing nothing', async () => {
    const bad = async (doc: unknown) => {
      const res = await fetch(`${idp.url}/_idp/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(doc) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await bad({ tenants: [{ tenantId: 'new' }] })).toMatchObject({ status: 400, body: { error: 'invalid_setup' } });
    expect((await bad({ tenants: [{ tenantId: 'c', clientId: 'client-a', clientSecret: 'x' }] })).body.error_description).toMatch(/clientId client-a is used by/);
    expect((await bad({ apps: [{ appId: 'x', callbackUrl: 'ftp://x' }] })).status).toBe(400);
    expect((await bad({ users: [{ tenantId: 'nope', userName: 'u', password: 'p' }] })).status).toBe(400);
    expect((await bad({ tenants: [{ tenantId: 'tenant-a', faults: { token: 'explode' } }] })).status).toBe(400);
    // All or nothing: the valid user before the bad one was not added.
    expect(await bad({ users: [{ tenantId: 'tenant-a', userName: 'zed', password: 'p' }, { tenantId: 'nope', userName: 'u', password: 'p' }] })).toMatchObject({ status: 400 });
    expect((await unifiedLogin('zed', 'p')).status).toBe(401);

    expect((await fetch(`${idp.url}/_idp/setup`, { method: 'POST', body: '{' })).status).toBe(400);
    expect((await fetch(`${idp.url}/api/v1/oauth2/token`)).status).toBe(405);
    expect((await fetch(`${idp.url}/nowhere`)).status).toBe(404);
  });

  it('removes users: their codes and sessions stop working', async () => {
    const code = await codeFor();
    idp.setup({ removeUsers: [{ tenantId: 'tenant-a', userName: 'alice' }] });
    expect((await unifiedLogin()).status).toBe(401);
    const tokens = await exchange(codeGrant(code));
    expect(tokens.status).toBe(200);
    expect((await userinfo(String(tokens.body.access_token))).status).toBe(401);
  });
});

describe('kg idp', () => {
  const io = () => {
    const out = { stdout: '', stderr: '', env: {}, readStdin: async () => Buffer.alloc(0), out: (t: string) => void (out.stdout += t), err: (t: string) => void (out.stderr += t) } satisfies CliIo & { stdout: string; stderr: string };
    return out;
  };

  it('is listed and documents the endpoints and the setup document', async () => {
    const help = io();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.stdout).toMatch(/^\s+idp\s+run a fake tenant IdP/m);
    const usage = io();
    expect(await main(['idp', '--help'], usage)).toBe(0);
    for (const text of ['/unified-login/#/portal-login', '/api/v1/oauth2/token', '/_idp/setup', 'wrong-tenant', 'KG_SSO_LOGIN_PAGE_URL']) expect(usage.stdout).toContain(text);
  });

  it('exits 2 for bad arguments and a setup file that does not fit, before listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-idp-'));
    try {
      const notJson = join(dir, 'bad.json');
      writeFileSync(notJson, '{');
      const unfit = join(dir, 'unfit.json');
      writeFileSync(unfit, JSON.stringify({ tenants: [{ tenantId: 't' }] }));
      for (const args of [['--port', '70000'], ['--slow-ms', 'x'], ['--setup', join(dir, 'missing.json')], ['--setup', notJson], ['--setup', unfit], ['--frobnicate']]) {
        const out = io();
        expect(await main(['idp', ...args], out), args.join(' ')).toBe(2);
        expect(out.stderr).toMatch(/^kg idp: /);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
