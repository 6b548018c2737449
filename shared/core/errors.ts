/**
 * The ground floor: typed errors and the one place that maps any thrown value to `(resultCode, safe resultMsg)`.
 * A message reaches the marketplace only when the error class marks it safe; everything else becomes
 * `000005 other inner error`, so no stack trace, key or internal detail ever leaves the function.
 * @module
 */
import { RESULT, RESULT_MESSAGE, type ResultCode } from './resultCodes';

/** Base class: an error that knows its result code and whether its message may be shown. */
export class KgError extends Error {
  override name = 'KgError';
  /** The code the marketplace receives. */
  readonly resultCode: ResultCode;
  /** When true, `message` is safe to send as `resultMsg`. */
  readonly expose: boolean;
  constructor(resultCode: ResultCode, message: string, options?: { cause?: unknown; expose?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.resultCode = resultCode;
    this.expose = options?.expose ?? true;
  }
}

/** Signature missing or wrong (`000001`). */
export class AuthError extends KgError {
  override name = 'AuthError';
  constructor(message = RESULT_MESSAGE[RESULT.AUTH_FAILED], options?: { cause?: unknown }) {
    super(RESULT.AUTH_FAILED, message, options);
  }
}

/** A missing, malformed, stale or replayed request parameter (`000002`). */
export class InvalidParamError extends KgError {
  override name = 'InvalidParamError';
  constructor(message = RESULT_MESSAGE[RESULT.INVALID_PARAM], options?: { cause?: unknown }) {
    super(RESULT.INVALID_PARAM, message, options);
  }
}

/** The store (Redis) failed or timed out (`000005`, message hidden). */
export class StoreUnavailableError extends KgError {
  override name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(RESULT.INTERNAL_ERROR, message, { ...options, expose: false });
  }
}

/**
 * A record kept changing under concurrent calls until the compare-and-set retries ran out (`000005`,
 * message hidden). The store is reachable, so the failure is recorded; the marketplace's retry succeeds.
 */
export class ContentionError extends KgError {
  override name = 'ContentionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(RESULT.INTERNAL_ERROR, message, { ...options, expose: false });
  }
}

/** The merchant's provisioner failed (`000005` unless it named a documented code). */
export class ProvisionerError extends KgError {
  override name = 'ProvisionerError';
  constructor(message: string, options?: { cause?: unknown; resultCode?: ResultCode; expose?: boolean }) {
    super(options?.resultCode ?? RESULT.INTERNAL_ERROR, message, { cause: options?.cause, expose: options?.expose ?? false });
  }
}

/**
 * Configuration is missing or invalid (`000005`, message hidden from the marketplace). The message
 * names the setting, never its value, so it is safe for the function's log.
 */
export class ConfigError extends KgError {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(RESULT.INTERNAL_ERROR, message, { ...options, expose: false });
  }
}

/**
 * The request ran out of time: the function's remaining time or the marketplace's wait (`000005`,
 * message hidden). Whatever was still running may finish later; idempotency makes the retry safe.
 */
export class DeadlineError extends KgError {
  override name = 'DeadlineError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(RESULT.INTERNAL_ERROR, message, { ...options, expose: false });
  }
}

/**
 * The message of `err` when it is safe for the function's log: a {@link ConfigError}'s, which names the
 * setting, never its value; undefined for anything else, whose message may hold internals.
 */
export function loggableMessage(err: unknown): string | undefined {
  return err instanceof Error && err.name === 'ConfigError' ? err.message : undefined;
}

/** Maps anything thrown to the answer the marketplace gets. Never exposes an unsafe message. */
export function toResult(err: unknown): { resultCode: ResultCode; resultMsg: string } {
  if (err instanceof KgError) {
    const msg = err.expose ? err.message.slice(0, 255) : RESULT_MESSAGE[err.resultCode];
    return { resultCode: err.resultCode, resultMsg: msg };
  }
  return { resultCode: RESULT.INTERNAL_ERROR, resultMsg: RESULT_MESSAGE[RESULT.INTERNAL_ERROR] };
}
