import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/core/errors';
import { loadConfig } from '../../../shared/platform/config';
import { sessionSettings, ssoSettings } from '../../../shared/sso/settings';

const BASE = {
  KG_SSO_APP_ID: 'app-1',
  KG_SSO_CALLBACK_URL: 'https://app.example.com/sso/callback',
  KG_SSO_APP_URL: 'https://app.example.com/',
};
const config = (settings: Record<string, string>) => loadConfig((k) => settings[k]);

describe('ssoSettings', () => {
  it('reads the defaults of the contract', () => {
    expect(ssoSettings(config(BASE))).toEqual({
      appId: 'app-1',
      loginPageUrl: 'https://macroverse.huaweicloud.com/unified-login/#/portal-login',
      callbackUrl: 'https://app.example.com/sso/callback',
      appUrl: 'https://app.example.com/',
      appOrigin: 'https://app.example.com',
      logoutRedirects: ['https://app.example.com/'],
      secureCookie: true,
      idleMs: 1_800_000,
      absoluteMs: 43_200_000,
      idpTimeoutMs: 5000,
      cookieName: 'kg_session',
    });
  });

  it('drops Secure only for an http loopback app, and lists the logout redirects in order', () => {
    const s = ssoSettings(config({ ...BASE, KG_SSO_APP_URL: 'http://127.0.0.1:8080/app', KG_SSO_CALLBACK_URL: 'http://127.0.0.1:8080/sso/callback', KG_SSO_LOGOUT_REDIRECTS: 'http://127.0.0.1:8080/bye, https://app.example.com/login' }));
    expect(s.secureCookie).toBe(false);
    expect(s.logoutRedirects).toEqual(['http://127.0.0.1:8080/bye', 'https://app.example.com/login']);
  });

  it.each([
    ['KG_SSO_APP_ID', { KG_SSO_APP_ID: '' }, /missing setting KG_SSO_APP_ID/],
    ['KG_SSO_CALLBACK_URL', { KG_SSO_CALLBACK_URL: '' }, /missing setting KG_SSO_CALLBACK_URL/],
    ['KG_SSO_CALLBACK_URL', { KG_SSO_CALLBACK_URL: 'http://app.example.com/sso/callback' }, /invalid setting KG_SSO_CALLBACK_URL: an absolute https URL/],
    ['KG_SSO_CALLBACK_URL', { KG_SSO_CALLBACK_URL: 'https://app.example.com/#/cb' }, /invalid setting KG_SSO_CALLBACK_URL: no '#'/],
    ['KG_SSO_APP_URL', { KG_SSO_APP_URL: 'app.example.com' }, /invalid setting KG_SSO_APP_URL/],
    ['KG_SSO_LOGOUT_REDIRECTS', { KG_SSO_LOGOUT_REDIRECTS: 'https://ok.example/,javascript:alert(1)' }, /invalid setting KG_SSO_LOGOUT_REDIRECTS/],
    ['KG_SSO_LOGIN_PAGE_URL', { KG_SSO_LOGIN_PAGE_URL: 'http://macroverse.huaweicloud.com/' }, /invalid setting KG_SSO_LOGIN_PAGE_URL/],
    ['KG_SSO_COOKIE', { KG_SSO_COOKIE: 'bad name' }, /invalid setting KG_SSO_COOKIE/],
    ['KG_SSO_COOKIE', { KG_SSO_COOKIE: 'kg_sso_state' }, /invalid setting KG_SSO_COOKIE/],
    ['KG_SSO_IDLE_MS', { KG_SSO_IDLE_MS: '0' }, /invalid setting KG_SSO_IDLE_MS/],
    ['KG_SSO_IDP_TIMEOUT_MS', { KG_SSO_IDP_TIMEOUT_MS: 'soon' }, /KG_SSO_IDP_TIMEOUT_MS must be a non-negative number/],
  ])('names %s in a ConfigError, never its value', (_key, override, message) => {
    let err: unknown;
    try {
      ssoSettings(config({ ...BASE, ...override }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    for (const v of Object.values(override)) if (v.length > 3) expect((err as Error).message).not.toContain(v);
  });

  it('the library part needs none of appId, callback and app URL', () => {
    expect(sessionSettings(config({ KG_DATA_KEY: randomBytes(32).toString('base64') }))).toEqual({ idleMs: 1_800_000, absoluteMs: 43_200_000, idpTimeoutMs: 5000, cookieName: 'kg_session' });
  });
});
