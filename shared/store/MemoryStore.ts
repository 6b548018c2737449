/**
 * Store in one process, for local runs and tests. Same guarantees as RedisStore: each call is atomic
 * (it runs to completion before another starts), records are held as JSON text so no caller can mutate
 * stored state, nonces expire, audit and failure lists are capped, jobs are leased.
 * @module
 */
import { decodeAudit, decodeFailure, decodeRecord, encodeAudit, encodeFailure, encodeRecord } from './codec';
import { AUDIT_CAP, DEFAULT_AUDIT_LIMIT, DEFAULT_FAILURE_LIMIT, FAILURE_CAP, listLimit, nonceTtlSeconds, requireFiniteMs } from './limits';
import type {
  AuditEntry, BeginOptions, BeginResult, CommitOptions, CommitResult, FailureEntry, Store, StoreInfo, Versioned,
} from './Store';

/** Tuning of a {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock for nonce expiry (epoch ms). Default `Date.now`. */
  now?: () => number;
}

interface StoredRecord {
  version: number;
  json: string;
}

interface StoredFailure {
  at: number;
  seq: number;
  json: string;
}

/** {@link Store} held in process memory. Every call counts as one round trip, like one Redis call. */
export class MemoryStore implements Store {
  private readonly now: () => number;
  private readonly records = new Map<string, StoredRecord>();
  /** Nonce reservations: `instanceId \u0000 nonce` -> expiry (epoch ms). */
  private readonly nonces = new Map<string, number>();
  /** Audit lines per instance, newest first. */
  private readonly audits = new Map<string, string[]>();
  /** Failures sorted by `at` ascending, then arrival. */
  private failures: StoredFailure[] = [];
  private failureSeq = 0;
  private readonly jobs = new Map<string, number>();
  private roundTrips = 0;
  private lastSweepAt = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async begin(instanceId: string, options: BeginOptions = {}): Promise<BeginResult> {
    this.roundTrips += 1;
    let nonce: BeginResult['nonce'] = 'none';
    if (options.nonce !== undefined) {
      const key = `${instanceId}\u0000${options.nonce}`;
      const now = this.now();
      const expiry = this.nonces.get(key);
      if (expiry !== undefined && expiry > now) return { nonce: 'replayed', claimed: false, ...this.versioned(instanceId) };
      this.nonces.set(key, now + nonceTtlSeconds(options.nonceTtlSeconds) * 1000);
      this.sweepNonces(now);
      nonce = 'fresh';
    }
    let claimed = false;
    if (options.claim && !this.records.has(instanceId)) {
      this.records.set(instanceId, { version: 1, json: encodeRecord(options.claim) });
      claimed = true;
    }
    if (options.audit) this.appendAudit(instanceId, options.audit);
    return { nonce, claimed, ...this.versioned(instanceId) };
  }

  async commit(instanceId: string, options: CommitOptions): Promise<CommitResult> {
    this.roundTrips += 1;
    const current = this.records.get(instanceId)?.version ?? 0;
    if (current !== options.expectedVersion) return { ok: false, version: current };
    let version = current;
    if (options.record) {
      version = current + 1;
      this.records.set(instanceId, { version, json: encodeRecord(options.record) });
    }
    this.appendAudit(instanceId, options.audit);
    return { ok: true, version };
  }

  async read(instanceIds: string[]): Promise<Versioned[]> {
    if (instanceIds.length === 0) return [];
    this.roundTrips += 1;
    return instanceIds.map((id) => this.versioned(id));
  }

  async recordFailure(entry: FailureEntry): Promise<void> {
    this.roundTrips += 1;
    const at = Number.isFinite(entry.at) ? entry.at : 0;
    const item: StoredFailure = { at, seq: this.failureSeq++, json: encodeFailure(entry) };
    // Insert after every entry with at <= item.at (keeps the list sorted; usually appends).
    let i = this.failures.length;
    while (i > 0 && (this.failures[i - 1] as StoredFailure).at > at) i--;
    this.failures.splice(i, 0, item);
    if (this.failures.length > FAILURE_CAP) this.failures = this.failures.slice(this.failures.length - FAILURE_CAP);
  }

  async listAudit(instanceId: string, limit?: number): Promise<AuditEntry[]> {
    const n = listLimit(limit, DEFAULT_AUDIT_LIMIT, AUDIT_CAP);
    if (n === 0) return [];
    this.roundTrips += 1;
    return (this.audits.get(instanceId) ?? [])
      .slice(0, n)
      .map(decodeAudit)
      .filter((e): e is AuditEntry => e !== undefined);
  }

  async listFailures(options: { sinceMs?: number; limit?: number } = {}): Promise<FailureEntry[]> {
    const n = listLimit(options.limit, DEFAULT_FAILURE_LIMIT, FAILURE_CAP);
    if (n === 0) return [];
    this.roundTrips += 1;
    const since = options.sinceMs !== undefined && Number.isFinite(options.sinceMs) ? options.sinceMs : -Infinity;
    const out: FailureEntry[] = [];
    for (let i = this.failures.length - 1; i >= 0 && out.length < n; i--) {
      const item = this.failures[i] as StoredFailure;
      if (item.at < since) break;
      const entry = decodeFailure(item.json);
      if (entry) out.push(entry);
    }
    return out;
  }

  async enqueueJob(instanceId: string, dueAtMs: number): Promise<void> {
    requireFiniteMs(dueAtMs, 'dueAtMs');
    this.roundTrips += 1;
    if (!this.jobs.has(instanceId)) this.jobs.set(instanceId, dueAtMs);
  }

  async claimDueJobs(options: { nowMs: number; leaseMs: number; limit: number }): Promise<string[]> {
    const limit = listLimit(options.limit, 0, Number.MAX_SAFE_INTEGER);
    if (limit === 0) return [];
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    const leaseEnd = now + Math.max(0, requireFiniteMs(options.leaseMs, 'leaseMs'));
    this.roundTrips += 1;
    const taken = this.sortedJobs()
      .filter((job) => job.dueAtMs <= now)
      .slice(0, limit)
      .map((job) => job.instanceId);
    for (const id of taken) this.jobs.set(id, leaseEnd);
    return taken;
  }

  async completeJob(instanceId: string): Promise<void> {
    this.roundTrips += 1;
    this.jobs.delete(instanceId);
  }

  async listJobs(): Promise<Array<{ instanceId: string; dueAtMs: number }>> {
    this.roundTrips += 1;
    return this.sortedJobs();
  }

  info(): StoreInfo {
    return { kind: 'memory', roundTrips: this.roundTrips };
  }

  async ping(): Promise<void> {
    this.roundTrips += 1;
  }

  async close(): Promise<void> {
    // Nothing to release; the data stays so a closed-then-reused store behaves like a reconnect.
  }

  private versioned(instanceId: string): Versioned {
    const stored = this.records.get(instanceId);
    return stored ? { record: decodeRecord(stored.json), version: stored.version } : { record: null, version: 0 };
  }

  private appendAudit(instanceId: string, entry: AuditEntry): void {
    const lines = this.audits.get(instanceId) ?? [];
    lines.unshift(encodeAudit(entry));
    if (lines.length > AUDIT_CAP) lines.length = AUDIT_CAP;
    this.audits.set(instanceId, lines);
  }

  /** Like a Redis sorted set: by due time, ties by id (byte order). */
  private sortedJobs(): Array<{ instanceId: string; dueAtMs: number }> {
    return [...this.jobs]
      .map(([instanceId, dueAtMs]) => ({ instanceId, dueAtMs }))
      .sort((a, b) => a.dueAtMs - b.dueAtMs || compareBytes(a.instanceId, b.instanceId));
  }

  /** Drops expired nonces now and then so a long-running local server does not grow without end. */
  private sweepNonces(now: number): void {
    if (this.nonces.size < 10_000 || now - this.lastSweepAt < 1000) return;
    this.lastSweepAt = now;
    for (const [key, expiry] of this.nonces) if (expiry <= now) this.nonces.delete(key);
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
