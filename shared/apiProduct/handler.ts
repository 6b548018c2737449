/**
 * `apiProductHandler`: a FunctionGraph handler for the backend of an API-type product behind the Agents
 * gateway (platform-and-open-api.md §7.1-§7.2). It wraps the merchant's own handler and guarantees what the
 * gateway bills by:
 *
 * - a call that is not the gateway's (JWT or constant header, settings.ts) is answered 401 before the handler
 *   runs; 401s and every other error are non-2xx, so none is billed;
 * - the handler gets the buyer (`X-Customer-Id`, `X-Customer-Name`), `X-Request-Id`, the body (raw and parsed);
 * - every 2xx answer carries a top-level `usage` with `prompt_tokens`, `completion_tokens`, `total_tokens`
 *   (usage.ts); a 2xx without valid usage is never sent: it becomes a 500 JSON error;
 * - a handler that throws, returns something unusable or runs out of time gets a non-2xx JSON error
 *   (its own status for an {@link ApiProductError}, 500, or 504);
 * - a streamed answer (`events`) is one `text/event-stream` body whose final JSON chunk carries `usage` (sse.ts).
 *
 * Every answer is JSON (`{"error": {...}, "usage": <zeros>}` for errors: a reader that expects `usage` in every
 * answer finds one, and it bills nothing) or an event stream, with an integer status; the wrapper never throws.
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { DeadlineError, loggableMessage } from '../core/errors';
import { parseJsonOrUndefined } from '../core/json';
import { withDeadline } from '../core/deadline';
import { readConfig, lazily, type RuntimeOptions } from '../callback/deps';
import { remainingMs, safeRequestId, type Handler } from '../callback/handler';
import { ANSWER_MARGIN_MS } from '../callback/requestDeadline';
import { MAX_BODY_BYTES, toApigResponse, toRequest, type ApigResponse } from '../platform/apig';
import type { Config } from '../platform/config';
import type { FgContext, FgLogger } from '../platform/context';
import { createLogger, type Logger } from '../platform/logger';
import { buyerContext, type BuyerContext } from './buyer';
import { ApiProductError, GatewayAuthError } from './errors';
import { verifyGatewayCall } from './gatewayAuth';
import { gatewaySettings, HEADER_NAME, type GatewaySettings } from './settings';
import { encodeSse, SSE_CONTENT_TYPE } from './sse';
import { normalizeUsage, ZERO_USAGE, type TokenUsage, type UsageInput } from './usage';

/** One call, as the merchant's handler sees it. */
export interface ApiCall {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  /** The exact body bytes. */
  body: Buffer;
  /** The body parsed as JSON; undefined when it is empty, not UTF-8 or not JSON. */
  json: unknown;
  /** The buyer and the gateway's request id. */
  buyer: BuyerContext;
  /** The gateway AK whose JWT admitted the call; undefined in constant-header mode. */
  apiKey?: string;
  /** When the call arrived (epoch ms). */
  receivedAt: number;
  /** Aborted when the call runs out of time: stop work not started yet. */
  signal: AbortSignal;
  /** Structured log lines bound to this call. */
  logger: Logger;
}

/** A JSON answer. A 2xx must carry usage, here or as `json.usage`; `usage` here wins. */
export interface ApiJsonReply {
  /** HTTP status; default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** The answer's top-level object; `usage` is set on it. */
  json: Record<string, unknown>;
  usage?: UsageInput;
}

/** A streamed answer (2xx only): the chunks in order; the last one gets `usage` (here, or its own `usage`). */
export interface ApiStreamReply {
  status?: number;
  headers?: Record<string, string>;
  events: ReadonlyArray<Record<string, unknown>>;
  usage?: UsageInput;
}

/** What the merchant's handler returns. */
export type ApiReply = ApiJsonReply | ApiStreamReply;

/**
 * The merchant's part of an API product: one call in, one reply out. Throw {@link ApiProductError} to refuse
 * with a status of your own; anything else thrown becomes a 500.
 */
export type ApiHandler = (call: ApiCall) => Promise<ApiReply> | ApiReply;

/** How the wrapper runs. */
export interface ApiProductOptions extends RuntimeOptions {
  /** The function's name in log lines; default `api-product`. */
  name?: string;
  /** Longest a handler may run (ms), within the function's remaining time less 250 ms; default: that time. */
  timeoutMs?: number;
}

/** Longest timer Node.js accepts (ms). */
const MAX_TIMER_MS = 2_147_000_000;
const JSON_TYPE = 'application/json; charset=utf-8';
/** Headers the wrapper sets itself. */
const OWN_HEADERS = new Set(['content-type', 'content-length', 'x-request-id', 'transfer-encoding']);

interface Deps {
  config: Config;
  gateway: GatewaySettings;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function requestIdHeader(id: string): Record<string, string> {
  return id !== '' && id.length <= 256 && !/[\r\n\0]/.test(id) ? { 'X-Request-Id': id } : {};
}

/** An OpenAI-style error answer with zero usage. */
function errorAnswer(status: number, message: string, type: string, code: string | null, requestId: string, extra: Record<string, string> = {}): ApigResponse {
  return toApigResponse({
    statusCode: status,
    headers: { 'Content-Type': JSON_TYPE, ...extra, ...requestIdHeader(requestId) },
    body: JSON.stringify({ error: { message, type, code }, usage: ZERO_USAGE }),
  });
}

/** The merchant's headers that may go out as they are. */
function merchantHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(h)) return out;
  for (const [k, v] of Object.entries(h)) {
    if (typeof v === 'string' && HEADER_NAME.test(k) && !OWN_HEADERS.has(k.toLowerCase()) && !/[\r\n\0]/.test(v)) out[k] = v;
  }
  return out;
}

/** The body as JSON (a leading BOM skipped); undefined when it is empty, not UTF-8 or not JSON. */
function parseJson(body: Buffer): unknown {
  return body.length > 0 && isUtf8(body) ? parseJsonOrUndefined(new TextDecoder().decode(body)) : undefined;
}


function loggerSink(context: FgContext): FgLogger {
  try {
    const sink = context.getLogger();
    if (sink && typeof sink.info === 'function') return sink;
  } catch {
    // fall through
  }
  return { info: () => undefined };
}

/** Runs the merchant's handler within `limitMs` (ms; infinite: no limit). */
async function runHandler(handler: ApiHandler, call: Omit<ApiCall, 'signal'>, limitMs: number): Promise<unknown> {
  if (!Number.isFinite(limitMs)) return handler({ ...call, signal: new AbortController().signal });
  return withDeadline(
    (signal) => Promise.resolve(handler({ ...call, signal })),
    Math.min(Math.max(0, limitMs), MAX_TIMER_MS),
    () => new DeadlineError('the API handler ran out of time'),
  );
}

/** Statuses a reply may have: 200-599 with a body (no 204, 205 or 304). */
function usableStatus(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599 && status !== 204 && status !== 205 && status !== 304;
}

interface Shaped {
  response: ApigResponse;
  usage?: TokenUsage;
  stream: boolean;
}

/** Turns the handler's reply into the answer, enforcing the usage rules. Throws on an unusable reply. */
function shapeReply(reply: unknown, requestId: string, logger: Logger): Shaped {
  const invalid = (problem: string): Shaped => {
    logger.error('api.invalid_reply', { problem });
    return { response: errorAnswer(500, 'the API backend produced an invalid answer', 'server_error', 'invalid_reply', requestId), stream: false };
  };
  if (!isPlainObject(reply)) return invalid('the handler returned no reply object');
  const status = reply.status ?? 200;
  if (!usableStatus(status)) return invalid('status must be an integer 200-599 with a body');
  const ok = status < 300;
  const headers = merchantHeaders(reply.headers);
  if (Object.hasOwn(reply, 'events')) {
    const events = reply.events;
    if (!Array.isArray(events) || events.length === 0 || !events.every(isPlainObject)) return invalid('events must be a non-empty array of objects');
    if (!ok) return invalid('a streamed answer must be 2xx; answer an error with json');
    const last = events[events.length - 1] as Record<string, unknown>;
    const usage = normalizeUsage(reply.usage ?? last.usage);
    if (!usage.ok) return missingUsage(usage.problem, requestId, logger);
    const body = encodeSse(events as Array<Record<string, unknown>>, usage.usage);
    return {
      response: toApigResponse({ statusCode: status, headers: { ...headers, 'Content-Type': SSE_CONTENT_TYPE, 'Cache-Control': 'no-cache', ...requestIdHeader(requestId) }, body }),
      usage: usage.usage,
      stream: true,
    };
  }
  const json = reply.json;
  if (!isPlainObject(json)) return invalid('json must be an object (usage goes at its top level)');
  let out: Record<string, unknown>;
  let billed: TokenUsage | undefined;
  if (ok) {
    const usage = normalizeUsage(reply.usage ?? json.usage);
    if (!usage.ok) return missingUsage(usage.problem, requestId, logger);
    billed = usage.usage;
    out = { ...json, usage: usage.usage };
  } else {
    out = json.usage === undefined ? { ...json, usage: ZERO_USAGE } : json;
  }
  const body: unknown = JSON.stringify(out);
  if (typeof body !== 'string') return invalid('json is not serialisable');
  return {
    response: toApigResponse({ statusCode: status, headers: { ...headers, 'Content-Type': JSON_TYPE, ...requestIdHeader(requestId) }, body }),
    ...(billed ? { usage: billed } : {}),
    stream: false,
  };
}

function missingUsage(problem: string, requestId: string, logger: Logger): Shaped {
  logger.error('api.usage_refused', { problem });
  return {
    response: errorAnswer(500, 'the API backend answered without valid usage; nothing was billed', 'server_error', 'invalid_usage', requestId),
    stream: false,
  };
}

/** The error answer of something the handler threw. */
function thrownAnswer(err: unknown, requestId: string, logger: Logger): ApigResponse {
  if (err instanceof ApiProductError) {
    const status = Number.isInteger(err.status) && err.status >= 400 && err.status <= 599 ? err.status : 500;
    logger.info('api.refused_by_handler', { status, code: err.code });
    return errorAnswer(status, String(err.message).slice(0, 500), typeof err.type === 'string' ? err.type : 'server_error', typeof err.code === 'string' ? err.code : null, requestId);
  }
  if (err instanceof DeadlineError) {
    logger.error('api.timeout', {});
    return errorAnswer(504, 'the API backend did not answer in time', 'timeout', 'timeout', requestId);
  }
  logger.error('api.handler_failed', { error: err instanceof Error ? err.name : typeof err });
  return errorAnswer(500, 'the API backend failed', 'server_error', 'internal_error', requestId);
}

/**
 * Wraps an API product's handler as a FunctionGraph (APIG-trigger) handler; see the module comment for what
 * it guarantees. Reads KG_GATEWAY_* at the first call of a warm instance.
 * @example
 * // functions/my-api/index.ts
 * import { apiProductHandler, ApiProductError } from '../../shared';
 * import { merchant } from '../merchant';
 * export const handler = apiProductHandler(async ({ json, buyer }) => {
 *   if (typeof (json as { input?: unknown })?.input !== 'string') throw new ApiProductError(400, 'input must be a string');
 *   const out = await myModel((json as { input: string }).input, buyer.customerId);
 *   return { json: { data: out.text }, usage: { prompt_tokens: out.inTokens, completion_tokens: out.outTokens } };
 * }, { ...merchant.runtime, name: 'my-api' });
 */
export function apiProductHandler(handler: ApiHandler, options: ApiProductOptions = {}): Handler {
  const name = options.name ?? 'api-product';
  const clock = options.clock ?? Date.now;
  const depsFor = lazily((context): Deps => {
    const config = readConfig(context, options);
    return { config, gateway: gatewaySettings(config) };
  });
  return async (event, context) => {
    let requestId = '';
    try {
      const receivedAt = clock();
      const req = toRequest(event, safeRequestId(context));
      const buyer = buyerContext(req.headers, req.requestId);
      requestId = buyer.requestId;
      const sink = loggerSink(context);
      let logger = createLogger(sink, 'info', { fn: name, requestId });
      let deps: Deps;
      try {
        deps = depsFor(context);
      } catch (err) {
        logger.error(`${name}.unavailable`, { error: (err as Error)?.name, message: loggableMessage(err) });
        return errorAnswer(500, 'the API backend is not configured; its log names the setting', 'server_error', 'not_configured', requestId);
      }
      logger = createLogger(sink, deps.config.KG_LOG_LEVEL, { fn: name, requestId });
      let apiKey: string | undefined;
      try {
        apiKey = verifyGatewayCall(req.headers, deps.gateway, receivedAt).apiKey;
      } catch (err) {
        if (!(err instanceof GatewayAuthError)) throw err;
        logger.warn('api.unauthorized', { reason: err.reason });
        const challenge: Record<string, string> = deps.gateway.mode === 'jwt' && deps.gateway.header === 'authorization' ? { 'WWW-Authenticate': 'Bearer' } : {};
        return errorAnswer(401, err.message, 'authentication_error', err.reason, requestId, challenge);
      }
      if (req.body.length > MAX_BODY_BYTES) return errorAnswer(413, `the body is larger than ${MAX_BODY_BYTES} bytes`, 'invalid_request_error', 'body_too_large', requestId);
      const call = {
        method: req.method, path: req.path, headers: req.headers, query: req.query, body: req.body, json: parseJson(req.body),
        buyer, ...(apiKey !== undefined ? { apiKey } : {}), receivedAt, logger,
      };
      const limit = Math.min(options.timeoutMs ?? Number.POSITIVE_INFINITY, remainingMs(context) - ANSWER_MARGIN_MS);
      let reply: unknown;
      try {
        reply = await runHandler(handler, call, limit);
      } catch (err) {
        return thrownAnswer(err, requestId, logger);
      }
      let shaped: Shaped;
      try {
        shaped = shapeReply(reply, requestId, logger);
      } catch (err) {
        logger.error('api.invalid_reply', { problem: 'the reply is not serialisable', error: (err as Error)?.name });
        return errorAnswer(500, 'the API backend produced an invalid answer', 'server_error', 'invalid_reply', requestId);
      }
      logger.info('api.answered', {
        status: shaped.response.statusCode, stream: shaped.stream, customerId: buyer.customerId, gatewayAk: apiKey,
        usagePrompt: shaped.usage?.prompt_tokens, usageCompletion: shaped.usage?.completion_tokens, usageTotal: shaped.usage?.total_tokens,
        latencyMs: clock() - receivedAt,
      });
      return shaped.response;
    } catch {
      // Nothing above should throw; if it does, the answer is still a non-2xx JSON error.
      return errorAnswer(500, 'the API backend failed', 'server_error', 'internal_error', requestId);
    }
  };
}
