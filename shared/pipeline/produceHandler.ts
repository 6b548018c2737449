/**
 * The FunctionGraph handler of `produce`: APIG event in, APIG response out, always HTTP 200 JSON.
 * Configuration and clients are built at the first invocation and reused while the instance is warm;
 * a configuration error is answered with `000005` and logged with the setting's name.
 * @module
 */
import { toApigResponse, toRequest, type ApigEvent, type ApigResponse } from '../platform/apig';
import type { FgContext } from '../platform/context';
import { createLogger } from '../platform/logger';
import { RESULT, RESULT_MESSAGE } from '../protocol/resultCodes';
import { lazyDeps, type DepsOptions } from './buildDeps';
import { handleProduce } from './produce';

/** A FunctionGraph handler. */
export type Handler = (event: ApigEvent, context: FgContext) => Promise<ApigResponse>;

/** The answer when the function cannot even start (configuration); no detail leaves the function. */
export function internalErrorResponse(): ApigResponse {
  return toApigResponse({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ resultCode: RESULT.INTERNAL_ERROR, resultMsg: RESULT_MESSAGE[RESULT.INTERNAL_ERROR] }),
  });
}

/** Creates the `produce` handler. */
export function createProduceHandler(options: DepsOptions = {}): Handler {
  const depsFor = lazyDeps(options);
  return async (event, context) => {
    const req = toRequest(event, safeRequestId(context));
    let logger = createLogger(context.getLogger(), 'info', { fn: 'produce', requestId: req.requestId });
    try {
      const deps = depsFor(context);
      logger = createLogger(context.getLogger(), deps.config.KG_LOG_LEVEL, { fn: 'produce' });
      return toApigResponse(await handleProduce(req, { ...deps, logger }));
    } catch (err) {
      logger.error('produce.unavailable', { error: (err as Error)?.name, message: (err as Error)?.name === 'ConfigError' ? (err as Error).message : undefined });
      return internalErrorResponse();
    }
  };
}

function safeRequestId(context: FgContext): string {
  try {
    return context.getRequestID();
  } catch {
    return '';
  }
}
