/**
 * `sso-login`: 联营 SSO on the app's domain (`GET /sso/login`, `GET /sso/callback`, `GET /sso/session`).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { ssoLoginHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = ssoLoginHandler(merchant);
