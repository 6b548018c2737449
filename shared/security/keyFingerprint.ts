/**
 * A short, safe way to name a key in CLI output and logs.
 * @module
 */

/**
 * Names a key without revealing it: a few leading characters and the length, e.g. `test…(20 chars)`.
 * At most 4 characters and at most a quarter of the key are shown, so short keys give away little.
 */
export function keyFingerprint(key: string): string {
  const shown = Math.min(4, Math.floor(key.length / 4));
  return `${key.slice(0, shown)}…(${key.length} chars)`;
}
