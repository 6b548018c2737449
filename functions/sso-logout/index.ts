/**
 * `sso-logout`: 联营 SSO logout (`POST /sso/logout`, `GET /sso/logout`): local session and the tenant IdP's.
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { ssoLogoutHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = ssoLogoutHandler(merchant);
