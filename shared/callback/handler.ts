/**
 * A signed callback as a FunctionGraph handler: APIG event in, APIG response out, always HTTP 200 JSON.
 * Configuration and clients are built at the first invocation and reused while the instance is warm;
 * a configuration error is answered with `000005` and logged with the setting's name.
 * @module
 */
import { toApigResponse, toRequest, type ApigEvent, type ApigResponse } from '../platform/apig';
import type { FgContext } from '../platform/context';
import { createLogger, type Logger } from '../platform/logger';
import { loggableMessage } from '../core/errors';
import { RESULT, RESULT_MESSAGE } from '../core/resultCodes';
import { buildCallbackDeps, lazily, type RuntimeOptions } from './deps';
import { runCallback } from './engine';
import { requestDeadlineMs } from './requestDeadline';
import type { CallbackDeps, CallbackSpec, ResultModel } from './spec';

/** A FunctionGraph handler behind an APIG trigger. */
export type Handler = (event: ApigEvent, context: FgContext) => Promise<ApigResponse>;

/** The answer when the function cannot even start (configuration); no detail leaves the function. */
export function internalErrorResponse(): ApigResponse {
  return toApigResponse({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ resultCode: RESULT.INTERNAL_ERROR, resultMsg: RESULT_MESSAGE[RESULT.INTERNAL_ERROR] }),
  });
}

/** The request id FunctionGraph gives, or '' when the context cannot say. */
export function safeRequestId(context: FgContext): string {
  try {
    return context.getRequestID();
  } catch {
    return '';
  }
}

/** The invocation's remaining time (ms), or infinity when the context cannot say. */
export function remainingMs(context: FgContext): number {
  try {
    const ms = context.getRemainingTimeInMilliSeconds();
    return typeof ms === 'number' && !Number.isNaN(ms) ? ms : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The deps of one invocation: an object whose one own property is the invocation's logger, with the warm
 * instance's deps as its prototype. Copying a dozen collaborators onto a new object for every call cost
 * more than most of a replayed answer's work; reads through the prototype cost nothing measurable.
 */
function invocationDeps<D extends CallbackDeps>(base: D): (logger: Logger) => D {
  const InvocationDeps = function (this: { logger: Logger }, logger: Logger): void {
    this.logger = logger;
  } as unknown as new (logger: Logger) => D;
  InvocationDeps.prototype = base;
  return (logger) => new InvocationDeps(logger);
}

/** Creates the handler of `spec`. */
export function createCallbackHandler<D extends CallbackDeps, P, M extends ResultModel>(
  spec: CallbackSpec<D, P, M>,
  options: RuntimeOptions = {},
): Handler {
  const depsFor = lazily((context) => {
    const base = spec.deps(buildCallbackDeps(context, options));
    return { base, withLogger: invocationDeps(base) };
  });
  const logFields = { fn: spec.name };
  return async (event, context) => {
    const req = toRequest(event, safeRequestId(context));
    try {
      const { base, withLogger } = depsFor(context);
      const deps = withLogger(createLogger(context.getLogger(), base.config.KG_LOG_LEVEL, logFields));
      return toApigResponse(await runCallback(spec, req, deps, requestDeadlineMs(remainingMs(context))));
    } catch (err) {
      // Configuration (or the first build of the collaborators) failed: no configured level to honour.
      createLogger(context.getLogger(), 'info', { fn: spec.name, requestId: req.requestId })
        .error(`${spec.name}.unavailable`, { error: (err as Error)?.name, message: loggableMessage(err) });
      return internalErrorResponse();
    }
  };
}
