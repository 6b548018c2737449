/**
 * The merchant's one import. Define the merchant once (`defineMerchant`), build each function's handler
 * from it, implement a {@link Provisioner} when the built-in ones (`generate`, `http`) do not fit, and
 * use the signing helpers in your own tests. Nothing else under `shared/` is a public path.
 *
 * @example
 * import { defineMerchant, produceHandler, refuse, type Provisioner } from '../shared';
 * @module
 */
export { defineMerchant, type Merchant, type MerchantOptions } from './merchant';
export { kitHandler, produceHandler, provisionWorkerHandler, ssoLoginHandler, ssoLogoutHandler } from './handlers';
export { getSession, requireUser, type SsoLibraryOptions } from './sso/library';
export { SsoError, type SsoReason } from './sso/errors';
export type { SessionView } from './sso/view';
export type { KitForward, KitForwarder } from './kit/forward';
export type { KitName } from './protocol/schemas/kit';
export type { Handler } from './callback/handler';
export type { WorkerHandler } from './basic/workerHandler';
export type { WorkerReport } from './basic/worker';
export {
  refuse,
  type ChangeCheckRequest,
  type ChangeCheckResult,
  type InstanceRequest,
  type ProvisionedApp,
  type ProvisionRefusal,
  type ProvisionRequest,
  type Provisioner,
  type RenewRequest,
  type UpgradeRequest,
} from './provisioning/Provisioner';
export type { ProductInfo, RefreshScene } from './lifecycle/types';
export type { InstanceIdDeriver } from './lifecycle/instanceId';
export { RESULT, RESULT_MESSAGE, type ResultCode } from './core/resultCodes';
export { signV2Request, signKitRequest, signV1Request, verifyBodySign } from './testing';
export { openStore } from './openStore';
export { listTenants, readTenant, type TenantListEntry } from './kit/read';
export type { ApplicationView, DepartmentView, TenantView, UserView } from './kit/view';
export type { Store } from './store/Store';
export { usageIngestHandler, usagePushHandler } from './handlers';
export type { UsagePushHandler } from './usage/pushHandler';
export { opsWatchHandler } from './handlers';
export type { OpsWatchHandler } from './ops/watchHandler';
export type { WatchReport } from './ops/watch';
export type { UsagePushReport, PushStop } from './usage/push';
export { recordUsage, UsageRefusedError, type RecordedUsage, type UsageIngestResult, type UsageRefusal } from './usage/recordUsage';
export type { UsageRecordInput } from './usage/record';
export { signUsageIngest } from './usage/ingestSignature';
/**
 * API-type products behind the Agents gateway (docs/api-products.md): the template function and the wrapper
 * that verifies the gateway and puts `usage` in every billed answer.
 * @example
 * // functions/my-api/index.ts
 * import { apiProductHandler } from '../../shared';
 * import { merchant } from '../merchant';
 * import { chat } from './chat';
 * export const handler = apiProductHandler(chat, { ...merchant.runtime, name: 'my-api' });
 */
export { agentApiExampleHandler } from './handlers';
export { apiProductHandler, type ApiCall, type ApiHandler, type ApiJsonReply, type ApiProductOptions, type ApiReply, type ApiStreamReply } from './apiProduct/handler';
export { ApiProductError, GatewayAuthError, type GatewayAuthReason } from './apiProduct/errors';
export { normalizeUsage, type TokenUsage, type UsageCheck, type UsageInput } from './apiProduct/usage';
export { signGatewayJwt, verifyGatewayJwt, parseGatewayKeyRing, type GatewayJwtClaims, type GatewayKey } from './apiProduct/jwt';
export type { BuyerContext } from './apiProduct/buyer';
export { chatCompletions } from './apiProduct/chatCompletions';
