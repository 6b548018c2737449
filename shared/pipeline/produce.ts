/**
 * The `produce` function's request pipeline, for every basic interface on the production address:
 * V2 (`POST`, `?signature&timestamp&nonce`, JSON body) and V1 (`GET`, `authToken`). One direction:
 * verify -> parse -> (test answer | newInstance | query | mutation) -> respond. Every answer is HTTP 200
 * JSON with a resultCode; every answer but `000000` also goes to the failure stream.
 * @module
 */
import type { HttpRequest, HttpResponse } from '../platform/apig';
import { MAX_BODY_BYTES } from '../platform/apig';
import { AuthError, ConfigError, InvalidParamError, KgError, StoreUnavailableError } from '../protocol/errors';
import { errorModel } from '../protocol/respond';
import { parseJsonBody, parseV1Basic, parseV2Basic } from '../protocol/parse';
import { RESULT } from '../protocol/resultCodes';
import { verifyV1AuthToken } from '../security/v1AuthToken';
import { verifyV2Signature } from '../security/v2Signature';
import type { VerifyResult } from '../security/verifyResult';
import type { Command } from '../lifecycle/types';
import type { CallContext, CallOutcome } from './callContext';
import type { ProduceDeps } from './deps';
import { v1Responder, v2Responder, type Responder } from './responder';
import { runMutation } from './runMutation';
import { runNewInstance } from './runNewInstance';
import { runQuery } from './runQuery';
import { runTestRequest } from './runTestRequest';
import { commandFromV1, commandFromV2 } from './toCommand';

/** A V1 call is a GET carrying `authToken`; everything else is treated as V2. */
export function isV1Request(req: HttpRequest): boolean {
  return req.method === 'GET' || (req.query.authToken !== undefined && req.query.signature === undefined);
}

/** Handles one production-interface request. Never throws. */
export async function handleProduce(req: HttpRequest, deps: ProduceDeps): Promise<HttpResponse> {
  const started = deps.clock();
  const keys = deps.config.KG_ACCESS_KEY ?? [];
  const v1 = isV1Request(req);
  let responder: Responder = v1 ? v1Responder(keys[0] ?? '', deps.config.KG_ENCRYPT_TYPE) : v2Responder(keys[0]);
  let activity = 'unknown';
  let command: Command | undefined;
  let keyIndex: number | undefined;
  let payloadForm: string | undefined;
  let outcome: CallOutcome;
  let storeDown = false;
  try {
    if (keys.length === 0) throw new ConfigError('missing setting KG_ACCESS_KEY: the basic-interface key bound in the seller console');
    if (req.body.length > MAX_BODY_BYTES) throw new InvalidParamError(`body: larger than ${MAX_BODY_BYTES} bytes`);
    let nonce: string | undefined;
    if (v1) {
      const verdict = verifyV1AuthToken({ params: req.query, keys });
      keyIndex = accept(verdict);
      responder = v1Responder(keys[keyIndex] ?? '', deps.config.KG_ENCRYPT_TYPE);
      parseV1Basic(req.query);
      command = commandFromV1(req.query);
    } else {
      const verdict = verifyV2Signature({ body: req.body.toString('utf8'), query: req.query, keys, nowMs: deps.clock(), windowMs: deps.config.KG_CLOCK_SKEW_MS });
      keyIndex = accept(verdict);
      if (verdict.ok) payloadForm = verdict.payloadForm;
      responder = v2Responder(keys[keyIndex]);
      command = commandFromV2(parseV2Basic(parseJsonBody(req.body, MAX_BODY_BYTES)));
      nonce = req.query.nonce;
    }
    activity = command.activity;
    const ctx: CallContext = { deps, responder, ...(nonce ? { nonce } : {}), audit: auditFields(req, command, nonce) };
    outcome = await run(ctx, command, v1 ? 'v1' : 'v2');
  } catch (err) {
    outcome = failureOutcome(err, responder);
    storeDown = err instanceof StoreUnavailableError;
    if (!(err instanceof KgError) || !err.expose) deps.logger.error('produce.error', { requestId: req.requestId, activity, error: errorName(err), message: err instanceof ConfigError ? err.message : undefined });
  }

  // With the store unreachable, recording the failure there would only add another timeout to the
  // answer: the log line below carries it instead.
  if (outcome.resultCode !== RESULT.SUCCESS && !storeDown) await recordFailure(deps, req, activity, command, outcome);
  deps.logger.info('produce.done', {
    requestId: req.requestId, protocol: v1 ? 'v1' : 'v2', activity, resultCode: outcome.resultCode,
    instanceId: outcome.instanceId, keyIndex, payloadForm, latencyMs: deps.clock() - started,
    ...(outcome.resultCode !== RESULT.SUCCESS ? { reason: outcome.reason } : {}),
  });
  return { statusCode: 200, headers: responder.headers(outcome.body), body: outcome.body };
}

function run(ctx: CallContext, cmd: Command, protocol: 'v1' | 'v2'): Promise<CallOutcome> {
  if (cmd.test) return runTestRequest(ctx, cmd);
  switch (cmd.activity) {
    case 'newInstance': return runNewInstance(ctx, cmd, protocol);
    case 'queryInstance': return runQuery(ctx, cmd);
    default: return runMutation(ctx, cmd);
  }
}

/** Turns a failed verification into the documented error; returns the index of the key that matched. */
function accept(verdict: VerifyResult): number {
  if (verdict.ok) return verdict.keyIndex;
  throw verdict.resultCode === RESULT.AUTH_FAILED ? new AuthError(verdict.reason) : new InvalidParamError(verdict.reason);
}

function failureOutcome(err: unknown, responder: Responder): CallOutcome {
  const model = errorModel(err);
  const reason = err instanceof KgError && err.expose ? model.resultMsg : `${errorName(err)}: ${model.resultMsg}`;
  return { body: responder.encode(model), resultCode: model.resultCode, reason };
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

function auditFields(req: HttpRequest, cmd: Command, nonce: string | undefined): CallContext['audit'] {
  const order = 'orderId' in cmd && cmd.orderId ? { orderId: cmd.orderId } : {};
  const line = 'orderLineId' in cmd && cmd.orderLineId ? { orderLineId: cmd.orderLineId } : {};
  const business = cmd.activity === 'newInstance' ? { businessId: cmd.businessId } : {};
  return {
    activity: cmd.activity, ...order, ...line, ...business,
    ...(req.requestId ? { requestId: req.requestId } : {}),
    ...(nonce ? { nonce } : {}),
    ...(cmd.test ? { test: true } : {}),
  };
}

/** Best effort: a store that is down must not turn the answer into something else. */
async function recordFailure(deps: ProduceDeps, req: HttpRequest, activity: string, cmd: Command | undefined, outcome: CallOutcome): Promise<void> {
  try {
    await deps.store.recordFailure({
      at: deps.clock(),
      resultCode: outcome.resultCode,
      activity,
      reason: (outcome.reason ?? '').slice(0, 300),
      ...(outcome.instanceId ? { instanceId: outcome.instanceId } : {}),
      ...(cmd && 'orderId' in cmd && cmd.orderId ? { orderId: cmd.orderId } : {}),
      ...(req.requestId ? { requestId: req.requestId } : {}),
    });
  } catch (err) {
    deps.logger.warn('failure_stream.unavailable', { requestId: req.requestId, error: errorName(err) });
  }
}
