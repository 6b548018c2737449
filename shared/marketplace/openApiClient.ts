/**
 * The client of KooGallery's open API (platform-and-open-api.md §6.1): every request AK/SK-signed by the
 * SDK signer ({@link signAkSk}), HTTPS with the platform's certificate checks (an `http://` endpoint only on
 * a loopback host, for local rehearsal), a time limit per attempt, retries with back-off on network errors,
 * HTTP 5xx and `MKT.0250`, the documented fallback host when the main one cannot be reached, every answer
 * checked and every failure turned into a typed {@link MarketplaceError}. Keys never reach a log line or an
 * error message.
 * @module
 */
import { pause } from '../core/deadline';
import { ConfigError } from '../core/errors';
import { parseJsonOrUndefined } from '../core/json';
import { readBoundedText } from '../platform/boundedBody';
import { isLoopbackHost } from '../platform/loopback';
import { silentLogger, type Logger } from '../platform/logger';
import { sdkDate, signAkSk } from './akskSigner';
import {
  MarketplaceError, MarketplaceUnavailableError, marketplaceErrorFor, safeText, type AbnormalRecord,
} from './errors';

/** The China site, the default endpoint. */
export const CHINA_ENDPOINT = 'https://mkt.myhuaweicloud.com';

/** Where the documentation says to retry when the main host cannot be reached (China and international sites). */
export const FALLBACK_ENDPOINT = 'https://mkt.myhuaweicloud.cn';

const HOSTS_WITH_FALLBACK = new Set(['mkt.myhuaweicloud.com', 'mkt-intl.myhuaweicloud.com']);

/** Pauses before the 1st, 2nd and 3rd retry (ms). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 800, 2000];

/** Default limit of one attempt, connection to last byte (ms). */
export const DEFAULT_OPENAPI_TIMEOUT_MS = 5000;

/** Largest answer read (bytes); a real answer is far smaller. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** The code of a successful answer. */
export const SUCCESS_CODE = 'MKT.0000';

/** Options of {@link createOpenApiClient}. */
export interface OpenApiClientOptions {
  /** `KG_OPENAPI_ENDPOINT`: one base URL, or `main,fallback`. */
  endpoint: string;
  ak: string;
  sk: string;
  /** Limit of one attempt (ms). Default {@link DEFAULT_OPENAPI_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Pause before each retry (ms); its length is the number of retries. Default {@link DEFAULT_RETRY_DELAYS_MS}. */
  retryDelaysMs?: readonly number[];
  /** Clock for `X-Sdk-Date` (epoch ms). Default `Date.now`. */
  now?: () => number;
  logger?: Logger;
}

/** One call. */
export interface OpenApiRequest {
  method: 'GET' | 'POST';
  /** The API path, e.g. `/api/mkp-openapi-public/global/v1/order/query`. */
  path: string;
  query?: Record<string, string>;
  /** The exact JSON text to send; compact, as `JSON.stringify` writes it (the AK/SK payload hash is over it). */
  body?: string;
  /** Headers computed afresh for every attempt (the usage push's `ts`, `nonce`, `signature`); all are signed. */
  headers?: () => Record<string, string>;
  /** Aborts the call (no further attempt starts). */
  signal?: AbortSignal;
  /** Names the call in log lines. */
  what: string;
}

/** A successful answer (`MKT.0000`). */
export interface OpenApiAnswer {
  status: number;
  /** The answer's JSON object. */
  json: Record<string, unknown>;
  /** Per-record refusals the answer named (usage push), empty otherwise. */
  abnormal: AbnormalRecord[];
  /** The base URL that answered. */
  endpoint: string;
  /** Attempts made (1 = no retry). */
  attempts: number;
}

/** A configured open-API client. */
export interface OpenApiClient {
  /** Base URLs, main first. */
  readonly endpoints: readonly string[];
  /**
   * The longest one {@link OpenApiClient.call} can take (ms): every attempt on every host timing out,
   * plus the pauses. A caller holding a lease checks it has at least this much left before calling.
   */
  readonly worstCaseMs: number;
  /** Sends the request; resolves on `MKT.0000`, throws a {@link MarketplaceError} otherwise. */
  call(request: OpenApiRequest): Promise<OpenApiAnswer>;
}


/**
 * Parses `KG_OPENAPI_ENDPOINT` into base URLs, main first, adding the documented fallback for the China and
 * international hosts when none is given. Errors name the setting, never a key.
 * @throws ConfigError
 */
export function parseEndpoints(raw: string): string[] {
  const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0 || parts.length > 2) throw new ConfigError('invalid setting KG_OPENAPI_ENDPOINT: expected one base URL, or two (main,fallback)');
  const bases = parts.map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError('invalid setting KG_OPENAPI_ENDPOINT: not an absolute URL');
    }
    if (url.username !== '' || url.password !== '') throw new ConfigError('invalid setting KG_OPENAPI_ENDPOINT: must not contain a user name or password');
    if (url.search !== '' || url.hash !== '') throw new ConfigError('invalid setting KG_OPENAPI_ENDPOINT: must not have a query or fragment');
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      throw new ConfigError('invalid setting KG_OPENAPI_ENDPOINT: the open API is HTTPS only (http:// is accepted for loopback hosts, for local rehearsal)');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('invalid setting KG_OPENAPI_ENDPOINT: not an https URL');
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });
  const main = bases[0] as string;
  if (bases.length === 1 && HOSTS_WITH_FALLBACK.has(new URL(main).hostname)) bases.push(FALLBACK_ENDPOINT);
  return bases;
}

/** RFC 3986 encoding, as the SDK signer encodes query names and values. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The full URL of a request on one base URL. */
export function requestUrl(base: string, path: string, query: Record<string, string> = {}): string {
  const q = Object.keys(query).sort().map((k) => `${encode(k)}=${encode(query[k] as string)}`).join('&');
  return `${base}${path}${q ? `?${q}` : ''}`;
}

/**
 * The headers of one signed attempt: `content-type`, the per-attempt headers, `X-Sdk-Date` and
 * `Authorization` (the `host` the signer adds is left to the HTTP client, which sends the same value).
 */
export function signedHeaders(input: { ak: string; sk: string; method: string; url: string; body?: string; extra?: Record<string, string>; nowMs: number }): Record<string, string> {
  const headers = signAkSk({
    ak: input.ak,
    sk: input.sk,
    method: input.method,
    url: input.url,
    headers: { 'content-type': 'application/json', ...input.extra },
    ...(input.body !== undefined ? { body: input.body } : {}),
    date: sdkDate(input.nowMs),
  });
  delete headers['host'];
  return headers;
}

/** Reads `error_code`/`error_msg` (usage, gateway) or `resultCode`/`resultMsg` (order query). */
function codeOf(json: Record<string, unknown>): { code?: string; message?: string } {
  const code = typeof json.error_code === 'string' ? json.error_code : typeof json.resultCode === 'string' ? json.resultCode : undefined;
  const message = typeof json.error_msg === 'string' ? json.error_msg : typeof json.resultMsg === 'string' ? json.resultMsg : undefined;
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}

/**
 * The per-record refusals of a usage-push answer, read tolerantly: `abnormal_usage_data[]` at the top, in
 * `extra_info` (an object, or JSON text), or `extra_info` as the list itself; items `{metering_sn,
 * error_code, error_msg}` (camelCase accepted too).
 */
export function abnormalRecords(json: Record<string, unknown>): AbnormalRecord[] {
  const lists: unknown[] = [];
  const look = (v: unknown, depth: number): void => {
    if (depth > 3 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (!/^\s*[[{]/.test(v)) return;
      try {
        look(JSON.parse(v), depth + 1);
      } catch {
        // not JSON: nothing to read
      }
      return;
    }
    if (Array.isArray(v)) {
      lists.push(v);
      return;
    }
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['abnormal_usage_data', 'abnormalUsageData', 'AbnormalUsageDataInfo', 'abnormal_usage_data_info', 'extra_info', 'extraInfo']) {
        if (k in o) look(o[k], depth + 1);
      }
    }
  };
  look(json, 0);
  const out: AbnormalRecord[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    for (const item of list as unknown[]) {
      if (!item || typeof item !== 'object') continue;
      const o = item as Record<string, unknown>;
      const sn = o.metering_sn ?? o.meteringSn;
      if (typeof sn !== 'string' || sn === '' || seen.has(sn)) continue;
      seen.add(sn);
      const code = o.error_code ?? o.errorCode ?? o.code;
      const message = o.error_msg ?? o.errorMsg ?? o.message ?? o.msg;
      out.push({
        meteringSn: sn,
        code: typeof code === 'string' || typeof code === 'number' ? String(code) : 'UNKNOWN',
        message: typeof message === 'string' ? safeText(message) : '',
      });
    }
  }
  return out;
}


/**
 * Builds the client.
 * @throws ConfigError naming KG_OPENAPI_ENDPOINT, KG_OPENAPI_AK or KG_OPENAPI_SK when one is unusable.
 */
export function createOpenApiClient(options: OpenApiClientOptions): OpenApiClient {
  const endpoints = parseEndpoints(options.endpoint);
  if (!options.ak) throw new ConfigError('missing setting KG_OPENAPI_AK: the open API signs every request with the seller\'s AK/SK');
  if (!options.sk) throw new ConfigError('missing setting KG_OPENAPI_SK: the open API signs every request with the seller\'s AK/SK');
  const { ak, sk } = options;
  const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_OPENAPI_TIMEOUT_MS);
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const worstCaseMs = (delays.length + 1) * endpoints.length * timeoutMs + delays.reduce((a, b) => a + b, 0);

  /** One attempt on one host. Network failures are {@link MarketplaceUnavailableError} with code NETWORK. */
  async function attempt(base: string, req: OpenApiRequest): Promise<OpenApiAnswer> {
    const url = requestUrl(base, req.path, req.query);
    const headers = signedHeaders({
      ak, sk, method: req.method, url, nowMs: now(),
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.headers ? { extra: req.headers() } : {}),
    });
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal,
        // A signed request is never re-sent elsewhere.
        redirect: 'manual',
      });
      status = response.status;
      const read = await readBoundedText(response, MAX_ANSWER_BYTES);
      if (read === undefined) throw new MarketplaceUnavailableError('INVALID_ANSWER', `answer larger than ${MAX_ANSWER_BYTES} bytes`, { httpStatus: response.status });
      text = read;
    } catch (err) {
      if (err instanceof MarketplaceError) throw err;
      const why = timeout.aborted
        ? `no answer within ${timeoutMs} ms`
        : req.signal?.aborted
          ? 'aborted by the caller'
          : `unreachable${networkCode(err)}`;
      throw new MarketplaceUnavailableError('NETWORK', `${req.what}: ${new URL(base).host} ${why}`, { cause: err });
    }
    const json = parseJsonOrUndefined(text);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      // A 2xx without a readable answer says nothing about the outcome: treat it as worth repeating.
      if (status >= 200 && status < 300) throw new MarketplaceUnavailableError('INVALID_ANSWER', `${req.what}: HTTP ${status} answer is not a JSON object`, { httpStatus: status });
      throw marketplaceErrorFor(undefined, status, undefined);
    }
    const body = json as Record<string, unknown>;
    const { code, message } = codeOf(body);
    const abnormal = abnormalRecords(body);
    if (status >= 200 && status < 300 && code === SUCCESS_CODE) return { status, json: body, abnormal, endpoint: base, attempts: 1 };
    if (status >= 200 && status < 300 && code === undefined) {
      throw new MarketplaceUnavailableError('INVALID_ANSWER', `${req.what}: HTTP ${status} answer carries no error_code or resultCode`, { httpStatus: status });
    }
    throw marketplaceErrorFor(code, status, message, abnormal);
  }

  return {
    endpoints,
    worstCaseMs,
    async call(req) {
      let last: MarketplaceError | undefined;
      for (let n = 0; n <= delays.length; n++) {
        if (n > 0) await pause(delays[n - 1] as number, req.signal);
        if (req.signal?.aborted) break;
        for (let e = 0; e < endpoints.length; e++) {
          const base = endpoints[e] as string;
          try {
            const answer = await attempt(base, req);
            return { ...answer, attempts: n + 1 };
          } catch (err) {
            last = err instanceof MarketplaceError ? err : new MarketplaceError('INTERNAL', `${req.what}: ${(err as Error)?.name ?? 'error'}`, { cause: err });
            logger.warn('openapi.attempt_failed', { what: req.what, host: new URL(base).host, attempt: n + 1, code: last.code, httpStatus: last.httpStatus });
            // Only an unreachable host sends us to the fallback; an answer, even a bad one, came from the marketplace.
            if (last.code !== 'NETWORK' || req.signal?.aborted) break;
          }
        }
        if (!last?.retryable) break;
      }
      throw last ?? new MarketplaceUnavailableError('NETWORK', `${req.what}: aborted by the caller`);
    },
  };
}

function networkCode(err: unknown): string {
  const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? ` (${code})` : '';
}
