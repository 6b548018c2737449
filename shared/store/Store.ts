/**
 * Where instance state lives. Two implementations keep the same guarantees: `RedisStore` (standalone,
 * master/standby, DCS Proxy Cluster, Redis Cluster) and `MemoryStore` (one process). A mutation costs
 * at most two round trips: {@link Store.begin} then {@link Store.commit}.
 *
 * Keys share a hash tag per instance so one Lua script can touch them all in every Redis mode:
 * `kg:{<instanceId>}:rec`, `kg:{<instanceId>}:nonce:<nonce>`, `kg:{<instanceId>}:log`.
 * @module
 */
import type { InstanceRecord } from '../lifecycle/types';

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
  requestId?: string;
}

/** A record with the version the store holds it at (0 = absent). */
export interface Versioned {
  record: InstanceRecord | null;
  version: number;
}

export interface BeginOptions {
  /** Reserve this nonce under the instance's hash tag; a second reservation reports `replayed`. */
  nonce?: string;
  /** How long a nonce is remembered (s). Default 300 (the 60 s window, both directions, with margin). */
  nonceTtlSeconds?: number;
  /** Insert this record if none exists (the claim of a newInstance); reported as `claimed`. */
  claim?: InstanceRecord;
  /** Append this audit entry in the same round trip (read-only calls). */
  audit?: AuditEntry;
}

export interface BeginResult extends Versioned {
  /** `none` when no nonce was given. A replayed nonce reserves nothing, claims nothing, logs nothing. */
  nonce: 'fresh' | 'replayed' | 'none';
  /** True when `claim` was inserted by this call (then `record` is the claim and `version` is 1). */
  claimed: boolean;
}

export interface CommitOptions {
  /** The version read in `begin`; the write happens only if it is unchanged. */
  expectedVersion: number;
  /** The new record; absent = leave the record as it is (only the audit entry is written). */
  record?: InstanceRecord;
  audit: AuditEntry;
}

export interface CommitResult {
  /** False when the version changed since `begin` (retry: read again, decide again). */
  ok: boolean;
  /** The version now stored. */
  version: number;
}

/** What the operator sees of the store. */
export interface StoreInfo {
  kind: 'memory' | 'redis' | 'redis-cluster';
  /** Redis commands and scripts sent so far (pipelines count once): the round-trip counter. */
  roundTrips: number;
}

export interface Store {
  /** Round trip 1: reserve the nonce, optionally claim, optionally log, and read the record. */
  begin(instanceId: string, options?: BeginOptions): Promise<BeginResult>;
  /** Round trip 2: compare-and-set the record and append the audit entry, atomically. */
  commit(instanceId: string, options: CommitOptions): Promise<CommitResult>;
  /** Reads several records (one round trip per hash slot group; one for one id). */
  read(instanceIds: string[]): Promise<Versioned[]>;
  /** Appends to the global failure stream (capped). */
  recordFailure(entry: FailureEntry): Promise<void>;
  /** Newest first. */
  listAudit(instanceId: string, limit?: number): Promise<AuditEntry[]>;
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
  info(): StoreInfo;
  /** Checks reachability (one round trip). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
