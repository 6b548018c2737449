/**
 * Text forms of what the usage ledger keeps, shared by both ledgers so they read and write alike.
 * @module
 */
import type { StoredUsage } from './UsageLedger';

/** Record -> stored text. */
export function encodeUsage(usage: StoredUsage): string {
  return JSON.stringify(usage);
}

/** Stored text -> record; undefined for text that is not a complete record (never thrown at a caller). */
export function decodeUsage(text: string | null | undefined): StoredUsage | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
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
  try {
    const v = JSON.parse(text ?? '') as { code?: unknown; reason?: unknown };
    if (typeof v.code === 'string' && typeof v.reason === 'string') return { code: v.code, reason: v.reason };
  } catch {
    // fall through
  }
  return { code: 'UNKNOWN', reason: 'reason not readable' };
}

/** Code of a record that could not be read back from the ledger (dead-lettered by the claim that met it). */
export const UNREADABLE_CODE = 'UNREADABLE';
