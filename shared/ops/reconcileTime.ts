/**
 * The marketplace's compact UTC times (`yyyyMMddHHmmss`, or `yyyyMMddHHmmssSSS` as refreshInstance's example
 * sends them) as epoch ms, for reconciliation's expiry rules (lifecycle.md §2.3, platform-and-open-api.md §6.2).
 * @module
 */
import { isCompactTime } from '../protocol/schemas/compactTime';

/**
 * Epoch ms of a compact UTC time, or undefined for anything that is not 14 or 17 digits naming a real instant.
 * @example compactUtcMs('20240201155959') // Date.UTC(2024, 1, 1, 15, 59, 59)
 */
export function compactUtcMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !isCompactTime(value)) return undefined;
  const n = (from: number, to: number): number => Number(value.slice(from, to));
  return Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14), value.length === 17 ? n(14, 17) : 0);
}

/**
 * `yyyy-MM-dd HH:mm:ss UTC` of an epoch ms, for a finding's detail.
 * @example utcText(0) // '1970-01-01 00:00:00 UTC'
 */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
