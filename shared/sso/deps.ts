/**
 * What the SSO functions and the session library are built from: the shared collaborators
 * (shared/callback/deps.ts `buildCallbackDeps`: config, store, sealer, clock) plus SSO's settings slice,
 * the IdP client and the data key ring (the state cookie's HMAC key derives from it).
 * @module
 */
import type { CallbackDeps } from '../callback/spec';
import { requireSetting } from '../platform/config';
import { parseDataKeyRing } from '../security/dataSeal';
import { createIdpClient } from './idpClient';
import type { SessionDeps } from './sessions';
import { sessionSettings, ssoSettings, type SsoSettings } from './settings';

/** The collaborators of the `sso-login` and `sso-logout` functions. */
export interface SsoDeps extends CallbackDeps, SessionDeps {
  sso: SsoSettings;
  /** KG_DATA_KEY as a key ring, newest first (state cookie signing). */
  dataKeys: readonly Buffer[];
}

/** Options for tests: another fetch for the IdP client. */
export interface SsoDepsOptions {
  fetch?: typeof fetch;
}

/** The SSO functions' collaborators. @throws ConfigError naming a missing or bad setting */
export function ssoDeps(base: CallbackDeps, options: SsoDepsOptions = {}): SsoDeps {
  const sso = ssoSettings(base.config);
  const dataKeys = parseDataKeyRing(requireSetting(base.config, 'KG_DATA_KEY', 'a 32-byte key (base64) that seals stored secrets; make one with `kg keygen data-key`'));
  return { ...base, sso, session: sso, dataKeys, idp: createIdpClient({ timeoutMs: sso.idpTimeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) }) };
}

/** The session library's collaborators (no appId, callback or app URL needed). @throws ConfigError */
export function sessionDeps(base: CallbackDeps): SessionDeps {
  const session = sessionSettings(base.config);
  return { ...base, session, idp: createIdpClient({ timeoutMs: session.idpTimeoutMs }) };
}
