/**
 * Key names of the usage ledger. Every key shares one hash tag (`{usage}`, and `{enrich}` for the order-query
 * due-set), so each script touches a single slot in every Redis mode. The `:ledger:` segment keeps them apart
 * from any instance's keys (`kg:{<instanceId>}:rec|log|nonce:...`), even for an instance named `usage`.
 * @module
 */
import type { UsageCount, UsageState } from './UsageLedger';

/** Usage: `meteringSn -> record JSON`. */
export const USAGE_RECORDS_KEY = 'kg:{usage}:ledger:rec';
/** Usage: `meteringSn -> "<fingerprint 64 hex>|<hour yyyyMMddHH>|<instanceId>"`. */
export const USAGE_META_KEY = 'kg:{usage}:ledger:meta';
/** Usage: pending records, scored by due time (epoch ms; a leased record's lease end). */
export const USAGE_PENDING_KEY = 'kg:{usage}:ledger:pending';
/** Usage: pushed records, scored by push time (epoch ms). */
export const USAGE_PUSHED_KEY = 'kg:{usage}:ledger:pushed';
/** Usage: dead records, scored by dead-letter time (epoch ms). */
export const USAGE_DEAD_KEY = 'kg:{usage}:ledger:dead';
/** Usage: `meteringSn -> {"code","reason"}` of dead records. */
export const USAGE_WHY_KEY = 'kg:{usage}:ledger:why';
/** Usage: `"<q|p|d>|<hour>|<instanceId>" -> count`. */
export const USAGE_COUNT_KEY = 'kg:{usage}:ledger:count';

/** Order queries: instance ids scored by due time (epoch ms). */
export const ENRICH_DUE_KEY = 'kg:{enrich}:ledger:due';
/** Order queries: `instanceId -> failed attempts`. */
export const ENRICH_TRIES_KEY = 'kg:{enrich}:ledger:tries';

/** Length of a fingerprint (hex SHA-256). */
export const FINGERPRINT_LENGTH = 64;

/** `"<fingerprint>|<hour>|<instanceId>"`. */
export function usageMeta(fingerprint: string, hour: string, instanceId: string): string {
  return `${fingerprint}|${hour}|${instanceId}`;
}

/** The counter suffix of a meta value: `"<hour>|<instanceId>"`. */
export function metaSuffix(meta: string): string {
  return meta.slice(FINGERPRINT_LENGTH + 1);
}

/** Reads a counter field `"<q|p|d>|<hour>|<instanceId>"`; undefined for anything else. */
function parseCountField(field: string): { state: 'q' | 'p' | 'd'; hour: string; instanceId: string } | undefined {
  const m = /^([qpd])\|(\d{10})\|([\s\S]*)$/.exec(field);
  if (!m) return undefined;
  return { state: m[1] as 'q' | 'p' | 'd', hour: m[2] as string, instanceId: m[3] as string };
}

/** The state each letter names (the counter fields' `q|p|d`, the lookup script's reply). */
export const STATE_OF_LETTER: Readonly<Record<string, UsageState>> = { q: 'pending', p: 'pushed', d: 'dead' };

/**
 * Adds counter field `field` holding `n` to `rows` (one row per instance and hour); an unreadable field or a
 * count that is not positive is skipped.
 */
export function tallyCount(rows: Map<string, UsageCount>, field: string, n: number): void {
  const parsed = parseCountField(field);
  if (!parsed || !Number.isFinite(n) || n <= 0) return;
  const key = `${parsed.instanceId}\u0000${parsed.hour}`;
  const row = rows.get(key) ?? { instanceId: parsed.instanceId, hour: parsed.hour, pending: 0, pushed: 0, dead: 0 };
  row[STATE_OF_LETTER[parsed.state] as UsageState] += n;
  rows.set(key, row);
}

/** The rows of {@link tallyCount}, by instanceId, then hour. */
export function sortedCounts(rows: ReadonlyMap<string, UsageCount>): UsageCount[] {
  return [...rows.values()].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0));
}
