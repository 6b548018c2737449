/**
 * A Map used as a bounded cache: the process-local memories of the request path (records seen, values
 * opened) keep at most a fixed number of entries, the oldest dropped first.
 * @module
 */

/** Sets `key` in `map`, first dropping the oldest entry when the map already holds `max` entries. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
