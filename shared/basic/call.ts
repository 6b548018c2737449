/**
 * One basic-interface call in flight, and the steps every activity shares: the decision environment,
 * turning a lifecycle {@link Answer} into bytes and a record, and the call's audit entry.
 * @module
 */
import type { Call, Outcome } from '../callback/spec';
import type { AuditEntry, StoredAnswer } from '../store/Store';
import { instanceIdOfTag } from '../store/keys';
import { queryView } from '../lifecycle/queryInstance';
import type { Answer, Command, DecideEnv, InstanceRecord } from '../lifecycle/types';
import type { ResponseModel } from '../protocol/responseModel';
import type { ProduceDeps } from './deps';
import { recordWrite, type KeptAnswer, type RecordWrite } from './answers';
import { storedResultCode, type BasicResponder } from './responder';

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

/**
 * The instance a call works on, read back from its tag: produceSpec.tag derived it from the command (a
 * newInstance's order line) once, and it is never derived again.
 */
export function instanceIdOf(call: BasicCall): string {
  return instanceIdOfTag(call.tag) ?? call.tag;
}

/** The answer scope of a request. */
export function scopeOf(call: BasicCall): AnswerScope {
  return { deps: call.deps, responder: call.verified.responder, audit: call.summary.audit, startedAt: call.startedAt };
}

/** The pure-decision environment at this moment. */
export function decideEnv(deps: ProduceDeps): DecideEnv {
  return { now: deps.clock(), unseal: (sealed) => deps.sealer.open(sealed) };
}

/** An encoded answer and what to write with it: the record and the answers kept beside it (answers.ts). */
export interface Materialized {
  body: string;
  resultCode: string;
  /** Absent when the answer changes no record; spread into a commit step as it is. */
  write?: RecordWrite & { view: string };
}

/**
 * Turns an {@link Answer} decided on `before` into the body to send and what to write: the record, and the
 * body kept under `answer.remember` beside it so a retry replays it (see answers.ts).
 */
export function materialize(answer: Answer, scope: AnswerScope, before: InstanceRecord | null): Materialized {
  const { responder, deps } = scope;
  let out: Materialized;
  let fresh: KeptAnswer | undefined;
  if ('replayBody' in answer.response) {
    // An answer stored inside a record written before answers moved beside it.
    const body = responder.replay(answer.response.replayBody, deps.sealer);
    out = { body, resultCode: storedResultCode(body) };
  } else {
    const body = responder.encode(answer.response);
    out = { body, resultCode: answer.response.resultCode };
    if (answer.remember !== undefined) fresh = { key: answer.remember, answer: { resultCode: answer.response.resultCode, body: responder.storable(body, answer.response, deps.sealer) } };
  }
  if (answer.next !== undefined) {
    const write = recordWrite(before, answer.next, deps.clock(), fresh, (held) => storedAnswer(held, scope));
    out.write = Object.assign(write, { view: recordView(write.next) });
  }
  return out;
}

/**
 * The view text kept beside `record` by every write of it, so a query reads that instead of the whole record
 * (Store `view`).
 */
export function recordView(record: InstanceRecord): string {
  return JSON.stringify(queryView(record));
}

/** A fresh answer (`answer.response` is a model) as it is stored for this scope. */
function storedAnswer(answer: Answer, scope: AnswerScope): StoredAnswer {
  const model = answer.response as ResponseModel;
  return { resultCode: model.resultCode, body: scope.responder.storable(scope.responder.encode(model), model, scope.deps.sealer) };
}

/** The answer stored beside the record that Store.begin returned for a retry: its body for this request. */
export function replayed(stored: StoredAnswer, scope: AnswerScope): Materialized {
  return { body: scope.responder.replay(stored.body, scope.deps.sealer), resultCode: stored.resultCode };
}

// The audit entries below copy the call's fields with Object.assign, not a spread: the fields a call has
// vary (orderId, test...), and a spread over objects of several shapes falls to V8's slow path (4 µs a copy
// on Node 20, against 0.1 µs).

/** The audit entry of a replayed answer, but for its code, which the store takes from the stored answer. */
export function replayAudit(scope: AnswerScope, at: number): Omit<AuditEntry, 'resultCode'> {
  const entry: Omit<AuditEntry, 'resultCode'> = Object.assign({}, scope.audit, { at });
  if (scope.startedAt !== undefined) entry.ms = Math.max(0, at - scope.startedAt);
  return entry;
}

/** An audit entry for this scope with its final code. */
export function auditEntry(scope: AnswerScope, resultCode: string, at: number, detail?: string): AuditEntry {
  const entry: AuditEntry = Object.assign({}, scope.audit, { at, resultCode });
  if (detail) entry.detail = detail.slice(0, 200);
  if (scope.startedAt !== undefined) entry.ms = Math.max(0, at - scope.startedAt);
  return entry;
}

/** The outcome of a call on `instanceId`. */
export function outcomeOf(out: Materialized, instanceId: string, reason?: string): Outcome {
  const outcome: Outcome = { body: out.body, resultCode: out.resultCode, instanceId };
  if (reason) outcome.reason = reason;
  return outcome;
}
