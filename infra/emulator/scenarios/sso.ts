/**
 * `sso`: single sign-on of a 联营 product end to end (joint-operation-kit-and-sso.md §3, §11; issue 10).
 * Against a fake tenant IdP (started in-process, or `--idp URL` for one started by `kg idp`) whose URL is
 * the tenants' domainName, it syncs tenants, the app's OAuth client (clientSecret RSA-OAEP-encrypted under
 * `--rsa-public-key`) and users through the kit routes, then plays, with a cookie jar per browser: the
 * workbench login (`/sso/login?tenant=`, state), the unified login, /sso/session, renewal with short-lived
 * access tokens and two concurrent renewals, logout (local and at the IdP), and every refusal of the
 * contract: bad or reused code, wrong state, unknown tenant, tenant mismatch, unauthorised, disabled,
 * cancelled and deleted users (sessions included), IdP 500 and IdP slower than 5 s, open redirects,
 * cross-origin logout. Needs `--kit-key`; without `--rsa-public-key` it is reported as skipped.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { ScenarioContext } from '../context';
import { FakeIdpClient, startFakeIdp, type FakeIdp, type IdpEvent, type IdpSetup } from '../fakeIdp/index';
import { newOrderId } from '../ids';
import { applicationBody, authBody, FLAG, tenantBody, type KitBinding } from '../kitBodies';
import { KitMarketplace } from '../kitClient';
import { OK, v2Once, type KitRun } from '../kitSteps';
import { encryptClientSecret, readRsaPublicKey } from '../rsaOaep';
import { bare, cleared, leakProblems, noSessionProblems, pageRefusalProblems, refusalProblems, sessionCookieProblems, sessionProblems, statusProblems, STATE_COOKIE, type ExpectedSession } from '../sso/checks';
import { loginRedirectProblems, readLoginRedirect, SsoRun, type SsoTenant, type SsoUser } from '../sso/run';
import { ACCEPT_JSON, parseSetCookie, type WebAnswer, type WebClient } from '../sso/web';

/** A foreign URL no redirect may go to. */
const FOREIGN = 'https://evil.example/phish';
/** How late the slow fault answers: well past the merchant's 5 s per IdP call. */
const SLOW_MS = 8_000;
/** Access tokens this short are always within the 5-minute renewal window. */
const SHORT_ACCESS_TTL = 60;

interface World {
  /** A buyer's binding (production data). */
  a: SsoTenant & { binding: KitBinding };
  /** The seller's test data (testFlag 1). */
  b: SsoTenant & { binding: KitBinding };
  /** A tenant whose domainName is plain http on a non-loopback host: the merchant must never call it. */
  c: SsoTenant & { binding: KitBinding; domainName: string };
  users: Record<'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'mallory' | 'tina', SsoUser>;
}

function newTenant(label: string, appId: string, instanceId: string, orderId: string, testFlag: 0 | 1): SsoTenant & { binding: KitBinding } {
  const tag = randomBytes(4).toString('hex');
  const tenantId = randomBytes(16).toString('hex');
  const tenantCode = `sso${label}${tag}`;
  const binding: KitBinding = { instanceId, orderId, tenantId, tenantCode, appId, testFlag };
  return { tenantId, tenantCode, name: `SSO 企业 ${label.toUpperCase()} ${tag}`, clientId: `sso-client-${label}-${tag}`, clientSecret: `sso-secret-${randomBytes(18).toString('base64url')}`, binding };
}

function newWorld(appId: string): World {
  const a = newTenant('a', appId, `sso-inst-${randomBytes(6).toString('hex')}`, newOrderId(), 0);
  const b = newTenant('b', appId, '', '', 1);
  const c = { ...newTenant('c', appId, `sso-inst-${randomBytes(6).toString('hex')}`, newOrderId(), 0), domainName: 'http://sso-emulator.invalid' };
  const tag = randomBytes(3).toString('hex');
  const user = (t: SsoTenant, userName: string, name: string, role: 'admin' | 'user'): SsoUser => ({
    tenantId: t.tenantId, userName: `${userName}-${tag}`, password: `pw-${randomBytes(9).toString('base64url')}`, name, role, orgCode: `${t.tenantCode}-rd`,
  });
  return {
    a, b, c,
    users: {
      alice: user(a, 'alice', '张三 Alice', 'admin'),
      bob: user(a, 'bob', '李四 Bob', 'user'),
      carol: user(a, 'carol', '王五 Carol', 'user'),
      dave: user(a, 'dave', '赵六 Dave', 'user'),
      erin: user(a, 'erin', '钱七 Erin', 'user'),
      mallory: user(a, 'mallory', '孙八 Mallory', 'user'),
      tina: user(b, 'tina', '周九 Tina', 'admin'),
    },
  };
}

/** A user as authSync sends it. */
function kitUser(u: SsoUser, enable = true): Record<string, unknown> & { userName: string } {
  return { userName: u.userName, name: u.name, orgCode: u.orgCode, position: '工程师', employeeCode: `E-${u.userName}`, role: u.role, enable: enable ? 'true' : 'false', email: `${u.userName}@example.com` };
}

function idpSetup(world: World, appId: string): IdpSetup {
  const tenant = (t: SsoTenant) => ({ tenantId: t.tenantId, tenantCode: t.tenantCode, name: t.name, clientId: t.clientId, clientSecret: t.clientSecret, appId, faults: null });
  return {
    tenants: [tenant(world.a), tenant(world.b)],
    users: Object.values(world.users).map((u) => ({
      tenantId: u.tenantId, userName: u.userName, password: u.password, name: u.name, role: u.role, organizationCode: u.orgCode, organizationName: '研发部', email: `${u.userName}@example.com`,
    })),
  };
}

function expected(run: SsoRun, world: World, u: SsoUser): ExpectedSession {
  const t = u.tenantId === world.b.tenantId ? world.b : world.a;
  return { userName: u.userName, name: u.name, role: u.role, orgCode: u.orgCode, tenantId: t.tenantId, tenantName: t.name, appId: run.appId };
}

/** Changes the IdP; a failure ends the scenario (every later step depends on it). */
async function setupIdp(run: SsoRun, what: string, setup: IdpSetup): Promise<void> {
  try {
    await run.idp.setup(setup);
  } catch (err) {
    run.ctx.fail(`fake IdP setup: ${what}`, (err as Error).message);
    run.ctx.abort(`fake IdP setup failed: ${what}`);
  }
}

/** The kit calls that put tenants A, B and C, A's and B's users and the OAuth clients at the merchant. */
async function syncKit(run: SsoRun, kit: KitRun, world: World): Promise<boolean> {
  const publicKey = kit.publicKey;
  if (publicKey === undefined) return false;
  const results: boolean[] = [];
  const once = async (name: string, iface: Parameters<typeof v2Once>[2], body: Record<string, unknown>) => results.push((await v2Once(kit, name, iface, body, OK)).pass);
  const { a, b, c, users } = world;
  await once('kit: tenantSync add tenant A (a buyer binding; domainName = the fake IdP)', 'tenantSync', tenantBody(a.binding, FLAG.ADD, a.name, run.idpBase));
  await once('kit: applicationSync add tenant A (clientSecret RSA-OAEP)', 'applicationSync', applicationBody(a.binding, FLAG.ADD, a.clientId, encryptClientSecret(publicKey, a.clientSecret, 'sha256-mgf1-sha1')));
  await once('kit: authSync add alice, bob, carol, dave, erin (not mallory)', 'authSync', authBody(a.binding, FLAG.ADD, [users.alice, users.bob, users.carol, users.dave, users.erin].map((u) => kitUser(u))));
  await once('kit: tenantSync add tenant B (seller test data)', 'tenantSync', tenantBody(b.binding, FLAG.ADD, b.name, run.idpBase));
  await once('kit: applicationSync add tenant B (test data)', 'applicationSync', applicationBody(b.binding, FLAG.ADD, b.clientId, encryptClientSecret(publicKey, b.clientSecret, 'sha256')));
  await once('kit: authSync add tina (test data)', 'authSync', authBody(b.binding, FLAG.ADD, [kitUser(users.tina)]));
  await once('kit: tenantSync add tenant C (domainName plain http on a non-loopback host)', 'tenantSync', tenantBody(c.binding, FLAG.ADD, c.name, c.domainName));
  await once('kit: applicationSync add tenant C', 'applicationSync', applicationBody(c.binding, FLAG.ADD, c.clientId, encryptClientSecret(publicKey, c.clientSecret, 'sha1')));
  return results.every(Boolean);
}

/** A successful callback: 302 to the app URL, one session cookie with the contract's attributes. */
function callbackProblems(run: SsoRun, a: WebAnswer): string[] {
  const problems = statusProblems(a, 302);
  if (problems.length > 0) return a.json && typeof a.json.error === 'string' ? [...problems, `reason "${a.json.error}"`] : problems;
  if (!a.location) return ['no Location'];
  if (run.appUrl && a.location !== run.appUrl) problems.push(`redirects to ${bare(a.location)} instead of the app URL ${bare(run.appUrl)}`);
  if (a.location.startsWith(FOREIGN)) problems.push('redirects to a foreign URL from the request');
  const started = a.setCookies.filter((h) => {
    const c = parseSetCookie(h);
    return c !== undefined && c.name !== STATE_COOKIE && c.value !== '' && !cleared(h);
  });
  if (started.length !== 1) return [...problems, `${started.length} session cookies set instead of one`];
  const header = started[0] ?? '';
  problems.push(...sessionCookieProblems(header, run.appUrl || a.location));
  return problems;
}

/** Learns the app URL and the session cookie name from the first successful callback. */
function learnFromCallback(run: SsoRun, a: WebAnswer): void {
  if (!run.appUrl && a.location) run.appUrl = a.location;
  const started = a.setCookies.map((h) => parseSetCookie(h)).find((c) => c !== undefined && c.name !== STATE_COOKIE && c.value !== '');
  if (started) run.cookieName = started.name;
}

/** A callback that must succeed, recorded as `name`; resolves to whether it did. */
async function callbackStep(run: SsoRun, name: string, web: WebClient, callbackUrl: string | undefined): Promise<boolean> {
  if (callbackUrl === undefined) return false;
  const { a, pass } = await run.step(name, ['302 to the app with a session cookie'], () => run.callback(web, callbackUrl), (ans) => {
    learnFromCallback(run, ans);
    return callbackProblems(run, ans);
  });
  return pass && a.status === 302;
}

async function sessionStep(run: SsoRun, world: World, name: string, web: WebClient, u: SsoUser, extra?: (a: WebAnswer) => Promise<string[]>): Promise<boolean> {
  const { pass } = await run.step(name, ['200 session JSON'], () => run.session(web), async (a) => [...sessionProblems(a, expected(run, world, u)), ...(extra ? await extra(a) : [])]);
  return pass;
}

async function noSessionStep(run: SsoRun, name: string, web: WebClient): Promise<boolean> {
  return (await run.step(name, ['401 no_session'], () => run.session(web), noSessionProblems)).pass;
}

/** A callback that must be refused with `status` and `reason` (JSON asked for). */
async function refusedCallback(run: SsoRun, name: string, web: WebClient, callbackUrl: string | undefined, status: number, reason: string, extra?: (a: WebAnswer) => string[]): Promise<void> {
  if (callbackUrl === undefined) return;
  await run.step(name, [`${status} ${reason}`], () => run.callback(web, callbackUrl, true), (a) => [...refusalProblems(a, status, reason), ...(extra ? extra(a) : [])]);
}

/** Unified login of `u` in a fresh browser up to the callback URL. */
function freshUnified(run: SsoRun, label: string, u: SsoUser): Promise<string | undefined> {
  return run.unifiedCallback(run.browser(), label, u);
}

function refreshes(events: IdpEvent[], tenantId: string): { ok: number; refused: number } {
  const mine = events.filter((e) => e.endpoint === 'token' && e.grant === 'refresh_token' && e.tenantId === tenantId);
  return { ok: mine.filter((e) => e.status === 200).length, refused: mine.filter((e) => e.status !== 200).length };
}

async function workbench(run: SsoRun, world: World): Promise<WebClient> {
  const { alice } = world.users;
  const web = run.browser();
  const { a: start, pass } = await run.step(
    'workbench: GET /sso/login?tenant=A: 302 to {domainName}/api/v1/oauth2/authorize with client_id, redirect_uri, response_type, scope, state',
    ['302 to the tenant authorize'],
    () => web.get(run.route('sso/login', { tenant: world.a.tenantId })),
    (a) => {
      const problems = statusProblems(a, 302);
      if (problems.length > 0 || !a.location) return [...problems, ...(a.location ? [] : ['no Location'])];
      const to = new URL(a.location);
      if (`${to.origin}${to.pathname}` !== `${run.idpBase}/api/v1/oauth2/authorize`) problems.push(`redirects to ${bare(a.location)} instead of ${run.idpBase}/api/v1/oauth2/authorize`);
      const q = to.searchParams;
      if (q.get('client_id') !== world.a.clientId) problems.push('client_id is not the clientId synced by applicationSync');
      if (q.get('response_type') !== 'code') problems.push('response_type is not code');
      if (q.get('scope') !== 'get_user_info') problems.push('scope is not get_user_info');
      if ((q.get('state') ?? '').length < 16) problems.push('state missing or shorter than 16 characters');
      const redirectUri = q.get('redirect_uri') ?? '';
      try {
        const cb = new URL(redirectUri);
        if (cb.protocol !== 'https:' && cb.protocol !== 'http:') problems.push('redirect_uri is not http(s)');
        if (cb.hash) problems.push('redirect_uri has a # (not allowed for a callback)');
      } catch {
        problems.push('redirect_uri missing or not a URL');
      }
      const state = a.setCookies.map((h) => ({ h, c: parseSetCookie(h) })).find((x) => x.c?.name === STATE_COOKIE);
      if (!state) problems.push(`no ${STATE_COOKIE} cookie binding the state to the browser`);
      else if (!state.c?.attributes.has('httponly')) problems.push(`${STATE_COOKIE} without HttpOnly`);
      return problems;
    },
  );
  const redirectUri = start.location ? new URL(start.location).searchParams.get('redirect_uri') : null;
  if (!pass || !redirectUri) run.ctx.abort('the workbench login redirect is unusable: the callback URL is unknown');
  run.callbackUrl = redirectUri;
  await setupIdp(run, 'register the app credential and its callback', { apps: [{ appId: run.appId, callbackUrl: run.callbackUrl }] });

  // The rest of the first login, hop by hop: the IdP's form, the credentials, back to the callback.
  const authorize = await web.get(start.location ?? '');
  if (!run.hop('workbench: fake IdP authorize shows the login form', ['200'], authorize, statusProblems(authorize, 200))) run.ctx.abort('the fake IdP refused the authorize redirect');
  const params = new URL(start.location ?? '').searchParams;
  const form: Record<string, string> = { userName: alice.userName, password: alice.password };
  for (const k of ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']) if (params.get(k) !== null) form[k] = params.get(k) ?? '';
  const login = await web.post(`${run.idpBase}/api/v1/oauth2/authorize`, form);
  const back = login.location ? new URL(login.location) : undefined;
  const loginProblems = statusProblems(login, 302);
  if (back && back.searchParams.get('state') !== params.get('state')) loginProblems.push('the IdP did not return the state');
  if (!run.hop('workbench: fake IdP login as alice', ['302 to the callback'], login, loginProblems)) run.ctx.abort('the fake IdP login failed');

  const first = await callbackStep(run, 'workbench: GET /sso/callback (code, state, tenant): a session cookie (HttpOnly, SameSite=Lax, Path=/), 302 to the app', web, login.location);
  if (!first) run.ctx.abort('the first login failed: nothing after it can be checked');
  const firstId = run.sessionId(web);
  await sessionStep(run, world, 'workbench: GET /sso/session shows alice as authSync synced her (tenantName as tenantSync named it)', web, alice);

  const again = await run.workbenchCallback(web, 'workbench again', world.a.tenantId, alice);
  if (again !== undefined) {
    if (!new URL(again).searchParams.has('code')) run.ctx.fail('workbench again: fake IdP', 'the IdP session did not send the browser straight back with a code');
    await run.step('workbench again (IdP session, no form): GET /sso/callback gives a new session id', ['302 with a new session id'], () => run.callback(web, again), (a) => {
      const problems = callbackProblems(run, a);
      const now = run.sessionId(web);
      if (problems.length === 0 && (now === undefined || now === firstId)) problems.push('the session id did not change at the new login');
      return problems;
    });
    await sessionStep(run, world, 'workbench again: GET /sso/session', web, alice);
  }
  return web;
}

async function unified(run: SsoRun, world: World): Promise<WebClient> {
  const { alice, tina } = world.users;
  const web = run.browser();
  const cb = await run.unifiedCallback(web, 'unified login', alice);
  if (cb !== undefined && (new URL(cb).searchParams.get('tenant') !== world.a.tenantId || new URL(cb).searchParams.has('state'))) run.ctx.fail('unified login: fake IdP', 'the callback does not carry tenant A (and no state)');
  await callbackStep(run, 'unified login: GET /sso/callback (code, tenant; no state): 302 to the app', web, cb);
  await sessionStep(run, world, 'unified login: GET /sso/session shows alice', web, alice);
  await refusedCallback(run, 'unified login: the same code again (another browser): 400 invalid_code', run.browser(), cb, 400, 'invalid_code');

  const tinaWeb = run.browser();
  const tinaCb = await run.unifiedCallback(tinaWeb, 'seller test data', tina);
  const withExtras = tinaCb === undefined ? undefined : (() => {
    const u = new URL(tinaCb);
    for (const k of ['redirect', 'redirect_uri', 'next', 'returnUrl']) u.searchParams.set(k, FOREIGN);
    return u.toString();
  })();
  await callbackStep(run, 'seller test data (tenant B): GET /sso/callback with redirect=<foreign URL> parameters still lands on the app', tinaWeb, withExtras);
  await sessionStep(run, world, 'seller test data (tenant B): GET /sso/session shows tina of tenant B', tinaWeb, tina);
  return web;
}

async function refusals(run: SsoRun, world: World): Promise<void> {
  const { alice, bob, mallory } = world.users;
  const A = world.a.tenantId;
  const json = (query: Record<string, string>) => () => run.browser().get(run.route('sso/callback', query), { accept: ACCEPT_JSON });
  const fakeCode = () => randomBytes(18).toString('base64url');
  await run.step('refusal: callback without code: 400 bad_request', ['400 bad_request'], json({ tenant: A }), (a) => refusalProblems(a, 400, 'bad_request'));
  await run.step('refusal: callback without tenant: 400 bad_request', ['400 bad_request'], json({ code: fakeCode() }), (a) => refusalProblems(a, 400, 'bad_request'));
  await run.step('refusal: callback with an unknown code: 400 invalid_code', ['400 invalid_code'], json({ code: fakeCode(), tenant: A }), (a) => refusalProblems(a, 400, 'invalid_code'));
  await run.step('refusal: callback with an unknown code, to a browser: an HTML page naming invalid_code, no stack trace', ['400 page'], () => run.browser().get(run.route('sso/callback', { code: fakeCode(), tenant: A })), (a) => pageRefusalProblems(a, 400, 'invalid_code'));
  await run.step('refusal: callback for an unknown tenant: 403 unknown_tenant', ['403 unknown_tenant'], json({ code: fakeCode(), tenant: randomBytes(16).toString('hex') }), (a) => refusalProblems(a, 403, 'unknown_tenant'));
  await run.step('refusal: GET /sso/login?tenant=<unknown> refuses without redirecting', ['4xx, no Location'], () => run.browser().get(run.route('sso/login', { tenant: randomBytes(16).toString('hex') }), { accept: ACCEPT_JSON }), (a) => [
    ...(a.status >= 400 && a.status < 500 ? [] : [`HTTP ${a.status} instead of a 4xx refusal`]),
    ...(a.headers.location ? [`redirects to ${bare(a.location)}`] : []),
    ...leakProblems(a),
  ]);

  // Wrong state: a real code and state from the workbench flow, with the state changed.
  const web = run.browser();
  const cb = await run.workbenchCallback(web, 'wrong state', A, bob);
  const tampered = cb === undefined ? undefined : (() => {
    const u = new URL(cb);
    u.searchParams.set('state', `${u.searchParams.get('state') ?? ''}x`);
    return u.toString();
  })();
  await refusedCallback(run, 'refusal: callback with a wrong state: 400 bad_state', web, tampered, 400, 'bad_state');
  await refusedCallback(run, 'refusal: callback with its state from another browser (no state cookie): 400 bad_state', run.browser(), cb, 400, 'bad_state');

  await setupIdp(run, 'userinfo names another tenant', { tenants: [{ tenantId: A, faults: { userinfo: 'wrong-tenant' } }] });
  await refusedCallback(run, 'refusal: userinfo names another tenant than the callback: 403 tenant_mismatch', run.browser(), await freshUnified(run, 'tenant mismatch', alice), 403, 'tenant_mismatch');
  await setupIdp(run, 'token endpoint answers 500', { tenants: [{ tenantId: A, faults: { token: 'error' } }] });
  await refusedCallback(run, 'refusal: the IdP token endpoint answers 500: 502 idp_error', run.browser(), await freshUnified(run, 'IdP 500', alice), 502, 'idp_error');
  await setupIdp(run, 'userinfo answers 500', { tenants: [{ tenantId: A, faults: { userinfo: 'error' } }] });
  await refusedCallback(run, 'refusal: the IdP userinfo answers 500: 502 idp_error', run.browser(), await freshUnified(run, 'userinfo 500', alice), 502, 'idp_error');
  await setupIdp(run, 'token endpoint slower than 5 s', { tenants: [{ tenantId: A, faults: { token: 'slow', slowMs: SLOW_MS } }] });
  await refusedCallback(run, 'refusal: the IdP token endpoint slower than 5 s: 504 idp_timeout', run.browser(), await freshUnified(run, 'IdP slow', alice), 504, 'idp_timeout', (a) =>
    a.latencyMs >= SLOW_MS - 500 ? [`answered after ${Math.round(a.latencyMs)} ms: the merchant waited for the IdP instead of giving up at 5 s`] : []);
  await setupIdp(run, 'clear the faults', { tenants: [{ tenantId: A, faults: null }] });

  await refusedCallback(run, 'refusal: a user at the IdP never authorised by authSync (mallory): 403 not_authorized', run.browser(), await freshUnified(run, 'unauthorised user', mallory), 403, 'not_authorized');

  const C = world.c.tenantId;
  await run.step('refusal: tenant C (domainName http on a non-loopback host): GET /sso/login?tenant=C does not send the browser there', ['4xx/5xx, no Location to it'], () => run.browser().get(run.route('sso/login', { tenant: C }), { accept: ACCEPT_JSON }), (a) => [
    ...(a.status >= 400 ? [] : [`HTTP ${a.status} instead of a refusal`]),
    ...((a.location ?? '').startsWith(world.c.domainName) ? ['redirects to the plain-http domainName'] : []),
    ...leakProblems(a),
  ]);
  await run.step('refusal: tenant C (domainName http on a non-loopback host): GET /sso/callback is refused', ['4xx/5xx'], json({ code: fakeCode(), tenant: C }), (a) => [
    ...(a.status >= 400 ? [] : [`HTTP ${a.status} instead of a refusal`]),
    ...(typeof a.json?.error === 'string' ? [] : ['no reason code']),
    ...(a.setCookies.some((h) => parseSetCookie(h)?.name === run.cookieName && !cleared(h)) ? ['a session cookie was set'] : []),
    ...leakProblems(a),
  ]);
}

/** A user logged in, then changed by authSync: the session ends at once and a new login is refused. */
async function authSyncChange(run: SsoRun, kit: KitRun, world: World, u: SsoUser, label: string, flag: number, enable: boolean, reason: string): Promise<void> {
  const web = run.browser();
  await callbackStep(run, `${label}: logs in`, web, await run.unifiedCallback(web, label, u));
  await sessionStep(run, world, `${label}: GET /sso/session before the authSync change`, web, u);
  const what = flag === FLAG.MODIFY ? 'modify with enable "false" (flag 2)' : flag === FLAG.CANCEL ? 'cancel authorisation (flag 3)' : 'delete (flag 0)';
  await v2Once(kit, `kit: authSync ${what} of ${label}`, 'authSync', authBody(world.a.binding, flag, [kitUser(u, enable)]), OK);
  await noSessionStep(run, `${label}: GET /sso/session after authSync ${what}: the session is gone (401 no_session)`, web);
  await refusedCallback(run, `${label}: logging in again after authSync ${what}: 403 ${reason}`, run.browser(), await freshUnified(run, `${label} again`, u), 403, reason);
}

async function renewal(run: SsoRun, world: World): Promise<void> {
  const { bob } = world.users;
  const A = world.a.tenantId;
  await setupIdp(run, `access tokens of ${SHORT_ACCESS_TTL} s`, { tenants: [{ tenantId: A, accessTokenTtlSeconds: SHORT_ACCESS_TTL }] });
  const web = run.browser();
  const loggedIn = await callbackStep(run, `renewal: bob logs in (the IdP issues access tokens of ${SHORT_ACCESS_TTL} s)`, web, await run.unifiedCallback(web, 'renewal', bob));
  if (loggedIn) {
    const m0 = await run.mark();
    await sessionStep(run, world, 'renewal: GET /sso/session renews the expiring access token with the refresh token', web, bob, async () => {
      const r = refreshes(await run.events(m0), A);
      return [...(r.ok >= 1 ? [] : ['the IdP saw no successful refresh_token grant (the token expires within 5 minutes)']), ...(r.refused > 0 ? [`${r.refused} refresh_token grants refused by the IdP`] : [])];
    });
    const m1 = await run.mark();
    const t0 = performance.now();
    const pair = await Promise.all([run.session(web), run.session(web)]);
    const problems = pair.flatMap((a, i) => sessionProblems(a, expected(run, world, bob)).map((p) => `request ${i + 1}: ${p}`));
    const r = refreshes(await run.events(m1), A);
    if (r.ok < 1) problems.push('the IdP saw no successful refresh_token grant');
    run.ctx.record('renewal: two concurrent GET /sso/session on one session both answer 200 (one renewal wins, the other uses its result)', ['200 and 200'], {
      actual: pair.map((a) => String(a.status)).join(' and '), httpStatus: pair[0]?.status ?? 0, latencyMs: Math.round((performance.now() - t0) * 10) / 10, problems,
    });
    const m2 = await run.mark();
    await sessionStep(run, world, 'renewal: GET /sso/session after the concurrent renewals renews again with the stored refresh token', web, bob, async () => {
      const after = refreshes(await run.events(m2), A);
      return [...(after.ok >= 1 ? [] : ['no successful refresh_token grant: the stored refresh token is not the live one']), ...(after.refused > 0 ? [`${after.refused} refresh_token grants refused by the IdP (a spent refresh token was kept)`] : [])];
    });
  }
  await setupIdp(run, 'access tokens back to 7200 s', { tenants: [{ tenantId: A, accessTokenTtlSeconds: 7_200 }] });
}

async function logout(run: SsoRun, world: World, workbenchWeb: WebClient, unifiedWeb: WebClient): Promise<void> {
  const { alice } = world.users;
  const logoutUrl = run.route('sso/logout');
  const idpLogout = `${run.idpBase}/api/v1/logout`;

  await run.step('logout: POST /sso/logout with a foreign Origin: 403 bad_origin', ['403 bad_origin'], () => workbenchWeb.post(logoutUrl, undefined, { accept: ACCEPT_JSON, headers: { Origin: 'https://evil.example' } }), (a) => refusalProblems(a, 403, 'bad_origin'));
  await run.step('logout: POST /sso/logout with a foreign Referer and no Origin: 403 bad_origin', ['403 bad_origin'], () => workbenchWeb.post(logoutUrl, undefined, { accept: ACCEPT_JSON, headers: { Referer: 'https://evil.example/page' } }), (a) => refusalProblems(a, 403, 'bad_origin'));
  await sessionStep(run, world, 'logout: the session survives the refused logouts', workbenchWeb, alice);

  // GET (a link) with a foreign redirect: the allow-list's first entry is used instead.
  await run.step('logout: GET /sso/logout?redirect=<foreign URL> clears the session and goes to the IdP logout with the default redirect', ['302 to {domainName}/api/v1/logout'], () => unifiedWeb.get(run.route('sso/logout', { redirect: FOREIGN })), (a) => {
    const problems = statusProblems(a, 302);
    if (problems.length > 0 || !a.location) return [...problems, ...(a.location ? [] : ['no Location'])];
    const to = new URL(a.location);
    if (`${to.origin}${to.pathname}` !== idpLogout) problems.push(`redirects to ${bare(a.location)} instead of ${idpLogout}`);
    const target = to.searchParams.get('redirect_url') ?? '';
    if (target.startsWith(FOREIGN)) problems.push('redirect_url is the foreign URL asked for (open redirect)');
    try {
      if (!/^https?:$/.test(new URL(target).protocol)) problems.push('redirect_url is not http(s)');
      else run.logoutDefault = target;
    } catch {
      problems.push('redirect_url missing or not a URL');
    }
    if (!a.setCookies.some((h) => parseSetCookie(h)?.name === run.cookieName && (cleared(h) || parseSetCookie(h)?.value === ''))) problems.push(`${run.cookieName} is not cleared`);
    return problems;
  });
  await noSessionStep(run, 'logout: GET /sso/session after GET /sso/logout: 401 no_session', unifiedWeb);

  const oldId = run.sessionId(workbenchWeb);
  const { a: out } = await run.step('logout: POST /sso/logout (same origin): clears the session cookie, 302 to {domainName}/api/v1/logout?redirect_url=', ['302 to the IdP logout'], () => workbenchWeb.post(logoutUrl, undefined, { headers: { Origin: run.appOrigin } }), (a) => {
    const problems = statusProblems(a, 302);
    if (problems.length > 0 || !a.location) return [...problems, ...(a.location ? [] : ['no Location'])];
    const to = new URL(a.location);
    if (`${to.origin}${to.pathname}` !== idpLogout) problems.push(`redirects to ${bare(a.location)} instead of ${idpLogout}`);
    const target = to.searchParams.get('redirect_url');
    if (run.logoutDefault && target !== run.logoutDefault) problems.push('redirect_url is not the default post-logout URL');
    if ((run.sessionId(workbenchWeb) ?? '') !== '') problems.push(`${run.cookieName} is not cleared`);
    return problems;
  });
  const replay = run.browser();
  if (oldId !== undefined) replay.jar.put(new URL(run.route('sso/session')), run.cookieName, oldId);
  await noSessionStep(run, 'logout: the old session id no longer works (deleted at the server, not only the cookie): 401 no_session', replay);

  const m = await run.mark();
  await run.step('logout: the fake IdP logout ends the IdP session and returns to the post-logout URL', ['302 to redirect_url'], () => workbenchWeb.get(out.location ?? idpLogout), async (a) => {
    const problems = statusProblems(a, 302);
    if (run.logoutDefault && a.location !== run.logoutDefault) problems.push(`the IdP returned to ${bare(a.location)}`);
    const ended = (await run.events(m)).some((e) => e.endpoint === 'logout' && e.tenantId === world.a.tenantId);
    if (!ended) problems.push('the IdP ended no session of tenant A (the browser came without its IdP session?)');
    return problems;
  });
  await run.step('logout: after it, the tenant authorize asks for the password again', ['200 login form'], async () => {
    const start = await workbenchWeb.get(run.route('sso/login', { tenant: world.a.tenantId }));
    return start.location ? workbenchWeb.get(start.location) : start;
  }, (a) => statusProblems(a, 200));

  const anon = () => run.browser();
  await run.step('logout: GET /sso/logout without a session: 302 straight to the default post-logout URL', ['302 to the default redirect'], () => anon().get(logoutUrl), (a) =>
    [...statusProblems(a, 302), ...(run.logoutDefault && a.location !== run.logoutDefault ? [`redirects to ${bare(a.location)}`] : [])]);
  if (run.logoutDefault) {
    await run.step('logout: GET /sso/logout?redirect=<allowed URL> without a session: 302 there', ['302 to the allowed URL'], () => anon().get(run.route('sso/logout', { redirect: run.logoutDefault })), (a) =>
      [...statusProblems(a, 302), ...(a.location !== run.logoutDefault ? [`redirects to ${bare(a.location)}`] : [])]);
  }
  await run.step('logout: GET /sso/logout?redirect=<foreign URL> without a session: not there', ['302 to the default redirect'], () => anon().get(run.route('sso/logout', { redirect: FOREIGN })), (a) =>
    [...statusProblems(a, 302), ...((a.location ?? '').startsWith(FOREIGN) ? ['redirects to the foreign URL (open redirect)'] : [])]);

  await noSessionStep(run, 'session: GET /sso/session without a cookie: 401 no_session', run.browser());
  const forged = run.browser();
  forged.jar.put(new URL(run.route('sso/session')), run.cookieName, randomBytes(32).toString('base64url'));
  await noSessionStep(run, 'session: GET /sso/session with a forged session id: 401 no_session', forged);
}

async function tenantRemoval(run: SsoRun, kit: KitRun, world: World): Promise<void> {
  const { tina } = world.users;
  const web = run.browser();
  await callbackStep(run, 'tenant removal: tina (tenant B) logs in', web, await run.unifiedCallback(web, 'tenant removal', tina));
  await v2Once(kit, 'kit: tenantSync delete tenant B (test data)', 'tenantSync', tenantBody(world.b.binding, FLAG.DELETE, world.b.name, run.idpBase), OK);
  await noSessionStep(run, 'tenant removal: GET /sso/session after tenantSync removed tenant B: 401 no_session', web);
  await refusedCallback(run, 'tenant removal: callback for the removed tenant: 403 unknown_tenant', run.browser(), await freshUnified(run, 'tenant removal again', tina), 403, 'unknown_tenant');
}

async function play(run: SsoRun, kit: KitRun): Promise<void> {
  const ctx: ScenarioContext = run.ctx;
  const { a: start, pass } = await run.step('GET /sso/login: 302 to the unified login page with ind=UNOP&appId (after the fragment path)', ['302 ind=UNOP&appId'], () => run.browser().get(run.route('sso/login')), loginRedirectProblems);
  const appId = readLoginRedirect(start.location ?? '').appId;
  if (!pass || !appId) ctx.abort('no appId from GET /sso/login');
  run.appId = appId;
  await run.step('GET /sso/login?redirect=<foreign URL> still goes to the unified login page', ['302 to the unified login page'], () => run.browser().get(run.route('sso/login', { redirect: FOREIGN, next: FOREIGN })), (a) =>
    [...loginRedirectProblems(a), ...((a.location ?? '').startsWith(FOREIGN) ? ['redirects to the foreign URL (open redirect)'] : [])]);

  const world = newWorld(appId);
  await setupIdp(run, 'tenants A and B and their users', idpSetup(world, appId));
  if (!(await syncKit(run, kit, world))) ctx.abort('the kit sync failed: SSO has nothing to log in to');

  const workbenchWeb = await workbench(run, world);
  const unifiedWeb = await unified(run, world);
  await refusals(run, world);
  await authSyncChange(run, kit, world, world.users.carol, 'carol', FLAG.MODIFY, false, 'user_disabled');
  await authSyncChange(run, kit, world, world.users.dave, 'dave', FLAG.CANCEL, true, 'not_authorized');
  await authSyncChange(run, kit, world, world.users.erin, 'erin', FLAG.DELETE, true, 'not_authorized');
  await renewal(run, world);
  await logout(run, world, workbenchWeb, unifiedWeb);
  await tenantRemoval(run, kit, world);
  await v2Once(kit, 'kit: tenantSync delete tenant A (clean-up)', 'tenantSync', tenantBody(world.a.binding, FLAG.DELETE, world.a.name, run.idpBase), OK);
  await v2Once(kit, 'kit: tenantSync delete tenant C (clean-up)', 'tenantSync', tenantBody(world.c.binding, FLAG.DELETE, world.c.name, world.c.domainName), OK);
}

/** Runs the scenario. */
export async function sso(ctx: ScenarioContext): Promise<void> {
  const { kitKey, rsaPublicKey, url, timeoutMs, idpUrl } = ctx.options;
  if (!kitKey) {
    ctx.fail('kit key', 'no kit key given (--kit-key, the 联营SaaS同步接口 key): sso syncs its tenants through the kit');
    return;
  }
  if (rsaPublicKey === undefined) {
    ctx.skip('sso', 'not played: needs --rsa-public-key (the tenant OAuth clientSecret reaches the merchant RSA-OAEP-encrypted)');
    return;
  }
  const kit: KitRun = { ctx, kit: new KitMarketplace(url, kitKey, timeoutMs), publicKey: readRsaPublicKey(rsaPublicKey) };
  let started: FakeIdp | undefined;
  if (idpUrl === undefined) started = await startFakeIdp({ slowMs: SLOW_MS });
  try {
    const run = new SsoRun(ctx, new FakeIdpClient(idpUrl ?? started?.url ?? '', timeoutMs), timeoutMs);
    await play(run, kit);
  } finally {
    await started?.close();
  }
}
