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
export { kitHandler, produceHandler, provisionWorkerHandler } from './handlers';
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
