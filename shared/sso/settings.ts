/**
 * SSO's slice of configuration, validated once per warm instance with errors that name the setting (never
 * its value). The library (`getSession`) needs only the session part; the two functions need all of it.
 * @module
 */
import { ConfigError } from '../core/errors';
import { requireSetting, type Config } from '../platform/config';
import { STATE_COOKIE } from './state';
import { isLoopbackHost } from '../platform/loopback';
import { webUrl } from './urls';

/** What reading and renewing a session needs. */
export interface SessionSettings {
  /** A session ends after this long without a request (ms). */
  idleMs: number;
  /** A session ends this long after login (ms). */
  absoluteMs: number;
  /** The limit of each IdP call (ms). */
  idpTimeoutMs: number;
  /** The session cookie's name. */
  cookieName: string;
}

/** Everything the `sso-login` and `sso-logout` functions need. */
export interface SsoSettings extends SessionSettings {
  /** The 应用凭证 appId. */
  appId: string;
  /** The unified login page (without `ind`/`appId`). */
  loginPageUrl: string;
  /** The registered callback, sent as `redirect_uri`. */
  callbackUrl: string;
  /** Where the browser lands after login. */
  appUrl: string;
  /** The origin of {@link appUrl}: the only one allowed to POST a logout. */
  appOrigin: string;
  /** Allowed post-logout URLs, the first being the default; never empty. */
  logoutRedirects: readonly string[];
  /** Whether cookies carry `Secure` (false only when KG_SSO_APP_URL is http on a loopback host). */
  secureCookie: boolean;
}

/** Cookie-name characters (RFC 6265 token). */
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/** The session part. @throws ConfigError naming the bad setting */
export function sessionSettings(config: Config): SessionSettings {
  const positive = (key: 'KG_SSO_IDLE_MS' | 'KG_SSO_ABSOLUTE_MS' | 'KG_SSO_IDP_TIMEOUT_MS'): number => {
    const v = config[key];
    if (!(v > 0)) throw new ConfigError(`invalid setting ${key}: must be a positive number of milliseconds`);
    return v;
  };
  const cookieName = config.KG_SSO_COOKIE;
  if (!COOKIE_NAME.test(cookieName) || cookieName === STATE_COOKIE) {
    throw new ConfigError('invalid setting KG_SSO_COOKIE: a cookie name (letters, digits, ._-) other than the state cookie\'s');
  }
  return { idleMs: positive('KG_SSO_IDLE_MS'), absoluteMs: positive('KG_SSO_ABSOLUTE_MS'), idpTimeoutMs: positive('KG_SSO_IDP_TIMEOUT_MS'), cookieName };
}

/** A browser-facing address setting: https, or http on a loopback host. */
function addressSetting(key: string, text: string, options: { fragment: boolean }): URL {
  const url = webUrl(text);
  if (!url) throw new ConfigError(`invalid setting ${key}: an absolute https URL (http only for localhost/127.0.0.1), without user info`);
  if (!options.fragment && url.hash !== '') throw new ConfigError(`invalid setting ${key}: no '#' allowed`);
  return url;
}

/** A text setting that must be present and not blank. */
function requireText(config: Config, key: 'KG_SSO_APP_ID' | 'KG_SSO_CALLBACK_URL' | 'KG_SSO_APP_URL', why: string): string {
  const v = requireSetting(config, key, why).trim();
  if (v === '') throw new ConfigError(`missing setting ${key}: ${why}`);
  return v;
}

/** Everything the SSO functions need. @throws ConfigError naming the missing or bad setting */
export function ssoSettings(config: Config): SsoSettings {
  const session = sessionSettings(config);
  const appId = requireText(config, 'KG_SSO_APP_ID', 'the 应用凭证 appId (unified login and the kit application whose users may log in)');
  if (appId.length > 64) throw new ConfigError('invalid setting KG_SSO_APP_ID: at most 64 characters');
  const loginPageUrl = addressSetting('KG_SSO_LOGIN_PAGE_URL', config.KG_SSO_LOGIN_PAGE_URL, { fragment: true }).href;
  // The 应用凭证 form refuses a callback with '#' (MIW rule); the IdP appends ?code=..&tenant=..
  const callback = addressSetting('KG_SSO_CALLBACK_URL', requireText(config, 'KG_SSO_CALLBACK_URL', 'the callback registered in the 应用凭证, e.g. https://app.example.com/sso/callback'), { fragment: false });
  const app = addressSetting('KG_SSO_APP_URL', requireText(config, 'KG_SSO_APP_URL', 'where the browser lands after login (your app)'), { fragment: true });
  const redirects = (config.KG_SSO_LOGOUT_REDIRECTS ?? []).map((text) => addressSetting('KG_SSO_LOGOUT_REDIRECTS', text, { fragment: true }).href);
  return {
    ...session,
    appId,
    loginPageUrl,
    callbackUrl: callback.href,
    appUrl: app.href,
    appOrigin: app.origin,
    logoutRedirects: redirects.length > 0 ? redirects : [app.href],
    secureCookie: !(app.protocol === 'http:' && isLoopbackHost(app.hostname)),
  };
}
