/**
 * The JSON text KooGallery signs (security-and-crypto.md §3.1 step 4): top-level keys in ordinal
 * (UTF-16 code unit) order, `null` values dropped, compact, non-ASCII and `/` left unescaped.
 * @module
 */

/** Serialises a request body the way the marketplace canonicalises it before signing. */
export function canonicalJson(body: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  // Default sort compares UTF-16 code units, the same order as Java's TreeMap<String, ?>.
  for (const key of Object.keys(body).sort()) {
    if (body[key] !== null && body[key] !== undefined) sorted[key] = body[key];
  }
  return JSON.stringify(sorted);
}
