/**
 * Bounded caches: the process-local memories of the request path (records seen, values opened, signatures
 * and ids computed) keep at most a fixed number of entries, the oldest dropped first.
 * @module
 */

/** Sets `key` in `map`, first dropping the oldest entry when the map already holds `max` entries. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

/**
 * `compute` with its results for the last `max` arguments remembered. For pure functions only: a remembered
 * result is the one a new call would give. A call that throws remembers nothing.
 */
export function remembering<K, V>(compute: (key: K) => V, max: number): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined) {
      result = compute(key);
      setBounded(results, key, result, max);
    }
    return result;
  };
}

/**
 * `compute(key, message)` with, per key, the results of the last `maxPerKey` messages remembered, for the last
 * `maxKeys` keys: a keyed function (an HMAC, a derivation) whose messages repeat under each of a few keys.
 */
export function rememberingPerKey<V>(compute: (key: string, message: string) => V, maxPerKey: number, maxKeys = 16): (key: string, message: string) => V {
  const byKey = remembering((key: string) => remembering((message: string) => compute(key, message), maxPerKey), maxKeys);
  return (key, message) => byKey(key)(message);
}
