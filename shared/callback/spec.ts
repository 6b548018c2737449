/**
 * What a signed callback is made of. A spec per interface says how to verify and parse a request,
 * which record (hash tag) it works on, how to decide and answer, and which public routes reach it;
 * the engine ({@link runCallback}) does everything the specs share.
 * @module
 */
import type { AuditEntry, Store } from '../store/Store';
import type { Config } from '../platform/config';
import type { HttpRequest } from '../platform/apig';
import type { Logger } from '../platform/logger';
import type { ResultCode } from '../core/resultCodes';
import type { Sealer } from '../security/dataSeal';
import type { PayloadForm } from '../security/verifyResult';

/** One public route: method and path under the production address (docs/design.md §1). */
export interface Route {
  method: 'GET' | 'POST';
  path: string;
}

/** The collaborators every callback has, built once per warm instance. */
export interface CallbackDeps {
  config: Config;
  store: Store;
  /** Seals stored secrets (AES-256-GCM) with the newest KG_DATA_KEY; opens with any of them. */
  sealer: Sealer;
  /** Epoch ms; injectable for tests. */
  clock: () => number;
  logger: Logger;
}

/** The least every answer carries. */
export interface ResultModel {
  resultCode: ResultCode;
  resultMsg: string;
}

/** Encodes the answers of one request: body bytes and headers (Content-Type, Body-Sign). */
export interface Responder<M extends ResultModel = ResultModel> {
  /** The exact body for a fresh answer. */
  encode(model: M): string;
  /** Headers for a body. */
  headers(body: string): Record<string, string>;
}

/** A request whose signature held: which key, which protocol, how to answer it. */
export interface Verified<M extends ResultModel> {
  /** `v2`, `v1`: for logs and for specs that serve both. */
  protocol: 'v1' | 'v2';
  /** Index in the key ring (newest first) of the key that matched. */
  keyIndex: number;
  /** The key that matched: answers are signed (and V1 credentials encrypted) with it. */
  key: string;
  payloadForm?: PayloadForm;
  /** The nonce to reserve (V2); absent for V1, which has none. */
  nonce?: string;
  /**
   * The body as verification already read it (`JSON.parse` of a V2 body's text, see parseJsonBody; a kit V1
   * body), for `parse` to reuse instead of reading it again.
   */
  json?: unknown;
  responder: Responder<M>;
}

/** What a call is about, for the audit log, the failure stream and the log line. */
export interface CallSummary {
  activity: string;
  /** Audit fields known before the answer. */
  audit: Omit<AuditEntry, 'at' | 'resultCode'>;
  /** Fields the failure stream and the log line name the call by (instanceId, orderId, tenantId). */
  subject: { instanceId?: string; orderId?: string; tenantId?: string };
}

/** One accepted call in flight, as the spec's `run` gets it. */
export interface Call<D extends CallbackDeps, P, M extends ResultModel> {
  deps: D;
  request: P;
  verified: Verified<M>;
  /** The record this call works on (see store/keys: instanceTag, tenantTag). */
  tag: string;
  summary: CallSummary;
  /**
   * Aborts when the request's deadline passes: work not started by then is not started. Made on first
   * read (see withLazyDeadline): read it where it is passed on, not up front.
   */
  readonly signal: AbortSignal;
  /** When the request's deadline passes (epoch ms, the deps' clock): waits inside the call stop before it. */
  deadlineAt: number;
  /** The request id (APIG/FunctionGraph), for logs. */
  requestId: string;
  /** When the request arrived (epoch ms, the deps' clock): audit entries carry the latency from it. */
  startedAt: number;
}

/** A finished call: the exact body and its result code. */
export interface Outcome {
  body: string;
  resultCode: string;
  /** Safe reason for the failure stream when resultCode is not 000000. */
  reason?: string;
  /** The record the call ended up naming (newInstance derives it), for the log line. */
  instanceId?: string;
}

/** One signed callback interface on the engine. */
export interface CallbackSpec<D extends CallbackDeps, P, M extends ResultModel> {
  /** The function's folder name (`produce`, `tenant-sync`): names its log lines and its deployment. */
  name: string;
  /** The public routes APIG and the local server send to this function. */
  routes: readonly Route[];
  /** Builds the spec's own collaborators from the shared ones; reads (and requires) its config slice. */
  deps(base: CallbackDeps): D;
  /** Which protocol the request's shape asks for (before any key matched). */
  protocolOf(req: HttpRequest): 'v1' | 'v2';
  /** How to answer before a key matched (errors only): the newest key, the request's protocol. */
  unverifiedResponder(req: HttpRequest, deps: D): Responder<M>;
  /** Checks the signature, timestamp and nonce presence. @throws AuthError (000001) / InvalidParamError (000002) */
  verify(req: HttpRequest, deps: D): Verified<M>;
  /** Validates the body or parameters. @throws InvalidParamError (000002) naming the field */
  parse(req: HttpRequest, verified: Verified<M>, deps: D): P;
  /** The hash tag of the record the call works on. */
  tag(request: P, deps: D): string;
  /** Names the call for the audit log, the failure stream and the log line. */
  describe(request: P, req: HttpRequest, verified: Verified<M>): CallSummary;
  /** Decides and stores (through {@link transact}) and encodes the answer. May throw any KgError. */
  run(call: Call<D, P, M>): Promise<Outcome>;
  /**
   * Best-effort naming of a request refused before it was parsed (bad signature, bad field), from its
   * unverified body, for the failure stream only. Must never throw.
   */
  peek?(req: HttpRequest, deps: D): PeekedCall | undefined;
}

/** What an unverified request says it is about (see {@link CallbackSpec.peek}). */
export interface PeekedCall {
  activity?: string;
  orderId?: string;
  orderLineId?: string;
  test?: boolean;
  /** The record it would work on. */
  tag?: string;
}
