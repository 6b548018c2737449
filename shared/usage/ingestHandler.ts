/**
 * `usage-ingest`: `POST /usage`, where the merchant's own back end reports on-demand usage. Not a marketplace
 * callback (so not on the callback engine): the request is HMAC-signed with KG_USAGE_INGEST_KEY (see
 * ingestSignature.ts) and answered with HTTP status codes the back end can act on:
 *
 * - 200 `{stored, duplicates, refused: [], meteringSns}`: every record is stored (or was already);
 * - 422 the same shape with `refused: [{index, meteringSn?, reason}]`: those changed nothing, the others are stored;
 * - 400 `{error: "bad_body", message}`: not JSON, not a list of records, too many, too large: nothing changed;
 * - 401 `{error: "bad_signature", message}`: missing, stale or wrong signature: nothing changed;
 * - 405 `{error: "method_not_allowed"}`;
 * - 503 `{error: "unavailable"}`: Redis could not be reached; nothing was acknowledged, send again;
 * - 500 `{error: "internal"}`: the function is not configured (the log names the setting).
 *
 * A replayed request inside the 5-minute window is harmless: records are idempotent by `meteringSn`.
 * @module
 */
import { loggableMessage, StoreUnavailableError } from '../core/errors';
import { MAX_BODY_BYTES, toApigResponse, toRequest, type ApigResponse, type HttpRequest } from '../platform/apig';
import { readConfig, lazily, type RuntimeOptions } from '../callback/deps';
import { safeRequestId, type Handler } from '../callback/handler';
import { requireSetting, type Config } from '../platform/config';
import type { FgContext } from '../platform/context';
import { createLogger, type Logger } from '../platform/logger';
import { getStore } from '../store/createStore';
import type { Store } from '../store/Store';
import type { UsageLedger } from '../store/UsageLedger';
import { usageLedgerFor } from '../store/usageLedgerFor';
import { verifyUsageIngest } from './ingestSignature';
import { ingestUsage, MAX_RECORDS_PER_CALL } from './recordUsage';

/** What `usage-ingest` works with, built once per warm instance. */
export interface UsageIngestHandlerDeps {
  config: Config;
  store: Store;
  ledger: UsageLedger;
  /** KG_USAGE_INGEST_KEY, newest first. */
  keys: readonly string[];
  clock: () => number;
}

/** Builds the deps; throws ConfigError naming a missing setting. */
export function buildUsageIngestDeps(context: FgContext | undefined, options: RuntimeOptions): UsageIngestHandlerDeps {
  const config = readConfig(context, options);
  const keys = requireSetting(config, 'KG_USAGE_INGEST_KEY', 'the key(s) your back end signs POST /usage with (newest first)');
  const store = options.store ?? getStore(config, { allowMemory: options.allowMemoryStore === true });
  return { config, store, ledger: usageLedgerFor(store), keys, clock: options.clock ?? Date.now };
}

function json(statusCode: number, body: unknown): ApigResponse {
  return toApigResponse({ statusCode, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) });
}

const AUTH_MESSAGE: Record<string, string> = {
  'missing-header': 'x-kg-timestamp and x-kg-signature are required',
  'bad-timestamp': 'x-kg-timestamp must be epoch milliseconds',
  'stale-timestamp': 'x-kg-timestamp is more than 5 minutes away from our clock',
  'bad-signature': 'x-kg-signature does not match any configured KG_USAGE_INGEST_KEY',
};

/** The records of a body: a JSON array, or an object with a `records` array. */
function recordsOf(body: Buffer): { ok: true; records: unknown[] } | { ok: false; message: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, message: 'body is not UTF-8' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
  const records = Array.isArray(parsed)
    ? parsed
    : parsed !== null && typeof parsed === 'object' && Array.isArray((parsed as { records?: unknown }).records)
      ? (parsed as { records: unknown[] }).records
      : undefined;
  if (!records) return { ok: false, message: 'body must be a JSON array of records, or {"records": [...]}' };
  if (records.length > MAX_RECORDS_PER_CALL) return { ok: false, message: `at most ${MAX_RECORDS_PER_CALL} records per request` };
  return { ok: true, records };
}

/** Answers one request. Throws only what the store throws (StoreUnavailableError). */
export async function handleUsageIngest(req: HttpRequest, deps: UsageIngestHandlerDeps, logger: Logger): Promise<ApigResponse> {
  if (req.method !== 'POST') return json(405, { error: 'method_not_allowed', message: 'POST /usage only' });
  if (req.body.length > MAX_BODY_BYTES) return json(400, { error: 'bad_body', message: `body larger than ${MAX_BODY_BYTES} bytes` });
  const auth = verifyUsageIngest(deps.keys, req.headers, req.body, deps.clock());
  if (!auth.ok) {
    logger.warn('usage.ingest_refused', { problem: auth.problem });
    return json(401, { error: 'bad_signature', message: AUTH_MESSAGE[auth.problem] });
  }
  const body = recordsOf(req.body);
  if (!body.ok) {
    logger.warn('usage.ingest_bad_body', { message: body.message });
    return json(400, { error: 'bad_body', message: body.message });
  }
  const result = await ingestUsage(deps, body.records);
  logger.info('usage.ingested', {
    keyIndex: auth.keyIndex, records: body.records.length, stored: result.stored, duplicates: result.duplicates, refused: result.refused.length,
    ...(result.refused.length > 0 ? { firstRefusals: result.refused.slice(0, 5).map((r) => `${r.index}: ${r.reason}`) } : {}),
  });
  return json(result.refused.length === 0 ? 200 : 422, result);
}

/** Creates the `usage-ingest` handler. Never throws; every answer is JSON. */
export function createUsageIngestHandler(options: RuntimeOptions = {}): Handler {
  const depsFor = lazily((context) => buildUsageIngestDeps(context, options));
  return async (event, context) => {
    const req = toRequest(event, safeRequestId(context));
    let logger = createLogger(context.getLogger(), 'info', { fn: 'usage-ingest', requestId: req.requestId });
    let deps: UsageIngestHandlerDeps;
    try {
      deps = depsFor(context);
      logger = createLogger(context.getLogger(), deps.config.KG_LOG_LEVEL, { fn: 'usage-ingest', requestId: req.requestId });
    } catch (err) {
      logger.error('usage-ingest.unavailable', { error: (err as Error)?.name, message: loggableMessage(err) });
      return json(500, { error: 'internal', message: 'the function is not configured; its log names the setting' });
    }
    try {
      return await handleUsageIngest(req, deps, logger);
    } catch (err) {
      if (err instanceof StoreUnavailableError) {
        logger.error('usage.ingest_store_unavailable', { error: err.name });
        return json(503, { error: 'unavailable', message: 'usage could not be stored now; nothing was acknowledged, send it again' });
      }
      logger.error('usage.ingest_failed', { error: (err as Error)?.name });
      return json(500, { error: 'internal', message: 'usage could not be stored; nothing was acknowledged, send it again' });
    }
  };
}
