/**
 * Text for the report page: every value placed in HTML goes through {@link esc} (order ids, reasons and
 * activities come from requests).
 * @module
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * HTML-escapes a value for text and for quoted attributes alike.
 * @example esc('<b onclick="x">') // '&lt;b onclick=&quot;x&quot;&gt;'
 */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

