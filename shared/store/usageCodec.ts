/**
 * Text forms of what the usage ledger keeps, shared by both ledgers so they read and write alike.
 * @module
 */
import { parseJsonOrUndefined } from '../core/json';
import type { DeadVerdict, StoredUsage } from './UsageLedger';

/** Record -> stored text. */
export function encodeUsage(usage: StoredUsage): string {
  return JSON.stringify(usage);
}

/** Stored text -> record; undefined for text that is not a complete record (never thrown at a caller). */
export function decodeUsage(text: string | null | undefined): StoredUsage | undefined {
  if (!text) return undefined;
  const v = parseJsonOrUndefined(text);
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const strings = ['meteringSn', 'instanceId', 'usageValue', 'beginTime', 'endTime'] as const;
  if (strings.some((k) => typeof o[k] !== 'string') || typeof o.recordedAt !== 'number') return undefined;
  if (o.relatePkgInstance !== undefined && typeof o.relatePkgInstance !== 'string') return undefined;
  return o as unknown as StoredUsage;
}

/** A dead letter's reason -> stored text. */
export function encodeWhy(code: string, reason: string): string {
  return JSON.stringify({ code, reason });
}

/** Stored text -> a dead letter's reason (a placeholder for unreadable text). */
export function decodeWhy(text: string | null | undefined): { code: string; reason: string } {
  const v = parseJsonOrUndefined(text ?? '') as { code?: unknown; reason?: unknown } | null | undefined;
  if (typeof v?.code === 'string' && typeof v.reason === 'string') return { code: v.code, reason: v.reason };
  return { code: 'UNKNOWN', reason: 'reason not readable' };
}

/** Code of a record that could not be read back from the ledger (dead-lettered by the claim that met it). */
export const UNREADABLE_CODE = 'UNREADABLE';

/**
 * What a claim read back, `[meteringSn, stored text]` per leased record: the records, and a dead-letter verdict
 * ({@link UNREADABLE_CODE}) for each whose text is not a complete record of that sn.
 */
export function readClaimed(claimed: ReadonlyArray<readonly [string, string | null | undefined]>): { usable: StoredUsage[]; unreadable: DeadVerdict[] } {
  const usable: StoredUsage[] = [];
  const unreadable: DeadVerdict[] = [];
  for (const [sn, text] of claimed) {
    const usage = decodeUsage(text);
    if (usage && usage.meteringSn === sn) usable.push(usage);
    else unreadable.push({ meteringSn: sn, code: UNREADABLE_CODE, reason: 'the stored record could not be read back' });
  }
  return { usable, unreadable };
}
