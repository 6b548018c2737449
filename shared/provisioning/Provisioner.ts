/**
 * The interface a merchant implements to create and manage the buyer's account in its own SaaS.
 * Every method must be idempotent per `instanceId`: the pipeline calls at least once, and a retried
 * call (marketplace retry, worker takeover after a crash) repeats the same arguments.
 * @module
 */
import type { ProductInfo, RefreshScene } from '../lifecycle/types';
import type { ResultCode } from '../core/resultCodes';

/** What the provisioner knows of the order when it creates an instance. */
export interface ProvisionRequest {
  instanceId: string;
  orderId: string;
  orderLineId: string;
  businessId: string;
  productId?: string;
  skuCode?: string;
  expireTime?: string;
  /** Extra order data (V1 sends customer fields); never secrets. */
  attributes?: Record<string, string>;
  /**
   * Aborted when this attempt's provisioning lease ends (KG_PROVISION_LEASE_MS), after which another
   * invocation or provision-worker may take over. Not aborted when newInstance stops waiting and answers
   * 000004: the attempt keeps running and its late result is stored.
   */
  signal?: AbortSignal;
}

/** Access details of a created instance, in clear (the pipeline seals the password before storing). */
export interface ProvisionedApp {
  frontEndUrl: string;
  adminUrl?: string;
  userName?: string;
  password?: string;
  memo?: string;
}

/** A refusal with a documented code (e.g. `000100` no resources), shown to the marketplace. Make one with {@link refuse}. */
export interface ProvisionRefusal {
  refused: true;
  resultCode: ResultCode;
  resultMsg: string;
}

/** The instance a call is about, and the signal that aborts when the call's time is up. */
export interface InstanceRequest {
  instanceId: string;
  /** Aborted when the provisioner's time (KG_PROVISIONER_TIMEOUT_MS) or the request's is up. */
  signal?: AbortSignal;
}

/** `refreshInstance`: a renewal, a trial turned formal, an unsubscribed renewal period, a renewal with change. */
export interface RenewRequest extends InstanceRequest {
  scene: RefreshScene;
  /** New expiry as received: UTC `yyyyMMddHHmmss` (14 digits) or with milliseconds (17). */
  expireTime: string;
  orderId: string;
  orderLineId: string;
  productId?: string;
}

/** `upgradeInstance`: the instance moves to another spec (productId / skuCode). */
export interface UpgradeRequest extends InstanceRequest {
  orderId: string;
  orderLineId: string;
  productId?: string;
  skuCode?: string;
}

/** `changeInstanceCheck`: may the instance move to `productInfo` at its renewal? */
export interface ChangeCheckRequest extends InstanceRequest {
  productInfo: ProductInfo;
}

/** The answer to a {@link ChangeCheckRequest}; `message` explains a refusal to the buyer. */
export interface ChangeCheckResult {
  allowed: boolean;
  message?: string;
}

/**
 * What a merchant implements to create and manage the buyer's account in its own SaaS. Every method must
 * be idempotent per `instanceId`. Answer a documented refusal with {@link refuse}; throw for a transient
 * failure (answered `000005`, so the marketplace retries).
 *
 * @example
 * const provisioner: Provisioner = {
 *   name: 'my-saas',
 *   async provision(req) {
 *     const account = await mySaas.createTenant(req.instanceId, { signal: req.signal });
 *     return { frontEndUrl: account.url, userName: account.admin, password: account.password };
 *   },
 *   async renew() {}, async upgrade() {}, async freeze() {}, async unfreeze() {},
 *   async release(req) { await mySaas.deleteTenant(req.instanceId); },
 *   async checkChange() { return { allowed: true }; },
 * };
 */
export interface Provisioner {
  /** Short name for logs (`generate`, `http`, ...). */
  readonly name: string;
  /** `newInstance`: create the account; within KG_PROVISION_BUDGET_MS or it finishes in provision-worker. */
  provision(req: ProvisionRequest): Promise<ProvisionedApp | ProvisionRefusal>;
  renew(req: RenewRequest): Promise<void | ProvisionRefusal>;
  upgrade(req: UpgradeRequest): Promise<void | ProvisionRefusal>;
  /** `updateInstanceStatus` FREEZE (expiry or overdue payment). */
  freeze(req: InstanceRequest): Promise<void | ProvisionRefusal>;
  /** `updateInstanceStatus` UNFREEZE (renewed in time). */
  unfreeze(req: InstanceRequest): Promise<void | ProvisionRefusal>;
  /** `releaseInstance`: delete the buyer's data. */
  release(req: InstanceRequest): Promise<void | ProvisionRefusal>;
  /** Renewal-with-change feasibility: may the instance move to `productInfo`? */
  checkChange(req: ChangeCheckRequest): Promise<ChangeCheckResult | ProvisionRefusal>;
}

/**
 * A documented refusal for the marketplace: `provision` may answer `000100`-`000107` (no resources,
 * mobile or email missing or taken, ...), any method may answer another documented code. `000000` is not
 * a refusal and becomes `000005`.
 *
 * @example
 * if (!(await mySaas.hasCapacity())) return refuse('000100', 'no seats left in this region');
 */
export function refuse(resultCode: ResultCode, resultMsg: string): ProvisionRefusal {
  return { refused: true, resultCode, resultMsg };
}

/** Type guard for {@link ProvisionRefusal}. */
export function isRefusal(value: unknown): value is ProvisionRefusal {
  return typeof value === 'object' && value !== null && (value as { refused?: unknown }).refused === true;
}
