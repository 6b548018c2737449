/**
 * Redis key names. Every key of one instance carries the same hash tag `{<instanceId>}` so one Lua
 * script may touch them all in standalone Redis, DCS Proxy Cluster and Redis Cluster alike.
 * @module
 */

/**
 * Makes an id safe inside a hash tag: `%`, `{` and `}` are percent-encoded, so a crafted id cannot
 * close the tag early and move its keys to another slot. The empty id becomes `%`, which no other id
 * encodes to (every other `%` is followed by two hex digits), because `{}` would disable the tag.
 * The mapping is one-to-one: two different ids never share a key.
 */
export function escapeTagId(id: string): string {
  if (id === '') return '%';
  return id.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The hash tag of an instance, braces included: `{<escaped id>}`. */
export function instanceTag(instanceId: string): string {
  return `{${escapeTagId(instanceId)}}`;
}

/** Hash `{v: version, r: record JSON}` of one instance. */
export function recordKey(instanceId: string): string {
  return `kg:${instanceTag(instanceId)}:rec`;
}

/** Reservation of one nonce for one instance (a string with a TTL). */
export function nonceKey(instanceId: string, nonce: string): string {
  return `kg:${instanceTag(instanceId)}:nonce:${nonce}`;
}

/** Audit list of one instance, newest first, capped. */
export function auditKey(instanceId: string): string {
  return `kg:${instanceTag(instanceId)}:log`;
}

/** Global failure stream: a sorted set scored by `at` (epoch ms), capped. */
export const FAILURES_KEY = 'kg:failures';

/** Provisioning jobs: a sorted set of instance ids scored by due time (epoch ms). */
export const JOBS_KEY = 'kg:{jobs}:due';
