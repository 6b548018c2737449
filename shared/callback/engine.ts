/**
 * The engine every signed callback runs on. One direction: body limit -> verify -> parse -> the
 * spec's run (transact: nonce + read, decide, compare-and-set + audit) -> respond, all inside the
 * request's deadline. Every answer is HTTP 200 JSON with a resultCode; a thrown error becomes its
 * documented code (`000005` with a safe message for anything unexpected); every answer but
 * `000000` goes to the failure stream; one log line per call, of one fixed shape.
 * @module
 */
import { withLazyDeadline, type DeadlineScope } from '../core/deadline';
import { DeadlineError, InvalidParamError, KgError, loggableMessage, StoreUnavailableError, toResult } from '../core/errors';
import { RESULT } from '../core/resultCodes';
import { MAX_BODY_BYTES, type HttpRequest, type HttpResponse } from '../platform/apig';
import { LineShape } from '../platform/logger';
import { recordFailure } from './failureStream';
import type { FailureEntry } from '../store/Store';
import type { Call, CallbackDeps, CallSummary, CallbackSpec, Outcome, Responder, ResultModel, Verified } from './spec';

/** Handles one request with `spec`. Never throws. `deadlineMs` bounds everything after parsing (ms). */
export async function runCallback<D extends CallbackDeps, P, M extends ResultModel>(
  spec: CallbackSpec<D, P, M>,
  req: HttpRequest,
  deps: D,
  deadlineMs: number,
): Promise<HttpResponse> {
  const started = deps.clock();
  let responder: Responder<M>;
  let verified: Verified<M> | undefined;
  let summary: CallSummary | undefined;
  let tag: string | undefined;
  let outcome: Outcome;
  let storeDown = false;
  try {
    if (req.body.length > MAX_BODY_BYTES) throw new InvalidParamError(`body: larger than ${MAX_BODY_BYTES} bytes`);
    verified = spec.verify(req, deps);
    responder = verified.responder;
    const request = spec.parse(req, verified, deps);
    const accepted = verified;
    const callSummary = spec.describe(request, req, accepted);
    summary = callSummary;
    tag = spec.tag(request, deps);
    const callTag = tag;
    const deadlineAt = started + deadlineMs;
    outcome = await withLazyDeadline(
      (scope) => spec.run(new InFlightCall(deps, request, accepted, callTag, callSummary, scope, deadlineAt, req.requestId, started)),
      deadlineMs,
      () => new DeadlineError(`${spec.name} did not finish within ${deadlineMs} ms`),
    );
  } catch (err) {
    // Built only for a call that failed before a key matched: an accepted call answers with its own.
    responder = verified?.responder ?? spec.unverifiedResponder(req, deps);
    outcome = failureOutcome(err, responder);
    // With the store unreachable (or the deadline spent waiting for it), recording the failure there would
    // only add another wait to the answer: the log line below carries it instead.
    storeDown = err instanceof StoreUnavailableError || err instanceof DeadlineError;
    if (!(err instanceof KgError) || !err.expose) {
      deps.logger.error(`${spec.name}.error`, {
        requestId: req.requestId, activity: summary?.activity ?? 'unknown', error: errorName(err),
        message: loggableMessage(err),
      });
    }
  }

  const activity = summary?.activity ?? 'unknown';
  const instanceId = outcome.instanceId ?? summary?.subject.instanceId;
  if (outcome.resultCode !== RESULT.SUCCESS && !storeDown) {
    const at = deps.clock();
    // A call refused before it was parsed is still named by what its body says, so the operator can tie a
    // signature failure to the order the marketplace will count (never trusted for anything else).
    const named = summary ? undefined : spec.peek?.(req, deps);
    const orderId = summary?.subject.orderId ?? named?.orderId;
    const orderLineId = summary?.audit.orderLineId ?? named?.orderLineId;
    const failedTag = tag ?? named?.tag;
    const reason = outcome.reason ?? resultMsgOf(outcome.body);
    const entry: FailureEntry = { at, resultCode: outcome.resultCode, activity: summary ? activity : named?.activity ?? activity, reason: reason.slice(0, 300) };
    if (outcome.instanceId) entry.instanceId = outcome.instanceId;
    if (orderId) entry.orderId = orderId;
    if (orderLineId) entry.orderLineId = orderLineId;
    if (summary?.subject.tenantId) entry.tenantId = summary.subject.tenantId;
    if (req.requestId) entry.requestId = req.requestId;
    if (spec.name !== 'produce') entry.fn = spec.name;
    if (summary?.audit.test ?? named?.test) entry.test = true;
    if (failedTag !== undefined) entry.tag = failedTag;
    entry.ms = Math.max(0, at - started);
    await recordFailure(deps.store, deps.logger, entry);
  }
  // One fixed shape for every call's line: the same keys in the same order, null where a call has no value.
  deps.logger.infoShaped(`${spec.name}.done`, DONE_LINE, {
    requestId: req.requestId, protocol: verified?.protocol ?? spec.protocolOf(req), activity, resultCode: outcome.resultCode,
    instanceId: instanceId ?? null, tenantId: summary?.subject.tenantId ?? null, keyIndex: verified?.keyIndex ?? null,
    payloadForm: verified?.payloadForm ?? null, latencyMs: deps.clock() - started,
    reason: outcome.resultCode === RESULT.SUCCESS ? null : outcome.reason ?? null,
  });
  return { statusCode: 200, headers: responder.headers(outcome.body), body: outcome.body };
}

/** The keys of the line every call ends with, in order. */
const DONE_LINE = new LineShape([
  'requestId', 'protocol', 'activity', 'resultCode', 'instanceId', 'tenantId', 'keyIndex', 'payloadForm', 'latencyMs', 'reason',
] as const);

/** The {@link Call} a spec's `run` gets: a class, so its lazily made `signal` is a getter on the prototype. */
class InFlightCall<D extends CallbackDeps, P, M extends ResultModel> implements Call<D, P, M> {
  constructor(
    readonly deps: D,
    readonly request: P,
    readonly verified: Verified<M>,
    readonly tag: string,
    readonly summary: CallSummary,
    private readonly scope: DeadlineScope,
    readonly deadlineAt: number,
    readonly requestId: string,
    readonly startedAt: number,
  ) {}

  get signal(): AbortSignal {
    return this.scope.signal;
  }
}

/** The answer to a thrown error, and the reason the failure stream keeps (safe text only). */
function failureOutcome<M extends ResultModel>(err: unknown, responder: Responder<M>): Outcome {
  const model = toResult(err);
  const reason = err instanceof KgError && err.expose ? model.resultMsg : `${errorName(err)}: ${model.resultMsg}`;
  return { body: responder.encode(model as M), resultCode: model.resultCode, reason };
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

/**
 * The answer's own `resultMsg`, for a failure whose outcome gave no reason (a replayed refusal, a provisioner
 * error the decision worded): what the marketplace was told is the best reason there is. '' when unreadable
 * (an encrypted V1 body).
 */
function resultMsgOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { resultMsg?: unknown };
    return typeof parsed.resultMsg === 'string' ? parsed.resultMsg : '';
  } catch {
    return '';
  }
}
