/**
 * One factory per deployed function, each taking the {@link Merchant}. Kept apart from the types so a
 * bundle holds only the functions it uses (package.json `sideEffects: false` lets esbuild drop the rest).
 * @module
 */
import { createCallbackHandler, type Handler } from './callback/handler';
import { produceSpec } from './basic/produceSpec';
import { createProvisionWorkerHandler, type WorkerHandler } from './basic/workerHandler';
import { kitSpec } from './kit/kitSpec';
import { createSsoHandler } from './sso/handler';
import { routeLogin } from './sso/loginRoutes';
import { routeLogout } from './sso/logoutRoutes';
import type { KitName } from './protocol/schemas/kit';
import type { Merchant } from './merchant';
import { createUsageIngestHandler } from './usage/ingestHandler';
import { createUsagePushHandler, type UsagePushHandler } from './usage/pushHandler';
import { createOpsWatchHandler, type OpsWatchHandler } from './ops/watchHandler';
import { chatCompletions } from './apiProduct/chatCompletions';
import { apiProductHandler } from './apiProduct/handler';

/**
 * The `produce` function: every basic interface (V2 and V1) on the production address.
 * @example
 * export const handler = produceHandler(merchant);
 */
export function produceHandler(merchant: Merchant): Handler {
  return createCallbackHandler(produceSpec(merchant), merchant.runtime);
}

/**
 * The `provision-worker` function: finishes provisioning that answered `000004` (timer, async invoke).
 * @example
 * export const handler = provisionWorkerHandler(merchant);
 */
export function provisionWorkerHandler(merchant: Merchant): WorkerHandler {
  return createProvisionWorkerHandler({ ...merchant.runtime, provisioner: merchant.provisioner, deriveInstanceId: merchant.deriveInstanceId });
}

/**
 * A 联营 kit function (`tenantSync`, `applicationSync`, `authSync`, `singleOrgSync`, `allOrgSync`), each
 * deployed as its own function answering `/produceAPI/v2/<name>` and `/produceAPI/<name>`.
 * @example
 * // functions/tenant-sync/index.ts
 * export const handler = kitHandler(merchant, 'tenantSync');
 */
export function kitHandler(merchant: Merchant, name: KitName): Handler {
  return createCallbackHandler(kitSpec(name, merchant), merchant.runtime);
}

/**
 * The `sso-login` function (联营 SSO, on the app's domain): `GET /sso/login` (to the unified login page, or
 * with `?tenant=` to the tenant's authorize endpoint), `GET /sso/callback` (the 应用凭证's callback: code ->
 * token -> userinfo -> checks -> session cookie -> 302 to `KG_SSO_APP_URL`) and `GET /sso/session` (the
 * current user as JSON, renewing the access token when due; 401 without a session).
 * @example
 * // functions/sso-login/index.ts
 * export const handler = ssoLoginHandler(merchant);
 */
export function ssoLoginHandler(merchant: Merchant): Handler {
  return createSsoHandler('sso-login', routeLogin, merchant.runtime);
}

/**
 * The `sso-logout` function: `POST /sso/logout` (from the app's origin) and `GET /sso/logout` end the session
 * and send the browser to the tenant IdP's logout with an allowed `redirect_url` (`KG_SSO_LOGOUT_REDIRECTS`).
 * @example
 * // functions/sso-logout/index.ts
 * export const handler = ssoLogoutHandler(merchant);
 */
export function ssoLogoutHandler(merchant: Merchant): Handler {
  return createSsoHandler('sso-logout', routeLogout, merchant.runtime);
}

/**
 * The `usage-ingest` function: `POST /usage`, where the merchant's own back end reports on-demand usage,
 * HMAC-signed with KG_USAGE_INGEST_KEY (see {@link signUsageIngest}). Records are checked and stored in Redis
 * before the answer; `usage-push` sends them to KooGallery.
 * @example
 * // functions/usage-ingest/index.ts
 * export const handler = usageIngestHandler(merchant);
 */
export function usageIngestHandler(merchant: Merchant): Handler {
  return createUsageIngestHandler(merchant.runtime);
}

/**
 * The `usage-push` function (timer, every 10 minutes): sends recorded usage to the open API in batches of at
 * most 1,000, exactly once per `meteringSn` as KooGallery counts it; refused records go to the dead letters.
 * Needs KG_OPENAPI_AK / KG_OPENAPI_SK and KG_ACCESS_KEY (the body signature's key).
 * @example
 * // functions/usage-push/index.ts
 * export const handler = usagePushHandler(merchant);
 */
export function usagePushHandler(merchant: Merchant): UsagePushHandler {
  return createUsagePushHandler(merchant.runtime);
}

/**
 * The `ops-watch` function (timer, every 5 minutes): watches what the marketplace will count against the product
 * (order lines failing past their retry window, failed orders this month against KG_ALERT_FAILED_ORDERS, failing
 * dial tests), usage stuck on its way to the open API, failing kit forwards, instances stuck provisioning and an
 * unreachable Redis, and alerts once when a condition appears and once when it clears, to KG_ALERT_WEBHOOK
 * (HMAC-signed JSON) and/or the SMN topic KG_ALERT_SMN_TOPIC. Once a day (from 02:00 China time) it also runs the
 * reconciliation with the marketplace's orders when KG_OPENAPI_AK / KG_OPENAPI_SK are set.
 * @example
 * // functions/ops-watch/index.ts
 * export const handler = opsWatchHandler(merchant);
 */
export function opsWatchHandler(merchant: Merchant): OpsWatchHandler {
  return createOpsWatchHandler(merchant.runtime);
}

/**
 * The `agent-api-example` function: the template of an API-type product behind the Agents gateway, an
 * OpenAI-compatible `POST /v1/chat/completions` answered with text statistics of the messages and their token
 * counts as `usage` (plain JSON, or an event stream with `stream: true`). Calls are verified with the gateway's
 * JWT (KG_GATEWAY_KEYS) or constant header (KG_GATEWAY_AUTH_MODE=constant); see docs/api-products.md.
 * @example
 * // functions/agent-api-example/index.ts
 * export const handler = agentApiExampleHandler(merchant);
 */
export function agentApiExampleHandler(merchant: Merchant): Handler {
  return apiProductHandler(chatCompletions, { ...merchant.runtime, name: 'agent-api-example' });
}
