/**
 * The interface a merchant implements to create and manage the buyer's account in its own SaaS.
 * Every method must be idempotent per `instanceId`: the pipeline calls at least once, and a retried
 * call (marketplace retry, worker takeover after a crash) repeats the same arguments.
 * @module
 */
import type { ProductInfo, RefreshScene } from '../lifecycle/types';
import type { ResultCode } from '../protocol/resultCodes';

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

/** A refusal with a documented code (e.g. `000100` no resources), shown to the marketplace. */
export interface ProvisionRefusal {
  refused: true;
  resultCode: ResultCode;
  resultMsg: string;
}

export interface Provisioner {
  /** Short name for logs (`generate`, `http`, ...). */
  readonly name: string;
  provision(req: ProvisionRequest): Promise<ProvisionedApp | ProvisionRefusal>;
  renew(req: { instanceId: string; scene: RefreshScene; expireTime: string; orderId: string; orderLineId: string; productId?: string; signal?: AbortSignal }): Promise<void | ProvisionRefusal>;
  upgrade(req: { instanceId: string; orderId: string; orderLineId: string; productId?: string; skuCode?: string; signal?: AbortSignal }): Promise<void | ProvisionRefusal>;
  freeze(req: { instanceId: string; signal?: AbortSignal }): Promise<void | ProvisionRefusal>;
  unfreeze(req: { instanceId: string; signal?: AbortSignal }): Promise<void | ProvisionRefusal>;
  release(req: { instanceId: string; signal?: AbortSignal }): Promise<void | ProvisionRefusal>;
  /** Renewal-with-change feasibility: may the instance move to `productInfo`? */
  checkChange(req: { instanceId: string; productInfo: ProductInfo; signal?: AbortSignal }): Promise<{ allowed: boolean; message?: string }>;
}

/** Type guard for {@link ProvisionRefusal}. */
export function isRefusal(value: unknown): value is ProvisionRefusal {
  return typeof value === 'object' && value !== null && (value as { refused?: unknown }).refused === true;
}
