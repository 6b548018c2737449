/**
 * The fake tenant IdP of the SSO rehearsal (`kg idp`, `kg simulate --scenario sso`, the browser test).
 * @module
 */
export { startFakeIdp, IDP_COOKIE, type FakeIdp, type FakeIdpOptions } from './server';
export { FakeIdpClient } from './client';
export { SetupError, setupSchema, type IdpApp, type IdpEvent, type IdpFaults, type IdpSetup, type IdpTenant, type IdpUser, type TokenFault, type UserinfoFault } from './registry';
