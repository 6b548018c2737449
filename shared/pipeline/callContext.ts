/**
 * What every step of one production-interface call shares: collaborators, the responder of the
 * request's protocol, the nonce to reserve and the audit fields.
 * @module
 */
import { DEFAULT_NONCE_TTL_S } from '../store/limits';
import type { AuditEntry, BeginOptions, BeginResult } from '../store/Store';
import { InvalidParamError } from '../protocol/errors';
import type { Answer, DecideEnv, InstanceRecord, ResponseModel } from '../lifecycle/types';
import type { ProduceDeps } from './deps';
import { replayableBody, storableBody, type Responder } from './responder';

/** One call in flight. */
export interface CallContext {
  deps: ProduceDeps;
  responder: Responder;
  /** Nonce to reserve on the first round trip (V2 only). */
  nonce?: string;
  /** Audit fields known before the answer. */
  audit: Omit<AuditEntry, 'at' | 'resultCode'>;
}

/** A finished call: the exact body and its result code. */
export interface CallOutcome {
  body: string;
  resultCode: string;
  instanceId?: string;
  /** Safe reason for the failure stream when resultCode is not 000000. */
  reason?: string;
}

/**
 * How long a nonce must stay reserved (s) for a freshness window of `windowMs` (ms, both directions):
 * a request stamped `t` verifies from `t - window` to `t + window`, so its nonce must outlive `2 * window`,
 * plus a minute for clocks that differ between function instances. Never below the store's 300 s default.
 */
export function nonceMemorySeconds(windowMs: number): number {
  return Math.max(DEFAULT_NONCE_TTL_S, Math.ceil((2 * windowMs) / 1000) + 60);
}

/** The nonce part of the first round trip's {@link BeginOptions}: nothing when the call has no nonce (V1). */
function nonceOptions(ctx: CallContext): Pick<BeginOptions, 'nonce' | 'nonceTtlSeconds'> {
  return ctx.nonce ? { nonce: ctx.nonce, nonceTtlSeconds: nonceMemorySeconds(ctx.deps.config.KG_CLOCK_SKEW_MS) } : {};
}

/**
 * Round trip 1 of this call on `instanceId`. The nonce is reserved on the first attempt only (a retry
 * after a version conflict must not find its own nonce); a replayed nonce is refused with 000002.
 */
export async function beginCall(ctx: CallContext, instanceId: string, options: Omit<BeginOptions, 'nonce' | 'nonceTtlSeconds'> = {}, firstAttempt = true): Promise<BeginResult> {
  const begun = await ctx.deps.store.begin(instanceId, { ...(firstAttempt ? nonceOptions(ctx) : {}), ...options });
  if (begun.nonce === 'replayed') throw new InvalidParamError('nonce has already been used');
  return begun;
}

/** The pure-decision environment at this moment. */
export function decideEnv(deps: ProduceDeps): DecideEnv {
  return { now: deps.clock(), unseal: (sealed) => deps.sealer.open(sealed) };
}

/**
 * Turns an {@link Answer} into the body to send and the record to write, storing the body under
 * `answer.remember` so a retry replays it byte for byte.
 */
export function materialize(answer: Answer, ctx: CallContext): { body: string; resultCode: string; next?: InstanceRecord; model?: ResponseModel } {
  if ('replayBody' in answer.response) {
    const body = replayableBody(answer.response.replayBody, ctx.deps.sealer);
    return { body, resultCode: resultCodeOf(body), ...(answer.next ? { next: answer.next } : {}) };
  }
  const model = answer.response;
  const body = ctx.responder.encode(model);
  let next = answer.next;
  if (next && answer.remember) {
    next = { ...next, responses: { ...next.responses, [answer.remember]: storableBody(body, model, ctx.deps.sealer) } };
  }
  return { body, resultCode: model.resultCode, model, ...(next ? { next } : {}) };
}

/** Reads `resultCode` from a body we produced earlier. */
export function resultCodeOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { resultCode?: unknown };
    return typeof parsed.resultCode === 'string' ? parsed.resultCode : '000005';
  } catch {
    return '000005';
  }
}

/** An audit entry for this call with its final code. */
export function auditEntry(ctx: CallContext, resultCode: string, at: number, detail?: string): AuditEntry {
  return { ...ctx.audit, at, resultCode, ...(detail ? { detail: detail.slice(0, 200) } : {}) };
}
