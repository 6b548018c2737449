/**
 * An SSO function as a FunctionGraph handler. Not a signed callback, so not on the engine, but built the
 * same way: settings and clients once per warm instance (`buildCallbackDeps`, `lazily`), the APIG event
 * read with `toRequest`, the request bounded by the same deadline (the function's remaining time and the
 * gateway's wait), every refusal answered by the refusal page and logged with its reason, one log line
 * per request. Query strings (the single-use code), cookies and tokens are never logged.
 * @module
 */
import { buildCallbackDeps, lazily, type RuntimeOptions } from '../callback/deps';
import { remainingMs, safeRequestId, type Handler } from '../callback/handler';
import { loggableMessage } from '../core/errors';
import { requestDeadlineMs } from '../callback/requestDeadline';
import { toApigResponse, toRequest, type HttpRequest, type HttpResponse } from '../platform/apig';
import { createLogger, type Logger } from '../platform/logger';
import { ssoDeps, type SsoDeps, type SsoDepsOptions } from './deps';
import { SsoError } from './errors';
import type { CallBudget } from './idpClient';
import { refusal } from './pages';
import { ssoRouteOf } from './routes';

/** What a router gets besides the request and the collaborators. */
export interface RouteContext {
  /** The request's deadline, which every IdP call stays inside. */
  budget: CallBudget;
  logger: Logger;
}

/** An answer, with the reason code of a refusal the router answered itself (for the log line). */
export type RouteAnswer = HttpResponse & { reason?: string };

/** One function's routing: answers, or throws an SsoError (or anything, which becomes `server_error`). */
export type SsoRouter = (req: HttpRequest, deps: SsoDeps, ctx: RouteContext) => Promise<RouteAnswer>;


/** Creates the handler of SSO function `name` (`sso-login`, `sso-logout`). */
export function createSsoHandler(name: string, router: SsoRouter, options: RuntimeOptions & SsoDepsOptions = {}): Handler {
  const depsFor = lazily((context) => ssoDeps(buildCallbackDeps(context, options), options.fetch ? { fetch: options.fetch } : {}));
  return async (event, context) => {
    const started = Date.now();
    const req = toRequest(event, safeRequestId(context));
    const route = ssoRouteOf(req.path) ?? 'unknown';
    let logger = createLogger(context.getLogger(), 'info', { fn: name, requestId: req.requestId });
    let deps: SsoDeps | undefined;
    let answer: RouteAnswer;
    try {
      deps = depsFor(context);
      logger = createLogger(context.getLogger(), deps.config.KG_LOG_LEVEL, { fn: name, requestId: req.requestId });
      const budget: CallBudget = { deadlineAt: started + requestDeadlineMs(remainingMs(context)) };
      answer = await router(req, { ...deps, logger }, { budget, logger });
    } catch (err) {
      let refused: SsoError;
      if (err instanceof SsoError) {
        refused = err;
        logger.warn('sso.refused', { route, status: err.status, reason: err.reason, detail: err.detail });
      } else {
        refused = new SsoError('server_error');
        const e = err as Error | undefined;
        // A ConfigError names the setting (never its value); other messages may hold internals.
        logger.error(`${name}.error`, { route, error: e?.name ?? typeof err, message: loggableMessage(err) });
      }
      answer = { ...refusal(req, refused, { backUrl: deps?.sso.appUrl, json: route === 'session' }), reason: refused.reason };
    }
    logger.info(`${name}.done`, { method: req.method, route, status: answer.statusCode, reason: answer.reason, latencyMs: Date.now() - started });
    return toApigResponse(answer);
  };
}
