/**
 * JSON encoding of what the stores keep. Both stores hold text, never live objects, so callers can
 * never mutate stored state through a reference they were given.
 * @module
 */
import { StoreUnavailableError } from '../core/errors';
import type { AuditEntry, FailureEntry, StoredRecord } from './Store';

/** Record -> stored text. */
export function encodeRecord(record: StoredRecord): string {
  return JSON.stringify(record);
}

/** Stored text -> record. Corrupt data is a store failure (000005), not a crash. */
export function decodeRecord<R extends StoredRecord>(text: string): R {
  const parsed = parseJson(text);
  if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StoreUnavailableError('stored record is not a JSON object');
  }
  return parsed as R;
}

/** Stored version text -> number (absent = 0). */
export function decodeVersion(text: string | number | null | undefined): number {
  if (text === null || text === undefined) return 0;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new StoreUnavailableError('stored record version is not a whole number');
  return n;
}

/** Audit entry -> stored text. */
export function encodeAudit(entry: AuditEntry): string {
  return JSON.stringify(entry);
}

/** Stored text -> audit entry; undefined for a corrupt line (skipped by readers, never fatal). */
export function decodeAudit(text: string): AuditEntry | undefined {
  const parsed = parseJson(text);
  return isObject(parsed) ? (parsed as unknown as AuditEntry) : undefined;
}

/** Failure entry -> stored text. */
export function encodeFailure(entry: FailureEntry): string {
  return JSON.stringify(entry);
}

/** Stored text -> failure entry; undefined for a corrupt line. */
export function decodeFailure(text: string): FailureEntry | undefined {
  const parsed = parseJson(text);
  return isObject(parsed) ? (parsed as unknown as FailureEntry) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
