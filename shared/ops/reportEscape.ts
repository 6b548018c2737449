/**
 * Text for the report page: every value placed in HTML goes through {@link esc} (order ids, reasons and
 * activities come from requests), and instants are shown in China time, the marketplace's.
 * @module
 */
import { CHINA_OFFSET_MS } from './calendar';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * HTML-escapes a value for text and for quoted attributes alike.
 * @example esc('<b onclick="x">') // '&lt;b onclick=&quot;x&quot;&gt;'
 */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * An instant (epoch ms) as `YYYY-MM-DD HH:mm:ss` China time.
 * @example chinaTime(Date.UTC(2026, 9, 31, 16, 30)) // '2026-11-01 00:30:00'
 */
export function chinaTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
