/**
 * The JSON text KooGallery signs (security-and-crypto.md §3.1 step 4): top-level keys in ordinal
 * (UTF-16 code unit) order, `null` values dropped, compact, non-ASCII and `/` left unescaped, control
 * characters as Jackson writes them (`\u001F`, upper-case hex).
 * @module
 */

/** Serialises a request body the way the marketplace canonicalises it before signing. */
export function canonicalJson(body: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  // Default sort compares UTF-16 code units, the same order as Java's TreeMap<String, ?>.
  for (const key of Object.keys(body).sort()) {
    if (body[key] !== null && body[key] !== undefined) sorted[key] = body[key];
  }
  // JSON.stringify writes C0 controls as `\u001f`; Jackson, which the marketplace signs with, as `\u001F`.
  // Every backslash in its output starts an escape, so `\\` is matched (and kept) whole.
  return JSON.stringify(sorted).replace(/\\(?:\\|u00[01][0-9a-f])/g, (esc) => (esc.length === 2 ? esc : `\\u${esc.slice(2).toUpperCase()}`));
}
