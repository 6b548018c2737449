import { describe, expect, it } from 'vitest';
import { readCookie, setCookie, clearCookie } from '../../../shared/sso/cookies';
import { ssoRouteOf } from '../../../shared/sso/routes';
import { isLoopbackHost } from '../../../shared/platform/loopback';
import { idpBase, idpEndpoint, unifiedLoginUrl, webUrl } from '../../../shared/sso/urls';
import { fromOrigin, logoutRedirect } from '../../../shared/sso/logoutRoutes';
import type { HttpRequest } from '../../../shared/platform/apig';

describe('unifiedLoginUrl', () => {
  it.each([
    ['https://macroverse.huaweicloud.com/unified-login/#/portal-login', 'a1', 'https://macroverse.huaweicloud.com/unified-login/#/portal-login?ind=UNOP&appId=a1'],
    ['https://idp.example.com/login/#/p?lang=zh', 'a 1', 'https://idp.example.com/login/#/p?lang=zh&ind=UNOP&appId=a%201'],
    ['http://127.0.0.1:9000/unified-login/', 'a&b', 'http://127.0.0.1:9000/unified-login/?ind=UNOP&appId=a%26b'],
    ['https://idp.example.com/login?x=1', 'a1', 'https://idp.example.com/login?x=1&ind=UNOP&appId=a1'],
  ])('%s + appId %s -> %s', (page, appId, expected) => {
    expect(unifiedLoginUrl(page, appId)).toBe(expected);
  });
});

describe('idpBase and webUrl: https, http only for loopback', () => {
  it.each([
    ['https://idp.example.com', 'https://idp.example.com/'],
    ['https://idp.example.com/tenant-a/', 'https://idp.example.com/tenant-a/'],
    ['idp.example.com', 'https://idp.example.com/'],
    ['http://127.0.0.1:8099', 'http://127.0.0.1:8099/'],
    ['http://localhost:8099', 'http://localhost:8099/'],
    ['http://[::1]:8099', 'http://[::1]:8099/'],
  ])('accepts %s', (domain, href) => {
    expect(idpBase(domain)?.href).toBe(href);
  });

  it.each(['', 'http://idp.example.com', 'http://10.0.0.1', 'ftp://idp.example.com', 'https://u:p@idp.example.com', 'https://idp.example.com/?x=1', 'https://idp.example.com/#f', 'http://127.0.0.1.evil.example', 'file:///etc/passwd'])(
    'refuses %j', (domain) => {
      expect(idpBase(domain)).toBeUndefined();
    },
  );

  it('joins endpoints under a base path', () => {
    expect(idpEndpoint(new URL('https://idp.example.com/t/'), '/api/v1/oauth2/token').href).toBe('https://idp.example.com/t/api/v1/oauth2/token');
    expect(idpEndpoint(new URL('https://idp.example.com'), '/api/v1/logout').href).toBe('https://idp.example.com/api/v1/logout');
  });

  it.each([['localhost', true], ['127.1.2.3', true], ['[::1]', true], ['example.com', false], ['127.0.0.1.nip.io', false]])('isLoopbackHost(%s) = %s', (host, yes) => {
    expect(isLoopbackHost(host)).toBe(yes);
  });

  it('webUrl refuses relative and credentialed URLs', () => {
    expect(webUrl('/x')).toBeUndefined();
    expect(webUrl('https://a@b.example')).toBeUndefined();
  });
});

describe('cookies', () => {
  it.each([
    ['kg_session=abc', 'abc'],
    ['a=1; kg_session=abc; b=2', 'abc'],
    ['a=1;kg_session="abc"', 'abc'],
    ['kg_session=first; kg_session=second', 'first'],
    ['xkg_session=no; a=1', undefined],
    ['a=1, kg_session=joined', 'joined'],
    ['', undefined],
  ])('readCookie(%j) = %j', (header, value) => {
    expect(readCookie(header, 'kg_session')).toBe(value);
  });

  it('writes HttpOnly; Secure; SameSite=Lax; Path=/ and clears with Max-Age=0', () => {
    expect(setCookie('kg_session', 'v', { secure: true })).toBe('kg_session=v; HttpOnly; Secure; SameSite=Lax; Path=/');
    expect(setCookie('kg_sso_state', 'v', { secure: false, maxAgeS: 600 })).toBe('kg_sso_state=v; HttpOnly; SameSite=Lax; Path=/; Max-Age=600');
    expect(clearCookie('kg_session', { secure: true })).toBe('kg_session=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  });
});

describe('ssoRouteOf', () => {
  it.each([
    ['/sso/login', 'login'], ['/sso/callback/', 'callback'], ['/prefix/sso/session', 'session'], ['/sso/logout', 'logout'],
    ['/xsso/login', undefined], ['/sso/login/more', undefined], ['/', undefined],
  ])('%s -> %s', (path, route) => {
    expect(ssoRouteOf(path)).toBe(route);
  });
});

describe('logout rules', () => {
  const allowed = ['https://app.example.com/login', 'https://app.example.com/bye?x=1'];
  it.each([
    [undefined, allowed[0]],
    ['https://app.example.com/bye?x=1', allowed[1]],
    ['https://APP.example.com:443/bye?x=1', allowed[1]],
    ['https://app.example.com/bye?x=2', allowed[0]],
    ['https://evil.example/', allowed[0]],
    ['/login', allowed[0]],
  ])('redirect %j -> %s', (asked, expected) => {
    expect(logoutRedirect(asked, allowed)).toBe(expected);
  });

  const req = (headers: Record<string, string>): HttpRequest => ({ method: 'POST', path: '/sso/logout', headers, query: {}, body: Buffer.alloc(0), requestId: '' });
  it.each([
    [{ origin: 'https://app.example.com' }, true],
    [{ origin: 'HTTPS://APP.EXAMPLE.COM' }, true],
    [{ origin: 'https://app.example.com:8443' }, false],
    [{ origin: 'https://app.example.com', referer: 'https://evil.example/' }, true],
    [{ origin: 'https://evil.example', referer: 'https://app.example.com/' }, false],
    [{ referer: 'https://app.example.com/x?y' }, true],
    [{ referer: 'not a url' }, false],
    [{}, false],
  ])('fromOrigin(%j) = %s', (headers, yes) => {
    expect(fromOrigin(req(headers), 'https://app.example.com')).toBe(yes);
  });
});
