/**
 * Sizes and defaults both stores share, so MemoryStore and RedisStore behave alike.
 * @module
 */
import { DEFAULT_RETAIN_DAYS } from '../platform/config';
import type { StoreRetention } from './Store';

/** Audit entries kept per instance (newest first; older ones are trimmed). */
export const AUDIT_CAP = 500;

/** Failure entries kept in the global failure stream (oldest trimmed). */
export const FAILURE_CAP = 10_000;

const DAY_S = 24 * 3600;

/** A {@link StoreRetention} from days (0 = keep): audit logs, removed records, failures. */
export function retentionDays(auditDays: number, removedDays: number, failureDays: number): StoreRetention {
  return { auditTtlSeconds: auditDays * DAY_S, removedTtlSeconds: removedDays * DAY_S, failureMaxAgeMs: failureDays * DAY_S * 1000 };
}

/** Retention when none is configured: the configuration's defaults (KG_RETAIN_AUDIT_DAYS 400, KG_RETAIN_RELEASED_DAYS 90, KG_RETAIN_FAILURES_DAYS 90). */
export const DEFAULT_RETENTION: Readonly<StoreRetention> = retentionDays(DEFAULT_RETAIN_DAYS.audit, DEFAULT_RETAIN_DAYS.released, DEFAULT_RETAIN_DAYS.failures);

/** Nonce memory when `BeginOptions.nonceTtlSeconds` is absent (s). */
export const DEFAULT_NONCE_TTL_S = 300;

/** `listAudit` limit when none is given. */
export const DEFAULT_AUDIT_LIMIT = 100;

/** `listFailures` limit when none is given. */
export const DEFAULT_FAILURE_LIMIT = 100;

/**
 * Turns a caller's nonce TTL into a whole number of seconds >= 1 (Redis `EX` needs a positive integer).
 * Missing or non-finite values fall back to {@link DEFAULT_NONCE_TTL_S}; fractions round up.
 */
export function nonceTtlSeconds(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_NONCE_TTL_S;
  return Math.max(1, Math.ceil(requested));
}

/**
 * Turns a caller's list limit into a whole number in `[0, max]`; missing or non-finite -> `fallback`.
 * A result of 0 means "answer an empty list without asking the store".
 */
export function listLimit(requested: number | undefined, fallback: number, max: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return Math.min(fallback, max);
  return Math.min(max, Math.max(0, Math.floor(requested)));
}

/** Rejects a time that is not a finite number (a programming error, never request data). */
export function requireFiniteMs(n: number, name: string): number {
  if (!Number.isFinite(n)) throw new RangeError(`${name} must be a finite number of ms`);
  return n;
}
