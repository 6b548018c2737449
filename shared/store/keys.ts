/**
 * Redis key names. Every key of one record carries the same hash tag `{<tag>}` so one Lua script may
 * touch them all in standalone Redis, DCS Proxy Cluster and Redis Cluster alike. Tags are built by
 * {@link instanceTag}, {@link tenantTag} and {@link sessionTag}, which never collide.
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * Makes an id safe inside a hash tag: `%`, `{` and `}` are percent-encoded, so a crafted id cannot
 * close the tag early and move its keys to another slot. The empty id becomes `%`, which no other id
 * encodes to (every other `%` is followed by two hex digits), because `{}` would disable the tag.
 * The mapping is one-to-one: two different ids never share a key.
 */
export function escapeTagId(id: string): string {
  if (id === '') return '%';
  // Most ids have nothing to escape: a test is far cheaper than a replace with a callback.
  if (!NEEDS_ESCAPE.test(id)) return id;
  return id.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const NEEDS_ESCAPE = /[%{}]/;

/** A tag's hash tag, braces included: `{<escaped tag>}`. */
export function braced(tag: string): string {
  return `{${escapeTagId(tag)}}`;
}

/** Prefixes that name non-instance records; an instance id that starts with one is moved aside. */
const RESERVED_PREFIX = /^(?:i|t|tt|s|ops):/;

/**
 * The tag of an instance: the instanceId itself (so the keys are `kg:{<instanceId>}:...`), except that an
 * id starting with `i:`, `t:`, `tt:`, `s:` or `ops:` gets an `i:` in front, so no instance can share the keys of
 * a tenant, a session or an operations record (`ops:alerts`, `ops:nightly`).
 */
export function instanceTag(instanceId: string): string {
  return RESERVED_PREFIX.test(instanceId) ? `i:${instanceId}` : instanceId;
}

/** The tag of a 联营 kit tenant: `t:<tenantId>`, or `tt:<tenantId>` for the seller's test data (testFlag 1). */
export function tenantTag(tenantId: string, test = false): string {
  return `${test ? 'tt' : 't'}:${tenantId}`;
}

/**
 * The tag of an SSO session: `s:<lower-case hex SHA-256 of the session id>`, so the id itself is never a
 * key and a key read from Redis cannot be replayed as a cookie.
 */
export function sessionTag(sessionId: string): string {
  return `s:${createHash('sha256').update(sessionId, 'utf8').digest('hex')}`;
}

/**
 * Hash of one tag: `v` (version), `r` (record JSON), `p` (the record's view, `<version>|<JSON>`, see
 * CommitOptions.view) and one field per stored answer (`a:<key>`, see {@link answerField}).
 */
export function recordKey(tag: string): string {
  return `kg:${braced(tag)}:rec`;
}

/** The field of the record hash that holds the answer stored under idempotency key `key`. */
export function answerField(key: string): string {
  return `a:${key}`;
}

/** Reservation of one nonce under one tag (a string with a TTL). */
export function nonceKey(tag: string, nonce: string): string {
  return `kg:${braced(tag)}:nonce:${nonce}`;
}

/** Audit list of one tag, newest first, capped. */
export function auditKey(tag: string): string {
  return `kg:${braced(tag)}:log`;
}

/** A named index set (for listing, e.g. the kit's tenants). */
export function indexKey(index: string): string {
  return `kg:index:${index}`;
}

/** Global failure stream: a sorted set scored by `at` (epoch ms), capped. */
export const FAILURES_KEY = 'kg:failures';

/** Provisioning jobs: a sorted set of instance ids scored by due time (epoch ms). */
export const JOBS_KEY = 'kg:{jobs}:due';

/** Inverse of {@link escapeTagId}. */
export function unescapeTagId(escaped: string): string {
  if (escaped === '%') return '';
  return escaped.replace(/%(25|7B|7D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** SCAN patterns of the record hashes and the audit lists. */
export const SCAN_PATTERN = { record: 'kg:{*}:rec', audit: 'kg:{*}:log' } as const;

/**
 * The tag a record or audit key belongs to, or undefined for any other key (a nonce, the usage ledger,
 * a key whose braces do not close where ours do).
 */
export function tagOfKey(key: string, what: 'record' | 'audit'): string | undefined {
  const suffix = what === 'record' ? '}:rec' : '}:log';
  if (!key.startsWith('kg:{') || !key.endsWith(suffix)) return undefined;
  const inner = key.slice(4, key.length - suffix.length);
  if (inner === '' || inner.includes('{') || inner.includes('}')) return undefined;
  return unescapeTagId(inner);
}

/** The instance a tag names, or undefined for a tenant's, a session's or an operations record's tag. */
export function instanceIdOfTag(tag: string): string | undefined {
  if (tag.startsWith('i:')) return tag.slice(2);
  return RESERVED_PREFIX.test(tag) ? undefined : tag;
}
