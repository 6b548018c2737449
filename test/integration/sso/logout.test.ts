/**
 * sso-logout on MemoryStore and a real redis-server: the local session ends, the cookie is cleared, the
 * browser goes to the tenant IdP's logout with an allowed redirect; no open redirect; a cross-origin POST
 * is refused and ends nothing. Then, over a whole run of logins, renewals, refusals and logouts: no token,
 * client secret, code or session id in a log line, an answer (but the cookie itself) or, in clear, Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionTag } from '../../../shared/store/keys';
import { APP_ORIGIN, dumpRedis, kitUser, LOGOUT_REDIRECTS, sessionIdsIn, type SsoHarness, ssoTargets, startSso, stopSso } from './ssoHarness';

const CLEARED = 'kg_session=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT';

describe.each(ssoTargets())('SSO logout on $name', (target) => {
  let h: SsoHarness;

  beforeAll(async () => {
    h = await startSso(target);
  });
  afterAll(() => stopSso(target, h));

  const idpLogout = (redirect: string) => `${h.idp.url}/api/v1/logout?redirect_url=${encodeURIComponent(redirect)}`;

  it('POST /sso/logout from the app: session gone, cookie cleared, 302 to the IdP logout with the default redirect', async () => {
    const b = await h.tenant([kitUser('una')]);
    const id = await h.login(b, 'una');
    const res = await h.call('/sso/logout', { method: 'POST', session: id, headers: { origin: APP_ORIGIN } });
    expect(res.status).toBe(302);
    expect(res.location).toBe(idpLogout(LOGOUT_REDIRECTS[0]!));
    expect(res.setCookie).toBe(CLEARED);
    expect((await h.store.read([sessionTag(id)]))[0]?.record).toBeNull();
    expect((await h.call('/sso/session', { session: id })).status).toBe(401);
    // The IdP's logout then sends the browser on to the redirect.
    const followed = await fetch(res.location!, { redirect: 'manual' });
    expect(followed.headers.get('location')).toBe(LOGOUT_REDIRECTS[0]);
  });

  it('GET /sso/logout (a link) takes an allowed ?redirect=', async () => {
    const b = await h.tenant([kitUser('vic')]);
    const id = await h.login(b, 'vic');
    const res = await h.call('/sso/logout', { session: id, query: { redirect: LOGOUT_REDIRECTS[1]! } });
    expect(res.location).toBe(idpLogout(LOGOUT_REDIRECTS[1]!));
    expect((await h.call('/sso/session', { session: id })).status).toBe(401);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/login',
    'javascript:alert(1)',
    'https://app.example.com.evil.example/login',
    'https://app.example.com@evil.example/login',
    'https://app.example.com/login/../../evil',
    'http://app.example.com/login',
  ])('refuses the open redirect %s: the first allowed entry instead', async (redirect) => {
    const b = await h.tenant([kitUser('walt')]);
    const id = await h.login(b, 'walt');
    const res = await h.call('/sso/logout', { session: id, query: { redirect } });
    expect(res.location).toBe(idpLogout(LOGOUT_REDIRECTS[0]!));
    const withoutSession = await h.call('/sso/logout', { query: { redirect } });
    expect(withoutSession.location).toBe(LOGOUT_REDIRECTS[0]);
  });

  it.each([
    ['another Origin', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
    ['a Referer of another origin', { referer: 'https://evil.example/page' }],
    ['neither Origin nor Referer', {}],
  ])('refuses a POST with %s: 403 bad_origin (HTML and JSON), the session kept', async (_what, headers) => {
    const b = await h.tenant([kitUser('xena')]);
    const id = await h.login(b, 'xena');
    const html = await h.call('/sso/logout', { method: 'POST', session: id, headers });
    expect(html.status).toBe(403);
    expect(html.body).toContain('<code>bad_origin</code>');
    expect(html.setCookie).toBeUndefined();
    const json = await h.call('/sso/logout', { method: 'POST', session: id, headers, json: true });
    expect([json.status, json.json()]).toEqual([403, { error: 'bad_origin', message: expect.any(String) }]);
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    expect(h.logs.some((l) => l.includes('"reason":"bad_origin"'))).toBe(true);
  });

  it('accepts a POST whose Referer is the app\'s when no Origin is sent', async () => {
    const b = await h.tenant([kitUser('yuri')]);
    const id = await h.login(b, 'yuri');
    const res = await h.call('/sso/logout', { method: 'POST', session: id, headers: { referer: `${APP_ORIGIN}/settings?tab=1` } });
    expect(res.status).toBe(302);
    expect((await h.call('/sso/session', { session: id })).status).toBe(401);
  });

  it('without a session: 302 straight to the redirect; a stale cookie is cleared on the way', async () => {
    const none = await h.call('/sso/logout');
    expect([none.status, none.location, none.setCookie]).toEqual([302, LOGOUT_REDIRECTS[0], undefined]);
    const stale = await h.call('/sso/logout', { method: 'POST', headers: { origin: APP_ORIGIN }, session: 'Z'.repeat(43) });
    expect([stale.status, stale.location, stale.setCookie]).toEqual([302, LOGOUT_REDIRECTS[0], CLEARED]);
  });

  it('answers 405 for another method', async () => {
    const res = await h.call('/sso/logout', { method: 'PUT', json: true });
    expect([res.status, res.json().error]).toEqual([405, 'method_not_allowed']);
  });

  it('never shows a token, client secret, code or session id in a log line or an answer, nor keeps one in clear', async () => {
    const b = await h.tenant([kitUser('zoe')]);
    h.idp.expiresIn = 60;
    const id = await h.login(b, 'zoe');
    h.idp.expiresIn = 7200;
    expect((await h.call('/sso/session', { session: id })).status).toBe(200); // renewed: refresh token sent and rotated
    h.idp.faults.userinfo = 'wrong-tenant';
    expect((await h.call('/sso/callback', { query: { code: h.idp.issueCode(b.tenantId, 'zoe'), tenant: b.tenantId } })).status).toBe(403);
    h.idp.faults = {};
    const raw = target.raw();
    const stored = raw ? await dumpRedis(raw) : JSON.stringify(await h.store.read([sessionTag(id)]));
    expect((await h.call('/sso/logout', { method: 'POST', session: id, headers: { origin: APP_ORIGIN } })).status).toBe(302);

    const secrets = [...h.idp.secrets, ...h.clientSecrets];
    expect(secrets.length).toBeGreaterThan(5);
    const logs = h.logs.join('\n');
    const answersWithoutCookies = h.answers.map((a) => a.replace(/"Set-Cookie":"[^"]*"/g, '')).join('\n');
    const sessionIds = sessionIdsIn(h.answers);
    expect(sessionIds).toContain(id);
    for (const s of [...secrets, ...sessionIds]) {
      expect(logs).not.toContain(s);
      expect(answersWithoutCookies).not.toContain(s);
    }
    for (const s of [...secrets.filter((x) => !x.startsWith('code-')), id]) expect(stored).not.toContain(s);
    expect(stored).toContain('gcm1.'); // the tokens are there, sealed
  });
});
