/**
 * One basic-interface call in flight, and the steps every activity shares: the decision environment,
 * turning a lifecycle {@link Answer} into bytes and a record, and the call's audit entry.
 * @module
 */
import type { Call, Outcome } from '../callback/spec';
import type { AuditEntry } from '../store/Store';
import type { Answer, Command, DecideEnv, InstanceRecord } from '../lifecycle/types';
import type { ResponseModel } from '../protocol/responseModel';
import type { ProduceDeps } from './deps';
import type { BasicResponder } from './responder';

/** A verified, parsed basic-interface call. */
export type BasicCall = Call<ProduceDeps, Command, ResponseModel> & { verified: { responder: BasicResponder } };

/**
 * How the answer of one provisioning run is encoded and audited: from a request (`newInstance`) or
 * from provision-worker, which answers nobody but stores the answer the marketplace's next retry gets.
 */
export interface AnswerScope {
  deps: ProduceDeps;
  responder: BasicResponder;
  /** Audit fields known before the answer. */
  audit: Omit<AuditEntry, 'at' | 'resultCode'>;
  /** When the request arrived (epoch ms); absent for the worker, which answers nobody. */
  startedAt?: number;
}

/** The answer scope of a request. */
export function scopeOf(call: BasicCall): AnswerScope {
  return { deps: call.deps, responder: call.verified.responder, audit: call.summary.audit, startedAt: call.startedAt };
}

/** The pure-decision environment at this moment. */
export function decideEnv(deps: ProduceDeps): DecideEnv {
  return { now: deps.clock(), unseal: (sealed) => deps.sealer.open(sealed) };
}

/** An encoded answer and the record to write with it. */
export interface Materialized {
  body: string;
  resultCode: string;
  next?: InstanceRecord;
}

/**
 * Turns an {@link Answer} into the body to send and the record to write, storing the body under
 * `answer.remember` so a retry replays it.
 */
export function materialize(answer: Answer, scope: AnswerScope): Materialized {
  const { responder, deps } = scope;
  if ('replayBody' in answer.response) {
    const body = responder.replay(answer.response.replayBody, deps.sealer);
    return { body, resultCode: resultCodeOf(body), ...(answer.next ? { next: answer.next } : {}) };
  }
  const model = answer.response;
  const body = responder.encode(model);
  let next = answer.next;
  if (next && answer.remember) {
    next = { ...next, responses: { ...next.responses, [answer.remember]: responder.storable(body, model, deps.sealer) } };
  }
  return { body, resultCode: model.resultCode, ...(next ? { next } : {}) };
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

/** An audit entry for this scope with its final code. */
export function auditEntry(scope: AnswerScope, resultCode: string, at: number, detail?: string): AuditEntry {
  const entry: AuditEntry = { ...scope.audit, at, resultCode };
  if (detail) entry.detail = detail.slice(0, 200);
  if (scope.startedAt !== undefined) entry.ms = Math.max(0, at - scope.startedAt);
  return entry;
}

/** The outcome of a call on `instanceId`. */
export function outcomeOf(out: Materialized, instanceId: string, reason?: string): Outcome {
  return { body: out.body, resultCode: out.resultCode, instanceId, ...(reason ? { reason } : {}) };
}
