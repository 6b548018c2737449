/**
 * JSON encoding of what the stores keep. Both stores hold text, never live objects, so callers can
 * never mutate stored state through a reference they were given.
 * @module
 */
import { remembering } from '../core/boundedMap';
import { StoreUnavailableError } from '../core/errors';
import { parseJsonOrUndefined } from '../core/json';
import type { AuditEntry, FailureEntry, StoredAnswer, StoredRecord } from './Store';

/** Record -> stored text. */
export function encodeRecord(record: StoredRecord): string {
  return JSON.stringify(record);
}

/** Stored text -> record. Corrupt data is a store failure (000005), not a crash. */
export function decodeRecord<R extends StoredRecord>(text: string): R {
  const parsed = parseJsonOrUndefined(text);
  if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StoreUnavailableError('stored record is not a JSON object');
  }
  return parsed as R;
}

/**
 * A record's view text -> the view, deeply frozen and shared: the last 512 texts decoded are remembered, so
 * a repeated query of an unchanged instance is not parsed again (and its answer can be remembered by the view
 * object, basic/query.ts). Frozen, so no caller can change what another reads.
 */
export function decodeView<R extends StoredRecord>(text: string): R {
  return decodeFrozenView(text) as R;
}

const decodeFrozenView = remembering((text: string): object => deepFreeze(decodeRecord(text)), 512);

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(value);
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
  const parsed = parseJsonOrUndefined(text);
  return isObject(parsed) ? (parsed as unknown as AuditEntry) : undefined;
}

/**
 * An audit entry without its `resultCode` -> the text the store completes with
 * {@link completeAuditText} once it knows the code (a replayed answer's audit entry).
 */
export function encodeAuditTemplate(entry: Omit<AuditEntry, 'resultCode'>): string {
  return JSON.stringify(entry);
}

/**
 * `{"resultCode":<code>,` followed by the template's members: the audit line of a replayed answer. The BEGIN
 * script (scripts.ts) builds the same text.
 */
export function completeAuditText(template: string, resultCode: string): string {
  return `{"resultCode":${JSON.stringify(resultCode)},${template.slice(1)}`;
}

/** Stored answer -> the text of its field: `<resultCode>|<body>` (a result code holds no `|`). */
export function encodeAnswer(answer: StoredAnswer): string {
  return `${answer.resultCode}|${answer.body}`;
}

/** Field text -> stored answer; corrupt text is a store failure (000005), like a corrupt record. */
export function decodeAnswer(text: string): StoredAnswer {
  const bar = text.indexOf('|');
  if (bar < 0) throw new StoreUnavailableError('stored answer has no result code');
  return { resultCode: text.slice(0, bar), body: text.slice(bar + 1) };
}

/** Failure entry -> stored text. */
export function encodeFailure(entry: FailureEntry): string {
  return JSON.stringify(entry);
}

/** Stored text -> failure entry; undefined for a corrupt line. */
export function decodeFailure(text: string): FailureEntry | undefined {
  const parsed = parseJsonOrUndefined(text);
  return isObject(parsed) ? (parsed as unknown as FailureEntry) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
