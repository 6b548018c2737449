/**
 * What can go wrong when we call KooGallery's open API, as typed errors. Each carries the marketplace's
 * code (`MKT.xxxx`, `APIGW.xxxx`, or `NETWORK` / `INVALID_ANSWER` for failures with no code), the HTTP
 * status when there was an answer, and whether repeating the call may help. Messages hold the
 * marketplace's own short text, never a key, a signature or a request body.
 * @module
 */

/** One record the marketplace refused inside a usage push (`abnormal_usage_data[]`). */
export interface AbnormalRecord {
  meteringSn: string;
  code: string;
  message: string;
}

/** Options of every marketplace error. */
export interface MarketplaceErrorOptions {
  /** HTTP status of the answer, when there was one. */
  httpStatus?: number;
  /** Per-record refusals the answer named (usage push). */
  abnormal?: readonly AbnormalRecord[];
  cause?: unknown;
}

/** Any failure of an open-API call that is not one of the more specific kinds below. */
export class MarketplaceError extends Error {
  override name = 'MarketplaceError';
  /** `MKT.xxxx`, `APIGW.xxxx`, `HTTP_<status>`, `NETWORK` or `INVALID_ANSWER`. */
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly abnormal: readonly AbnormalRecord[];
  constructor(code: string, message: string, options: MarketplaceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = options.httpStatus;
    this.abnormal = options.abnormal ?? [];
  }
  /** Whether the same call may succeed later: network errors, HTTP 5xx without a validation code, `MKT.0250`. */
  get retryable(): boolean {
    return false;
  }
}

/** The marketplace could not be reached, timed out, or answered 5xx without a code that says why (retryable). */
export class MarketplaceUnavailableError extends MarketplaceError {
  override name = 'MarketplaceUnavailableError';
  override get retryable(): boolean {
    return true;
  }
}

/** `MKT.0250`: access frequency over the limit (retryable after a pause). */
export class MarketplaceRateLimitError extends MarketplaceError {
  override name = 'MarketplaceRateLimitError';
  override get retryable(): boolean {
    return true;
  }
}

/**
 * The AK/SK signature or the seller's rights were refused: `APIGW.*` gateway errors on 401/403 and
 * `MKT.0150`, `MKT.0151`, `MKT.0154`. Check KG_OPENAPI_AK / KG_OPENAPI_SK and the clock.
 */
export class MarketplaceAuthError extends MarketplaceError {
  override name = 'MarketplaceAuthError';
}

/** `MKT.0102`: the usage body signature (HMAC with the basic-interface key) was refused. Check KG_ACCESS_KEY. */
export class MarketplaceBodySignError extends MarketplaceError {
  override name = 'MarketplaceBodySignError';
}

/** The request was refused as invalid: `MKT.0100`, `0101`, `0199`, `9002`, `9003`, `9004`, `9005`. */
export class MarketplaceValidationError extends MarketplaceError {
  override name = 'MarketplaceValidationError';
}

/** `MKT.9001`: an instance id the marketplace does not know. */
export class MarketplaceNotFoundError extends MarketplaceError {
  override name = 'MarketplaceNotFoundError';
}

const VALIDATION = new Set(['MKT.0100', 'MKT.0101', 'MKT.0199', 'MKT.9002', 'MKT.9003', 'MKT.9004', 'MKT.9005']);
const AUTH = new Set(['MKT.0150', 'MKT.0151', 'MKT.0154']);

/**
 * The typed error for a failed answer: its code (absent when the body had none), HTTP status and the
 * marketplace's message (cut to 200 characters).
 */
export function marketplaceErrorFor(code: string | undefined, httpStatus: number, message: string | undefined, abnormal: readonly AbnormalRecord[] = []): MarketplaceError {
  const text = `${code ?? `HTTP ${httpStatus}`}${message ? `: ${safeText(message)}` : ''}`;
  const options = { httpStatus, abnormal };
  if (code === undefined) {
    return httpStatus >= 500 || httpStatus === 429
      ? new MarketplaceUnavailableError(`HTTP_${httpStatus}`, text, options)
      : httpStatus === 401 || httpStatus === 403
        ? new MarketplaceAuthError(`HTTP_${httpStatus}`, text, options)
        : new MarketplaceError(`HTTP_${httpStatus}`, text, options);
  }
  if (code === 'MKT.0250') return new MarketplaceRateLimitError(code, text, options);
  if (code === 'MKT.0102') return new MarketplaceBodySignError(code, text, options);
  if (AUTH.has(code)) return new MarketplaceAuthError(code, text, options);
  if (VALIDATION.has(code)) return new MarketplaceValidationError(code, text, options);
  if (code === 'MKT.9001') return new MarketplaceNotFoundError(code, text, options);
  if (code.startsWith('APIGW.')) {
    // Gateway codes: 401/403 are the AK/SK signature, date or host; 429 throttling; 5xx the gateway itself.
    if (httpStatus === 401 || httpStatus === 403) return new MarketplaceAuthError(code, text, options);
    if (httpStatus === 429 || httpStatus >= 500) return new MarketplaceUnavailableError(code, text, options);
    return new MarketplaceError(code, text, options);
  }
  // MKT.0999 (internal error) and codes we do not know: worth repeating only when the status says so.
  return httpStatus >= 500 ? new MarketplaceUnavailableError(code, text, options) : new MarketplaceError(code, text, options);
}

/** The marketplace's own text, single-line and short, for a log line or a dead letter. */
export function safeText(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}
