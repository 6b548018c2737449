/**
 * The marketplace's compact UTC time, for the orders and expiry times the reconciliation suites make up.
 */

/** `yyyyMMddHHmmss` (UTC) of an epoch ms. */
export function compact(ms: number): string {
  return new Date(ms).toISOString().replace(/\D/g, '').slice(0, 14);
}
