/**
 * `kg serve` serves /sso/* from the route table, and a handler's redirect reaches the browser as it is:
 * status 302 with `Location` and `Set-Cookie` unchanged (over real HTTP, the way APIG passes a function's
 * `headers` map). Also the local defaults: a dev appId and this server as callback and app, with
 * cookies that drop `Secure` on http loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SSO_APP_ID, startLocalServer, type LocalServer } from '../../../infra/server/localServer';
import { functionFor } from '../../../shared/routeTable';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { APP_ORIGIN, APP_URL, kitUser, LOGOUT_REDIRECTS, ssoHarness, type SsoHarness } from './ssoHarness';

describe('the local server and SSO', () => {
  let h: SsoHarness;
  let server: LocalServer;

  beforeAll(async () => {
    h = await ssoHarness(new MemoryStore());
    server = await startLocalServer({ env: h.settings, store: h.store, workerIntervalMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await h?.idp.close();
  });

  it('routes every SSO path to its function', () => {
    expect(['GET /sso/login', 'GET /sso/callback', 'GET /sso/session', 'GET /sso/logout', 'POST /sso/logout'].map((r) => {
      const [method, path] = r.split(' ') as [string, string];
      return functionFor(method, path);
    })).toEqual(['sso-login', 'sso-login', 'sso-login', 'sso-logout', 'sso-logout']);
  });

  it('passes redirects, Location and Set-Cookie through; the cookie works on the next request', async () => {
    const login = await fetch(`${server.url}/sso/login`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toContain(`ind=UNOP&appId=${h.appId}`);

    const b = await h.tenant([kitUser('ann')]);
    const callback = await fetch(`${server.url}/sso/callback?code=${h.idp.issueCode(b.tenantId, 'ann')}&tenant=${b.tenantId}`, { redirect: 'manual' });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(APP_URL);
    const setCookie = callback.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^kg_session=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Lax; Path=\/$/);
    const cookie = setCookie[0]!.split(';')[0]!;

    const session = await fetch(`${server.url}/sso/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(session.headers.get('cache-control')).toBe('no-store');
    expect(await session.json()).toMatchObject({ userName: 'ann', tenantId: b.tenantId });

    const logout = await fetch(`${server.url}/sso/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: APP_ORIGIN } });
    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toBe(`${h.idp.url}/api/v1/logout?redirect_url=${encodeURIComponent(LOGOUT_REDIRECTS[0]!)}`);
    expect(logout.headers.getSetCookie()[0]).toMatch(/^kg_session=; .*Max-Age=0/);
    expect((await fetch(`${server.url}/sso/session`, { headers: { cookie } })).status).toBe(401);
  });

  it('defaults SSO to a dev appId and itself, without Secure on http loopback', async () => {
    const local = await startLocalServer({ env: { KG_DATA_KEY: h.settings.KG_DATA_KEY, KG_KIT_ACCESS_KEY: 'k' }, store: new MemoryStore(), workerIntervalMs: 0 });
    try {
      expect(local.settings).toMatchObject({ KG_SSO_APP_ID: DEV_SSO_APP_ID, KG_SSO_CALLBACK_URL: `${local.url}/sso/callback`, KG_SSO_APP_URL: `${local.url}/` });
      expect(local.generated).toEqual(expect.arrayContaining(['KG_SSO_APP_ID', 'KG_SSO_CALLBACK_URL', 'KG_SSO_APP_URL']));
      const res = await fetch(`${local.url}/sso/login`, { redirect: 'manual' });
      expect(res.headers.get('location')).toBe(`https://macroverse.huaweicloud.com/unified-login/#/portal-login?ind=UNOP&appId=${DEV_SSO_APP_ID}`);
      const stale = await fetch(`${local.url}/sso/session`, { headers: { cookie: `kg_session=${'Q'.repeat(43)}` } });
      expect(stale.status).toBe(401);
      expect(stale.headers.getSetCookie()[0]).toBe('kg_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    } finally {
      await local.close();
    }
  });
});
