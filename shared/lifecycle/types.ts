/**
 * The instance record, the commands the state machine accepts and the decisions it returns.
 * The state machine is pure: `(record, command, now) -> decision`. Provisioner calls ("effects")
 * and storage happen outside it, in shared/pipeline.
 * @module
 */
import type { ResultCode } from '../core/resultCodes';
import type { AppInfoPlain, ResponseModel, UsageInfo } from '../protocol/responseModel';

export type { AppInfoPlain, ResponseModel, UsageInfo };

/** Where an instance is in its life. RELEASED is a tombstone: kept so a repeated release succeeds. */
export type InstanceStatus = 'PROVISIONING' | 'ACTIVE' | 'FROZEN' | 'RELEASED' | 'FAILED';

/** Access details as stored: the password sealed with the data key (AES-256-GCM), never in clear. */
export interface AppInfoRecord {
  frontEndUrl: string;
  adminUrl?: string;
  userName?: string;
  /** `sealSecret(password)` output; see shared/security/dataSeal. */
  passwordSealed?: string;
  memo?: string;
}

/** One state change: when, which activity, which order. */
export interface HistoryEntry {
  /** Epoch ms. */
  at: number;
  activity: string;
  orderId?: string;
  orderLineId?: string;
  scene?: string;
  from: InstanceStatus | null;
  to: InstanceStatus;
  /** New expiry when the change set one (as received, 14 or 17 digits). */
  expireTime?: string;
}

/** Who is provisioning an instance right now, and until when (lease). */
export interface ProvisioningState {
  attempts: number;
  leaseOwner?: string;
  /** Epoch ms after which another invocation or worker may take over. */
  leaseUntil?: number;
  /** Epoch ms at which the job was handed to provision-worker. */
  queuedAt?: number;
  /** Last provisioner error, safe text only. */
  lastError?: string;
}

/**
 * What the open API's query order says about an instance's order line, filled in by provision-worker after
 * provisioning (V2 newInstance does not carry the charging mode). Absent until the query succeeded.
 */
export interface OrderSummary {
  /** `NEW`, `TRIAL`, ... */
  orderType?: string;
  /** `yyyyMMddHHmmss` (UTC): when the order was placed. */
  createTime?: string;
  /** `ON_DEMAND`, `ONE_TIME`, `PERIOD`, `ON_DEMAND_PKG`. */
  chargingMode?: string;
  /** `year`, `month`, ... */
  periodType?: string;
  periodNumber?: number;
  /** `yyyyMMddHHmmss` (UTC). */
  expireTime?: string;
  /** Epoch ms of the query. */
  queriedAt: number;
}

/** The stored instance. The store adds a version number; it is not part of the record. */
export interface InstanceRecord {
  instanceId: string;
  orderId: string;
  /** '' for V1, which has no order lines. */
  orderLineId: string;
  protocol: 'v2' | 'v1';
  status: InstanceStatus;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
  /** Latest expiry from refreshInstance / V1 newInstance, as received (14 or 17 digits, UTC). */
  expireTime?: string;
  productId?: string;
  skuCode?: string;
  appInfo?: AppInfoRecord;
  provisioning?: ProvisioningState;
  /** Set when status is FAILED: the answer newInstance retries get. */
  failure?: { resultCode: ResultCode; resultMsg: string };
  /**
   * Idempotency key -> the exact response body we sent (sealed when it carries credentials), as records
   * written before answers moved beside the record hold them: still replayed, moved out at the next write.
   * New answers are kept beside the record (the store's stored answers), listed in {@link answered}.
   */
  responses: Record<string, string>;
  /**
   * Idempotency key -> when (epoch ms) the answer kept beside the record under that key was stored. A key
   * dropped from here is dropped from the store with the next write (a tombstone drops answers that carry
   * credentials this way). Absent = none.
   */
  answered?: Record<string, number>;
  /** The latest state changes, oldest first: at most `HISTORY_CAP` (transition.ts); the audit log keeps every call. */
  history: HistoryEntry[];
  /** Extra fields kept from the request (V1 customer data and the like); never secrets. */
  attributes?: Record<string, string>;
  /** The order as the open API describes it (provision-worker, when KG_OPENAPI_AK/SK are set). */
  order?: OrderSummary;
}

/** `refreshInstance` scenes. */
export type RefreshScene = 'TRIAL_TO_FORMAL' | 'RENEWAL' | 'UNSUBSCRIBE_RENEWAL_PERIOD' | 'RENEWAL_CHANGE';

/** Target spec of a renewal-with-change. */
export interface ProductInfo {
  productId: string;
  skuCode: string;
  linearValue?: number;
  productName: string;
}

/** A lifecycle command, the same for V2 and V1 (V1 requests are mapped onto these). */
export type Command =
  | { activity: 'newInstance'; orderId: string; orderLineId: string; businessId: string; test: boolean;
      productId?: string; skuCode?: string; expireTime?: string; attributes?: Record<string, string> }
  | { activity: 'queryInstance'; instanceIds: string[]; test: boolean }
  | { activity: 'refreshInstance'; instanceId: string; orderId: string; orderLineId: string; scene: RefreshScene;
      expireTime: string; productId?: string; test: boolean }
  | { activity: 'updateInstanceStatus'; instanceId: string; status: 'FREEZE' | 'UNFREEZE'; test: boolean }
  | { activity: 'releaseInstance'; instanceId: string; orderId?: string; orderLineId?: string; test: boolean }
  | { activity: 'upgradeInstance'; instanceId: string; orderId: string; orderLineId: string; test: boolean;
      productId?: string; skuCode?: string }
  | { activity: 'changeInstanceCheck'; instanceId: string; productInfo: ProductInfo; test: boolean };

export type Activity = Command['activity'];

/** What the state machine asks the provisioner to do before it can answer. */
export type Effect =
  | { kind: 'renew'; instanceId: string; scene: RefreshScene; expireTime: string; orderId: string; orderLineId: string; productId?: string }
  | { kind: 'freeze'; instanceId: string }
  | { kind: 'unfreeze'; instanceId: string }
  | { kind: 'release'; instanceId: string }
  | { kind: 'upgrade'; instanceId: string; orderId: string; orderLineId: string; productId?: string; skuCode?: string }
  | { kind: 'checkChange'; instanceId: string; productInfo: ProductInfo };

/** The provisioner's answer to an {@link Effect}. */
export type EffectResult =
  | { ok: true; /** checkChange only */ allowed?: boolean; /** checkChange refusal reason */ message?: string }
  | { ok: false; resultCode: ResultCode; resultMsg: string };

/** A final answer: either a fresh response or the exact body given before under the same key. */
export interface Answer {
  kind: 'answer';
  response: ResponseModel | { replayBody: string };
  /** The record to write (compare-and-set); absent = nothing changes. */
  next?: InstanceRecord;
  /** Store the serialised response in `next.responses[remember]` so retries replay it byte for byte. */
  remember?: string;
}

/** The state machine needs the provisioner first; call `finish` with its result. */
export interface NeedsEffect {
  kind: 'effect';
  effect: Effect;
  finish(result: EffectResult, now: number): Answer;
}

export type Decision = Answer | NeedsEffect;

/** What a decision may use besides the record and the command. Pure: no I/O, no clock, no randomness. */
export interface DecideEnv {
  /** Epoch ms. */
  now: number;
  /** Opens a sealed password for a response (deterministic, no I/O). */
  unseal(sealed: string): string;
}
