/**
 * GET /sso/session and the library (`getSession`, `requireUser`) on MemoryStore and a real redis-server:
 * access-token renewal (once, and by exactly one of two concurrent requests), the end of a session when the
 * IdP refuses the refresh token, transient IdP failures, the loss of every session when authSync disables,
 * cancels or deletes the user (through the real kit function), idle and absolute expiry on the injected clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authBody, FLAG, tenantBody } from '../../../infra/emulator/kitBodies';
import { defineMerchant } from '../../../shared/merchant';
import { getSession, requireUser, SsoError } from '../../../shared';
import { sessionTag } from '../../../shared/store/keys';
import type { SessionRecord } from '../../../shared/sso/sessions';
import { ABSOLUTE_MS, IDLE_MS, IDP_TIMEOUT_MS, kitUser, type SsoHarness, ssoTargets, startSso, stopSso } from './ssoHarness';

describe.each(ssoTargets())('SSO sessions on $name', (target) => {
  let h: SsoHarness;

  beforeAll(async () => {
    h = await startSso(target);
  });
  afterEach(() => {
    h.idp.faults = {};
    h.idp.expiresIn = 7200;
    h.idp.noRefreshToken = false;
  });
  afterAll(() => stopSso(target, h));

  const record = async (id: string): Promise<SessionRecord | null> => (await h.store.read<SessionRecord>([sessionTag(id)]))[0]?.record ?? null;
  const refreshes = () => h.idp.granted('refresh_token');

  it('answers 401 no_session without a cookie, with a malformed one and with an unknown one (clearing it)', async () => {
    const none = await h.call('/sso/session');
    expect([none.status, none.json()]).toEqual([401, { error: 'no_session', message: expect.any(String) }]);
    expect(none.setCookie).toBeUndefined();
    for (const cookie of ['kg_session=short', `kg_session=${'A'.repeat(43)}`]) {
      const res = await h.call('/sso/session', { cookieHeader: cookie });
      expect(res.status).toBe(401);
      expect(res.setCookie).toBe('kg_session=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    }
  });

  it('finds the session cookie among others', async () => {
    const b = await h.tenant([kitUser('gina')]);
    const id = await h.login(b, 'gina');
    expect((await h.call('/sso/session', { cookieHeader: `theme=dark; kg_session=${id}; lang=zh` })).status).toBe(200);
  });

  it('renews an access token that expires within 5 minutes, once, keeping the session', async () => {
    const b = await h.tenant([kitUser('hank')]);
    h.idp.expiresIn = 240; // 4 minutes: due at once
    const id = await h.login(b, 'hank');
    h.idp.expiresIn = 7200;
    const before = refreshes();
    const sealedBefore = (await record(id))!.tokens;
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    expect(refreshes()).toBe(before + 1);
    const after = (await record(id))!;
    expect(after.gen).toBe(1);
    expect(after.tokens).not.toBe(sealedBefore);
    expect(after.renewing).toBeUndefined();
    expect(after.accessExpiresAt).toBeGreaterThan(h.now() + 7000 * 1000);
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    expect(refreshes()).toBe(before + 1);
    // The refresh used the client's decrypted secret and the stored refresh token, form-encoded.
    const sent = h.idp.requests.filter((r) => r.form.grant_type === 'refresh_token').at(-1)!;
    const client = h.idp.clients.find((c) => c.tenantId === b.tenantId)!;
    expect(sent.form).toEqual({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: expect.stringMatching(/^rt-/) });
  });

  it('two concurrent /sso/session calls on an expiring session: both 200, the session kept, exactly one refresh at the IdP', async () => {
    const b = await h.tenant([kitUser('ivy')]);
    h.idp.expiresIn = 60;
    const id = await h.login(b, 'ivy');
    h.idp.expiresIn = 7200;
    h.idp.faults.refreshDelayMs = 300;
    const before = refreshes();
    const [one, two] = await Promise.all([h.call('/sso/session', { session: id }), h.call('/sso/session', { session: id })]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.json()).toMatchObject({ userName: 'ivy' });
    expect(two.json()).toMatchObject({ userName: 'ivy' });
    expect(refreshes()).toBe(before + 1);
    expect((await record(id))!.gen).toBe(1);
    const activities = (await h.store.listAudit(sessionTag(id), 50)).map((e) => e.activity);
    expect(activities.filter((a) => a === 'sso.renew_claim')).toHaveLength(1);
    expect(activities.filter((a) => a === 'sso.renew')).toHaveLength(1);
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    expect(refreshes()).toBe(before + 1);
  });

  it('five concurrent calls after the access token expired: all 200, exactly one refresh', async () => {
    const b = await h.tenant([kitUser('jack')]);
    h.idp.expiresIn = 1;
    const id = await h.login(b, 'jack');
    h.idp.expiresIn = 7200;
    h.advance(2000);
    h.idp.faults.refreshDelayMs = 200;
    const before = refreshes();
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.call('/sso/session', { session: id })));
    h.advance(-2000);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(refreshes()).toBe(before + 1);
  });

  it('takes over a renewal whose claim outlived its lease (a crashed instance), and waits out a live one', async () => {
    const b = await h.tenant([kitUser('jill')]);
    h.idp.expiresIn = 60;
    const id = await h.login(b, 'jill');
    h.idp.expiresIn = 7200;
    const mark = async (until: number) => {
      const tag = sessionTag(id);
      const current = await h.store.begin<SessionRecord>(tag);
      const next = { ...current.record!, renewing: { id: 'crashed', until } };
      expect((await h.store.commit(tag, { expectedVersion: current.version, record: next, audit: { at: h.now(), activity: 'test', resultCode: 'ok' }, ttlSeconds: 600 })).ok).toBe(true);
    };
    // A live claim by someone else while the access token is still valid: wait (bounded), then answer from the session.
    await mark(h.now() + 60_000);
    const before = refreshes();
    const started = Date.now();
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDP_TIMEOUT_MS);
    expect(refreshes()).toBe(before);
    // The same claim after its lease: taken over, renewed once.
    h.advance(61_000);
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    h.advance(-61_000);
    expect(refreshes()).toBe(before + 1);
    expect((await record(id))!.renewing).toBeUndefined();
  });

  it('ends the session when the IdP refuses the refresh token (invalid_grant)', async () => {
    const b = await h.tenant([kitUser('kate')]);
    h.idp.expiresIn = 60;
    const id = await h.login(b, 'kate');
    h.idp.revokeRefreshTokens();
    const res = await h.call('/sso/session', { session: id });
    expect([res.status, res.json().error]).toEqual([401, 'no_session']);
    expect(await record(id)).toBeNull();
    expect((await h.call('/sso/session', { session: id })).status).toBe(401);
  });

  it('keeps the session through a transient IdP failure: 200 while the access token is valid, 502/504 once it expired, 200 when the IdP is back', async () => {
    const b = await h.tenant([kitUser('liam')]);
    h.idp.expiresIn = 120;
    const id = await h.login(b, 'liam');
    h.idp.expiresIn = 7200;
    h.idp.faults.token = 'error';
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    expect((await record(id))!.renewing).toBeUndefined();
    h.advance(121_000);
    const failed = await h.call('/sso/session', { session: id });
    expect([failed.status, failed.json().error]).toEqual([502, 'idp_error']);
    h.idp.faults = { token: 'slow', slowMs: IDP_TIMEOUT_MS + 500 };
    const slow = await h.call('/sso/session', { session: id });
    expect([slow.status, slow.json().error]).toEqual([504, 'idp_timeout']);
    h.idp.faults = {};
    const back = await h.call('/sso/session', { session: id });
    h.advance(-121_000);
    expect(back.status).toBe(200);
    expect((await record(id))!.gen).toBe(1);
  });

  it('keeps a session whose IdP issued no refresh token until it expires', async () => {
    const b = await h.tenant([kitUser('mia')]);
    h.idp.expiresIn = 60;
    h.idp.noRefreshToken = true;
    const id = await h.login(b, 'mia');
    const before = refreshes();
    expect((await h.call('/sso/session', { session: id })).status).toBe(200);
    expect(refreshes()).toBe(before);
  });

  it.each([
    ['disables', (users: ReturnType<typeof kitUser>[]) => [FLAG.MODIFY, users.map((u) => ({ ...u, enable: 'false' }))] as const],
    ['cancels', (users: ReturnType<typeof kitUser>[]) => [FLAG.CANCEL, users] as const],
    ['deletes', (users: ReturnType<typeof kitUser>[]) => [FLAG.DELETE, users] as const],
  ])('authSync %s the user: every session of theirs is lost at once, others stay', async (_what, change) => {
    const nora = kitUser('nora');
    const b = await h.tenant([nora, kitUser('oscar')]);
    const first = await h.login(b, 'nora');
    const second = await h.login(b, 'nora');
    const other = await h.login(b, 'oscar');
    expect((await h.call('/sso/session', { session: first })).status).toBe(200);
    const [flag, users] = change([nora]);
    expect(await h.kit('authSync', authBody(b, flag, users))).toBe('000000');
    for (const id of [first, second]) {
      expect((await h.call('/sso/session', { session: id, json: true })).status).toBe(401);
      expect(await record(id)).toBeNull();
    }
    expect((await h.call('/sso/session', { session: other })).status).toBe(200);
    expect(h.logs.some((l) => l.includes('sso.session_revoked'))).toBe(true);
  });

  it('shows the user as authSync changed them (name, role, department) and the tenant as renamed', async () => {
    const b = await h.tenant([kitUser('paul')]);
    const id = await h.login(b, 'paul');
    expect(await h.kit('authSync', authBody(b, FLAG.MODIFY, [kitUser('paul', { name: '保罗', role: 'admin', orgCode: 'org-2' })]))).toBe('000000');
    expect(await h.kit('tenantSync', tenantBody(b, FLAG.MODIFY, '新名字', h.idp.url))).toBe('000000');
    expect((await h.call('/sso/session', { session: id })).json()).toMatchObject({ name: '保罗', role: 'admin', orgCode: 'org-2', tenantName: '新名字' });
  });

  it('ends sessions when the tenant is removed (its last instance deleted)', async () => {
    const b = await h.tenant([kitUser('quinn')]);
    const id = await h.login(b, 'quinn');
    expect(await h.kit('tenantSync', tenantBody(b, FLAG.DELETE, 'x', h.idp.url))).toBe('000000');
    expect((await h.call('/sso/session', { session: id })).status).toBe(401);
  });

  it('ends a session after the idle time without a request; a request extends it', async () => {
    const b = await h.tenant([kitUser('rosa')]);
    const idle = await h.login(b, 'rosa');
    const busy = await h.login(b, 'rosa');
    h.advance(IDLE_MS - 60_000);
    const asked = h.now();
    const kept = await h.call('/sso/session', { session: busy });
    expect(kept.status).toBe(200);
    expect(kept.json().expiresAt).toBeGreaterThanOrEqual(asked + IDLE_MS);
    expect(kept.json().expiresAt).toBeLessThanOrEqual(h.now() + IDLE_MS);
    h.advance(120_000);
    expect((await h.call('/sso/session', { session: idle })).status).toBe(401);
    expect(await record(idle)).toBeNull();
    expect((await h.call('/sso/session', { session: busy })).status).toBe(200);
    h.advance(-(IDLE_MS + 60_000));
  });

  it('ends a session at the absolute limit however busy it is', async () => {
    const b = await h.tenant([kitUser('sam')]);
    const id = await h.login(b, 'sam');
    let moved = 0;
    while (moved + IDLE_MS / 2 < ABSOLUTE_MS) {
      h.advance(IDLE_MS / 2);
      moved += IDLE_MS / 2;
      const res = await h.call('/sso/session', { session: id });
      expect(res.status).toBe(200);
      expect(res.json().expiresAt).toBeLessThanOrEqual(h.now() - moved + ABSOLUTE_MS);
    }
    h.advance(ABSOLUTE_MS - moved);
    moved = ABSOLUTE_MS;
    expect((await h.call('/sso/session', { session: id })).status).toBe(401);
    h.advance(-moved);
  });

  it('getSession and requireUser read the same sessions from the merchant\'s own back end', async () => {
    const b = await h.tenant([kitUser('tina', { role: 'admin' })]);
    const id = await h.login(b, 'tina');
    const options = defineMerchant({}, { settings: h.settings, store: h.store, clock: h.now }).runtime;
    expect(await getSession(`a=1; kg_session=${id}`, options)).toEqual({
      userName: 'tina', name: 'Name tina', role: 'admin', orgCode: 'org-1', tenantId: b.tenantId, tenantName: `企业 ${b.tenantCode}`, appId: h.appId, expiresAt: expect.any(Number),
    });
    expect(await getSession(undefined, options)).toBeNull();
    expect(await getSession('kg_session=nope', options)).toBeNull();
    await expect(requireUser(`kg_session=${id}`, options)).resolves.toMatchObject({ userName: 'tina' });
    const err = await requireUser('', options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsoError);
    expect(err).toMatchObject({ status: 401, reason: 'no_session' });
    // The library needs no appId, callback or app URL: only the store and the data key.
    const minimal = { settings: { KG_DATA_KEY: h.settings.KG_DATA_KEY }, store: h.store, clock: h.now };
    expect(await getSession(`kg_session=${id}`, minimal)).toMatchObject({ userName: 'tina' });
  });
});
