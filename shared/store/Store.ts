/**
 * Where state lives: versioned JSON records, one per hash tag, each with its nonces, its audit log and the
 * answers stored beside it. Two implementations keep the same guarantees: `RedisStore` (standalone,
 * master/standby, DCS Proxy Cluster, Redis Cluster) and `MemoryStore` (one process). A mutation costs at
 * most two round trips: {@link Store.begin} then {@link Store.commit}; a call whose answer is already stored
 * costs one ({@link BeginOptions.replay}).
 *
 * A tag names what one record is about: an instance (`<instanceId>`, see {@link instanceTag}) or a
 * tenant of the 联营 kit (`t:<tenantId>`, see {@link tenantTag}). Its keys share the hash tag so one
 * Lua script can touch them all in every Redis mode: `kg:{<tag>}:rec`, `kg:{<tag>}:nonce:<nonce>`,
 * `kg:{<tag>}:log`. The store never looks inside a record.
 * @module
 */

/** What a record may be: a JSON object. */
export type StoredRecord = object;

/** One line of an instance's audit log. Every call leaves one. */
export interface AuditEntry {
  /** Epoch ms. */
  at: number;
  activity: string;
  /** The answer's code, or 'received' for read calls logged on arrival. */
  resultCode: string;
  requestId?: string;
  orderId?: string;
  orderLineId?: string;
  businessId?: string;
  nonce?: string;
  /** testFlag "1" request. */
  test?: boolean;
  /** Short safe text (never a secret). */
  detail?: string;
  /**
   * Milliseconds from the request's arrival to this entry (the decision, before its write): the call's
   * latency but for its last store round trip. Absent for entries not written by a request (the worker).
   */
  ms?: number;
}

/** One answer that was not 000000, for operators (`kg failures`). */
export interface FailureEntry {
  /** Epoch ms. */
  at: number;
  resultCode: string;
  activity: string;
  /** Safe reason text. */
  reason: string;
  instanceId?: string;
  orderId?: string;
  /** The 联营 kit's tenant, when the call named one. */
  tenantId?: string;
  requestId?: string;
  /** The function that answered (`produce`, `tenant-sync`, ...); absent in entries written before. */
  fn?: string;
  orderLineId?: string;
  /** A testFlag "1" call (the debug tool or a dial test). */
  test?: boolean;
  /** The record the call was about (its audit log holds what happened next), when known. */
  tag?: string;
  /** The answer's latency (ms). */
  ms?: number;
}

/**
 * How long what the store keeps may live, so Redis memory stays bounded over years
 * (docs/operate.md "Data retention"). Nonces and sessions carry their own TTLs.
 */
export interface StoreRetention {
  /** An audit log expires this long after its last entry (s), unless its record expires sooner. */
  auditTtlSeconds: number;
  /** A removed record (commit `record: null`) and its audit log expire this long after the removal (s). */
  removedTtlSeconds: number;
  /** Failure-stream entries older than this are dropped when a new one arrives (ms). */
  failureMaxAgeMs: number;
}

/**
 * An answer kept beside a record under an idempotency key, so a retry can get it without the record being
 * read: `resultCode` (for the retry's audit entry) and `body`, the stored text (opaque to the store; the
 * caller may have sealed it).
 */
export interface StoredAnswer {
  resultCode: string;
  body: string;
}

/** A record with the version the store holds it at (0 = absent). */
export interface Versioned<R extends StoredRecord = StoredRecord> {
  record: R | null;
  version: number;
}

export interface BeginOptions<R extends StoredRecord = StoredRecord> {
  /** Reserve this nonce under the tag; a second reservation reports `replayed`. */
  nonce?: string;
  /** How long a nonce is remembered (s). Default 300 (the 60 s window, both directions, with margin). */
  nonceTtlSeconds?: number;
  /** Insert this record if none exists (the claim of a newInstance); reported as `claimed`. */
  claim?: R;
  /** Append this audit entry in the same round trip (read-only calls). */
  audit?: AuditEntry;
  /**
   * Look for the answer stored under `key` first. When there is one, the call reserves the nonce, appends
   * `audit` with the stored answer's `resultCode`, and returns the answer ({@link BeginResult.answer})
   * without reading the record or claiming anything (`claim` and the plain `audit` are left unused).
   * When there is none, the call goes on as if `replay` had not been given.
   */
  replay?: { key: string; audit: Omit<AuditEntry, 'resultCode'> };
  /**
   * Return the record's view (see {@link CommitOptions.view}) in place of the record when the view stored
   * beside it was written with the record's current version; otherwise the whole record. The caller reads
   * only what every view holds, so either serves it; a read-only call (a query) then moves a few hundred
   * bytes instead of the whole record.
   */
  view?: boolean;
}

export interface BeginResult<R extends StoredRecord = StoredRecord> extends Versioned<R> {
  /** `none` when no nonce was given. A replayed nonce reserves nothing, claims nothing, logs nothing. */
  nonce: 'fresh' | 'replayed' | 'none';
  /** True when `claim` was inserted by this call (then `record` is the claim and `version` is 1). */
  claimed: boolean;
  /**
   * The answer stored under `replay.key`, when there was one: then the record was not read (`record` is
   * null whatever is stored; `version` is the stored version) and the replay's audit entry was appended.
   */
  answer?: StoredAnswer;
  /**
   * True when `record` is the record's view (asked with {@link BeginOptions.view}), not the whole record: then
   * it is deeply frozen and may be the very object another call got for the same view text.
   */
  view?: boolean;
}

export interface CommitOptions<R extends StoredRecord = StoredRecord> {
  /** The version read in `begin`; the write happens only if it is unchanged. */
  expectedVersion: number;
  /**
   * The new record; absent = leave the record as it is (only the audit entry is written); `null` =
   * remove the record (the audit log stays, so what happened can still be read).
   */
  record?: R | null;
  audit: AuditEntry;
  /** Expire the record and its audit log this long after the write (s); absent = keep them. */
  ttlSeconds?: number;
  /** Answers to keep beside the record (key -> answer), written with it; an existing key is replaced. */
  answers?: Readonly<Record<string, StoredAnswer>>;
  /** Keys of stored answers to drop (before `answers` are written). Removing the record drops them all. */
  forget?: readonly string[];
  /**
   * A view of `record` (JSON text of an object holding part of its fields), kept beside it and stamped
   * with the version written, for {@link BeginOptions.view}. Only with a new record; a new record written
   * without one drops the old view, and a view whose stamp is not the record's version is never returned,
   * so a writer that does not know about views can never make a reader see stale fields.
   */
  view?: string;
}

export interface CommitResult {
  /** False when the version changed since `begin` (retry: read again, decide again). */
  ok: boolean;
  /** The version now stored (a removed record keeps counting, so an old version never matches again). */
  version: number;
}

/** What the operator sees of the store. */
export interface StoreInfo {
  kind: 'memory' | 'redis' | 'redis-cluster';
  /** Redis commands and scripts sent so far (pipelines count once): the round-trip counter. */
  roundTrips: number;
}

export interface Store {
  /** Round trip 1: reserve the nonce, optionally claim, optionally log, and read the record of `tag`. */
  begin<R extends StoredRecord>(tag: string, options?: BeginOptions<R>): Promise<BeginResult<R>>;
  /** Round trip 2: compare-and-set the record of `tag` and append the audit entry, atomically. */
  commit<R extends StoredRecord>(tag: string, options: CommitOptions<R>): Promise<CommitResult>;
  /** Reads several records (one round trip per hash slot group; one for one tag). */
  read<R extends StoredRecord>(tags: string[]): Promise<Array<Versioned<R>>>;
  /** Appends to the global failure stream (capped). */
  recordFailure(entry: FailureEntry): Promise<void>;
  /** The audit log of `tag`, newest first. */
  listAudit(tag: string, limit?: number): Promise<AuditEntry[]>;
  /** Adds `member` to the named index set (tenants of the kit, ...); idempotent. */
  addToIndex(index: string, member: string): Promise<void>;
  /** Removes `member` from the named index set; idempotent. */
  removeFromIndex(index: string, member: string): Promise<void>;
  /** Members of the named index set, sorted. */
  listIndex(index: string): Promise<string[]>;
  /** Newest first; `sinceMs` filters by `at`. */
  listFailures(options?: { sinceMs?: number; limit?: number }): Promise<FailureEntry[]>;
  /** Queues provisioning of an instance, due at `dueAtMs` (idempotent per instance). */
  enqueueJob(instanceId: string, dueAtMs: number): Promise<void>;
  /**
   * Atomically takes up to `limit` jobs due at `nowMs` and pushes their due time to `nowMs + leaseMs`,
   * so a worker that crashes loses its jobs to the next worker when the lease ends.
   */
  claimDueJobs(options: { nowMs: number; leaseMs: number; limit: number }): Promise<string[]>;
  /** Removes a finished job. */
  completeJob(instanceId: string): Promise<void>;
  /** Lists queued jobs with their due times (for operators and tests). */
  listJobs(): Promise<Array<{ instanceId: string; dueAtMs: number }>>;
  /**
   * Every tag that has a record (`record`) or an audit log (`audit`), in batches, in no particular order
   * (Redis SCAN on every master: a tag may come twice, a tag written during the scan may be missed).
   * For operators' reports, never for a callback.
   */
  scanTags(what: 'record' | 'audit'): AsyncIterable<string[]>;
  info(): StoreInfo;
  /** Checks reachability (one round trip). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
