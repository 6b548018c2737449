/**
 * Where on-demand usage waits for the open API, and the order-query due-set: the outbound state of the
 * marketplace calls, beside the {@link Store} of records. Two implementations keep the same guarantees:
 * `RedisUsageLedger` (on the Store's own connection; every key under one hash tag, so each script is atomic in
 * standalone Redis, DCS Proxy Cluster and Redis Cluster alike) and `MemoryUsageLedger` (one process).
 *
 * A record is stored once per `meteringSn` and is in exactly one state: pending (waiting, or leased to a
 * pusher until its due time), pushed (the marketplace answered `MKT.0000`) or dead (refused, with the reason).
 * Every call is atomic; counts per instance, hour and state change in the same step as the record.
 * @module
 */

/** A usage record as stored: normalised, with wire-format times. */
export interface StoredUsage {
  meteringSn: string;
  instanceId: string;
  /** Decimal text, > 0, at most 4 decimals, no superfluous zeros (`12.5`, `3`). */
  usageValue: string;
  /** UTC `yyyyMMdd'T'HHmmss'Z'`. */
  beginTime: string;
  /** UTC `yyyyMMdd'T'HHmmss'Z'`. */
  endTime: string;
  relatePkgInstance?: string;
  /** Epoch ms at which it was stored. */
  recordedAt: number;
}

/** One record to add: the record, the digest of its content (64 hex) and its hour (`yyyyMMddHH` of beginTime). */
export interface LedgerEntry {
  usage: StoredUsage;
  /** Lower-case hex SHA-256 of the record's content (not its recording time): same sn, same digest = duplicate. */
  fingerprint: string;
  /** `yyyyMMddHH` (UTC) of the record's beginTime: the hour `kg usage status` counts it under. */
  hour: string;
}

/** What {@link UsageLedger.add} did with one entry. */
export type AddOutcome = 'stored' | 'duplicate' | 'conflict';

/** The state of a record. */
export type UsageState = 'pending' | 'pushed' | 'dead';

/** A dead-lettered record, with why. */
export interface DeadLetter {
  usage: StoredUsage;
  /** The marketplace's code (`MKT.9002`, ...) or ours (`EXPIRED`). */
  code: string;
  reason: string;
  /** Epoch ms of the dead-lettering. */
  at: number;
}

/** Counts of one instance and hour. */
export interface UsageCount {
  instanceId: string;
  /** `yyyyMMddHH` (UTC) of the records' beginTime. */
  hour: string;
  pending: number;
  pushed: number;
  dead: number;
}

/** One record's state, for operators and tests. */
export interface UsageLookup {
  usage: StoredUsage;
  state: UsageState;
  /** Due time (pending; epoch ms), or when it was pushed or dead-lettered. */
  atMs: number;
  /** Why, for a dead record. */
  dead?: { code: string; reason: string };
}

/** A dead-lettering. */
export interface DeadVerdict {
  meteringSn: string;
  code: string;
  reason: string;
}

/** An instance waiting for its order query, and how many queries failed so far. */
export interface EnrichmentJob {
  instanceId: string;
  /** Failed attempts so far (0 on the first). */
  attempts: number;
}

export interface UsageLedger {
  /**
   * Adds records in order, atomically per call: a new sn is stored as pending (due now); an sn stored before
   * with the same fingerprint is a `duplicate` (nothing changes), with another fingerprint a `conflict`
   * (nothing changes). Two entries of one call with the same sn behave the same way.
   */
  add(entries: readonly LedgerEntry[], nowMs: number): Promise<AddOutcome[]>;
  /**
   * Leases up to `limit` pending records due at `nowMs` (earliest due first) by moving their due time to
   * `leaseUntilMs`: another pusher takes them only after that, so two pushers never hold one record at once.
   */
  claim(options: { nowMs: number; leaseUntilMs: number; limit: number }): Promise<StoredUsage[]>;
  /** Pending records due at `nowMs`, earliest first, without leasing them (dry run). */
  peek(options: { nowMs: number; limit: number }): Promise<StoredUsage[]>;
  /** Sets the due time of records that are still pending (extends a lease, or releases it with `now`). */
  reschedule(meteringSns: readonly string[], dueAtMs: number): Promise<void>;
  /**
   * Moves pending records to pushed, and others to dead with their reason. Records no longer pending
   * (settled by another pusher) are left as they are. Returns how many moved.
   */
  settle(options: { nowMs: number; pushed: readonly string[]; dead: readonly DeadVerdict[] }): Promise<{ pushed: number; dead: number }>;
  /** Counts per instance and hour, sorted by instance, then hour. */
  counts(): Promise<UsageCount[]>;
  /** Dead letters, newest first. */
  deadLetters(options?: { limit?: number }): Promise<DeadLetter[]>;
  /** Moves dead records back to pending, due at `nowMs` (after the cause is fixed). Returns how many moved. */
  requeue(meteringSns: readonly string[], nowMs: number): Promise<number>;
  /** Drops up to `limit` pushed records pushed before `pushedBeforeMs` and dead ones dead before `deadBeforeMs`. */
  sweep(options: { pushedBeforeMs: number; deadBeforeMs: number; limit: number }): Promise<number>;
  /** The records named, in order (null when unknown). */
  lookup(meteringSns: readonly string[]): Promise<Array<UsageLookup | null>>;

  /** Queues the order query of an instance, due at `dueAtMs` (idempotent: a queued instance keeps its time). */
  scheduleEnrichment(instanceId: string, dueAtMs: number): Promise<void>;
  /** Leases up to `limit` due order queries until `nowMs + leaseMs` (a crashed worker's come due again). */
  claimEnrichments(options: { nowMs: number; leaseMs: number; limit: number }): Promise<EnrichmentJob[]>;
  /** A failed query: due again at `dueAtMs`, attempts + 1 (only while still queued). Returns the attempts. */
  retryEnrichment(instanceId: string, dueAtMs: number): Promise<number>;
  /** Removes a finished (or abandoned) order query. */
  completeEnrichment(instanceId: string): Promise<void>;
  /** Queued order queries with their due times (operators, tests). */
  listEnrichments(): Promise<Array<{ instanceId: string; dueAtMs: number }>>;
}
