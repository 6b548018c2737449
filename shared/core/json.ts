/**
 * JSON text that may not be JSON: for readers that treat unreadable text as absent.
 * @module
 */

/** `JSON.parse(text)`, or undefined when `text` is not valid JSON (JSON itself has no undefined). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
