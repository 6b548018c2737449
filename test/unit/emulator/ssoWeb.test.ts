import { describe, expect, it } from 'vitest';
import { cleared, refusalProblems, sessionCookieProblems } from '../../../infra/emulator/sso/checks';
import { readLoginRedirect } from '../../../infra/emulator/sso/run';
import { CookieJar, type WebAnswer } from '../../../infra/emulator/sso/web';

// The sso scenario's browser pieces: the cookie jar behaves like a browser's, and the checks read the
// contract's shapes.

describe('CookieJar', () => {
  const app = new URL('http://127.0.0.1:8080/sso/callback');
  const idp = new URL('http://127.0.0.1:9090/api/v1/logout');

  it('shares cookies between ports of one host, as browsers do, and matches paths', () => {
    let now = 1_000_000;
    const jar = new CookieJar(() => now);
    jar.store(app, ['kg_session=abc; HttpOnly; SameSite=Lax; Path=/', 'scoped=1; Path=/sso/callback']);
    expect(jar.header(idp)).toBe('kg_session=abc');
    expect(jar.header(new URL('http://127.0.0.1:8080/sso/callback/x'))).toBe('scoped=1; kg_session=abc');
    expect(jar.header(new URL('http://127.0.0.1:8080/sso/callbackx'))).toBe('kg_session=abc');
    expect(jar.header(new URL('http://localhost:8080/'))).toBeUndefined();
    jar.store(app, ['short=1; Max-Age=10; Path=/']);
    now += 11_000;
    expect(jar.get(app, 'short')).toBeUndefined();
  });

  it('removes a cookie on Max-Age=0 or a past Expires, and keeps Secure cookies off plain http except loopback', () => {
    const jar = new CookieJar();
    jar.store(app, ['a=1; Path=/', 'b=2; Path=/']);
    jar.store(app, ['a=; Path=/; Max-Age=0', 'b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(jar.header(app)).toBeUndefined();
    jar.store(app, ['s=1; Secure; Path=/']);
    expect(jar.get(app, 's')?.secure).toBe(true);
    const remote = new URL('http://app.example.com/');
    jar.store(remote, ['t=1; Secure; Path=/']);
    expect(jar.header(remote)).toBeUndefined();
    expect(cleared('a=; Path=/; Max-Age=0')).toBe(true);
    expect(cleared('a=1; Path=/; Max-Age=60')).toBe(false);
  });
});

describe('sso checks', () => {
  it('reads ind and appId after the fragment path, or from the query without a fragment', () => {
    expect(readLoginRedirect('https://macroverse.huaweicloud.com/unified-login/#/portal-login?ind=UNOP&appId=A1')).toEqual({ ind: 'UNOP', appId: 'A1', inFragment: true });
    expect(readLoginRedirect('https://login.example.com/page?ind=UNOP&appId=A2')).toEqual({ ind: 'UNOP', appId: 'A2', inFragment: false });
    // Parameters before the fragment do not count when the page reads them from the fragment.
    expect(readLoginRedirect('https://x.example/unified-login/?ind=UNOP&appId=A3#/portal-login')).toEqual({ inFragment: true });
  });

  it('checks the session cookie attributes, Secure depending on the app URL', () => {
    const good = 'kg_session=' + 'x'.repeat(43) + '; HttpOnly; SameSite=Lax; Path=/';
    expect(sessionCookieProblems(good, 'http://127.0.0.1:8080/demo')).toEqual([]);
    expect(sessionCookieProblems(good, 'https://app.example.com/')).toEqual(['session cookie without Secure']);
    expect(sessionCookieProblems(`${good}; Secure`, 'https://app.example.com/')).toEqual([]);
    expect(sessionCookieProblems('kg_session=short; SameSite=Strict', 'https://app.example.com/')).toEqual([
      'session cookie without HttpOnly', 'session cookie SameSite=Strict instead of Lax', 'session cookie Path=(none) instead of /', 'session cookie without Secure', 'session id of 5 characters (fewer than 256 bits)',
    ]);
  });

  it('checks a refusal: status, JSON reason, no session cookie, no redirect, no stack trace', () => {
    const answer = (status: number, json: Record<string, unknown>, extra: Partial<WebAnswer> = {}): WebAnswer => {
      const text = JSON.stringify(json);
      return { status, headers: { 'content-type': 'application/json' }, rawHeaderNames: [], body: Buffer.from(text), latencyMs: 1, url: 'http://x/', text, json, setCookies: [], ...extra };
    };
    expect(refusalProblems(answer(400, { error: 'invalid_code', message: 'Invalid code' }), 400, 'invalid_code')).toEqual([]);
    expect(refusalProblems(answer(302, { error: 'invalid_code', message: 'm' }, { headers: { 'content-type': 'application/json', location: 'http://x/' }, location: 'http://x/' }), 400, 'invalid_code')).toEqual([
      'HTTP 302 where the contract expects 400', 'a refusal redirects (to http://x/)',
    ]);
    expect(refusalProblems(answer(400, { error: 'other' }, { setCookies: ['kg_session=abc; Path=/'] }), 400, 'invalid_code')).toEqual([
      'reason "other" where the contract expects "invalid_code"', 'message missing', 'a refusal set cookie kg_session',
    ]);
    const stack = answer(400, { error: 'invalid_code', message: 'Error: x\n    at handler (/work/main/shared/sso/x.ts:1:2)' });
    stack.text = 'Error: x\n    at handler (/work/main/shared/sso/x.ts:1:2)';
    expect(refusalProblems(stack, 400, 'invalid_code')).toEqual(['the body shows a stack trace or a source path']);
  });
});
