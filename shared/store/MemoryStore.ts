/**
 * Store in one process, for local runs and tests. Same guarantees as RedisStore: each call is atomic
 * (it runs to completion before another starts), records are held as JSON text so no caller can mutate
 * stored state, nonces expire, audit and failure lists are capped, jobs are leased.
 *
 * What it holds is bounded, so a long-running `kg serve` under a flood of calls it refuses levels off: the
 * failure stream at {@link FAILURE_CAP} entries; nonces for their TTL (only calls whose signature verified
 * reserve one; expired ones are swept once 10 000 are held); records and their audit logs (at most
 * {@link AUDIT_CAP} lines each) only for instances the marketplace created; and the audit logs of tags that
 * hold no record (a signed call on an unknown instance is still logged) at {@link MEMORY_UNRECORDED_AUDIT_LINES}
 * lines in all, the least recently written dropped first. {@link MemoryStore.footprint} counts them.
 * @module
 */
import {
  completeAuditText, decodeAnswer, decodeAudit, decodeFailure, decodeRecord, decodeView, encodeAnswer, encodeAudit, encodeAuditTemplate, encodeFailure, encodeRecord,
} from './codec';
import { AUDIT_CAP, DEFAULT_AUDIT_LIMIT, DEFAULT_FAILURE_LIMIT, DEFAULT_RETENTION, FAILURE_CAP, listLimit, nonceTtlSeconds, requireFiniteMs } from './limits';
import type {
  AuditEntry, BeginOptions, BeginResult, CommitOptions, CommitResult, FailureEntry, Store, StoreInfo, StoreRetention, StoredAnswer, StoredRecord,
  Versioned,
} from './Store';

/**
 * Audit lines a {@link MemoryStore} keeps, across all tags, in the audit logs of tags that hold no record (a
 * signed call on an instance the marketplace never created): about 7 MB of heap when full, at one line per tag.
 * RedisStore keeps such logs for the audit TTL, as it keeps every audit log.
 */
export const MEMORY_UNRECORDED_AUDIT_LINES = 10_000;

/** Tuning of a {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock for nonce expiry (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** How long audit logs, removed records and failures live; default {@link DEFAULT_RETENTION}. */
  retention?: StoreRetention;
  /** Audit lines kept for tags that hold no record (>= 1); default {@link MEMORY_UNRECORDED_AUDIT_LINES}. */
  unrecordedAuditLines?: number;
}

/** How many entries each part of a {@link MemoryStore} holds (see {@link MemoryStore.footprint}). */
export interface MemoryStoreFootprint {
  records: number;
  /** Stored answers, over all records. */
  answers: number;
  /** Nonce reservations, expired ones not yet swept included. */
  nonces: number;
  auditLogs: number;
  /** Audit lines over all logs. */
  auditLines: number;
  /** Audit lines in the logs of tags that hold no record (at most `unrecordedAuditLines`). */
  unrecordedAuditLines: number;
  failures: number;
  jobs: number;
  indexMembers: number;
}

interface HeldRecord {
  version: number;
  /** Null after a removal: the version keeps counting. */
  json: string | null;
  /** Epoch ms after which the record and its audit log are gone (commit `ttlSeconds`). */
  expiresAt?: number;
  /** Stored answers beside the record: key -> `<resultCode>|<body>` (as RedisStore's `a:<key>` fields). */
  answers?: Map<string, string>;
  /** The record's view and the version it was written with (as RedisStore's `p` field). */
  view?: { version: number; json: string };
}

interface StoredFailure {
  at: number;
  seq: number;
  json: string;
}

/** {@link Store} held in process memory. Every call counts as one round trip, like one Redis call. */
export class MemoryStore implements Store {
  private readonly now: () => number;
  private readonly retention: StoreRetention;
  private readonly records = new Map<string, HeldRecord>();
  /** Nonce reservations: `instanceId \u0000 nonce` -> expiry (epoch ms). */
  private readonly nonces = new Map<string, number>();
  /** Audit lines per tag, newest first. */
  private readonly audits = new Map<string, string[]>();
  /** Failures sorted by `at` ascending, then arrival. */
  private failures: StoredFailure[] = [];
  private failureSeq = 0;
  private readonly jobs = new Map<string, number>();
  /** Audit logs with a TTL: tag -> expiry (epoch ms). */
  private readonly auditExpiry = new Map<string, number>();
  private readonly indexes = new Map<string, Set<string>>();
  /** Tags whose audit log holds no record, least recently written first -> that log's line count then. */
  private readonly unrecordedAudits = new Map<string, number>();
  private unrecordedLines = 0;
  private readonly unrecordedCap: number;
  private roundTrips = 0;
  private lastSweepAt = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.unrecordedCap = Math.max(1, Math.floor(options.unrecordedAuditLines ?? MEMORY_UNRECORDED_AUDIT_LINES));
  }

  async begin<R extends StoredRecord>(instanceId: string, options: BeginOptions<R> = {}): Promise<BeginResult<R>> {
    this.roundTrips += 1;
    this.expire(instanceId);
    let nonce: BeginResult['nonce'] = 'none';
    if (options.nonce !== undefined) {
      const key = `${instanceId}\u0000${options.nonce}`;
      const now = this.now();
      const expiry = this.nonces.get(key);
      if (expiry !== undefined && expiry > now) return { nonce: 'replayed', claimed: false, ...this.versioned<R>(instanceId) };
      this.nonces.set(key, now + nonceTtlSeconds(options.nonceTtlSeconds) * 1000);
      this.sweepNonces(now);
      nonce = 'fresh';
    }
    const held = this.records.get(instanceId);
    const stored = options.replay ? held?.answers?.get(options.replay.key) : undefined;
    if (options.replay && stored !== undefined) {
      const answer: StoredAnswer = decodeAnswer(stored);
      this.appendAuditLine(instanceId, completeAuditText(encodeAuditTemplate(options.replay.audit), answer.resultCode));
      return { nonce, claimed: false, record: null, version: held?.version ?? 0, answer };
    }
    let claimed = false;
    if (options.claim && (held === undefined || held.json === null)) {
      this.records.set(instanceId, { ...held, version: (held?.version ?? 0) + 1, json: encodeRecord(options.claim) });
      claimed = true;
    }
    if (options.audit) this.appendAudit(instanceId, options.audit);
    if (options.view) {
      const now = this.records.get(instanceId);
      if (now?.view !== undefined && now.json !== null && now.view.version === now.version) {
        return { nonce, claimed, record: decodeView<R>(now.view.json), version: now.version, view: true };
      }
    }
    return { nonce, claimed, ...this.versioned<R>(instanceId) };
  }

  async commit<R extends StoredRecord>(instanceId: string, options: CommitOptions<R>): Promise<CommitResult> {
    this.roundTrips += 1;
    this.expire(instanceId);
    const held = this.records.get(instanceId);
    const current = held?.version ?? 0;
    if (current !== options.expectedVersion) return { ok: false, version: current };
    let version = current;
    if (options.record !== undefined) {
      version = current + 1;
      const next: HeldRecord = { ...held, version, json: options.record === null ? null : encodeRecord(options.record) };
      // Removing a record removes its stored answers too.
      if (options.record === null) delete next.answers;
      if (options.record !== null && options.view !== undefined && options.view !== '') next.view = { version, json: options.view };
      else delete next.view;
      this.records.set(instanceId, next);
    }
    if (options.record !== null && (options.forget?.length || options.answers)) {
      const target = this.records.get(instanceId) ?? { version, json: null };
      const answers = target.answers ?? new Map<string, string>();
      for (const key of options.forget ?? []) answers.delete(key);
      if (options.answers) for (const key in options.answers) answers.set(key, encodeAnswer(options.answers[key] as StoredAnswer));
      target.answers = answers;
      this.records.set(instanceId, target);
    }
    const ttl = options.ttlSeconds ?? (options.record === null ? this.retention.removedTtlSeconds : undefined);
    if (ttl !== undefined && Number.isFinite(ttl) && ttl > 0) {
      const after = this.records.get(instanceId);
      if (after) after.expiresAt = this.now() + Math.ceil(ttl) * 1000;
    }
    this.appendAudit(instanceId, options.audit);
    return { ok: true, version };
  }

  async read<R extends StoredRecord>(instanceIds: string[]): Promise<Array<Versioned<R>>> {
    if (instanceIds.length === 0) return [];
    this.roundTrips += 1;
    return instanceIds.map((id) => {
      this.expire(id);
      return this.versioned<R>(id);
    });
  }

  async addToIndex(index: string, member: string): Promise<void> {
    this.roundTrips += 1;
    const set = this.indexes.get(index) ?? new Set<string>();
    set.add(member);
    this.indexes.set(index, set);
  }

  async removeFromIndex(index: string, member: string): Promise<void> {
    this.roundTrips += 1;
    this.indexes.get(index)?.delete(member);
  }

  async listIndex(index: string): Promise<string[]> {
    this.roundTrips += 1;
    return [...(this.indexes.get(index) ?? [])].sort();
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
    if (this.retention.failureMaxAgeMs > 0) {
      const oldestKept = at - this.retention.failureMaxAgeMs;
      const firstKept = this.failures.findIndex((f) => f.at >= oldestKept);
      if (firstKept > 0) this.failures = this.failures.slice(firstKept);
      else if (firstKept < 0) this.failures = [];
    }
  }

  async listAudit(instanceId: string, limit?: number): Promise<AuditEntry[]> {
    const n = listLimit(limit, DEFAULT_AUDIT_LIMIT, AUDIT_CAP);
    if (n === 0) return [];
    this.roundTrips += 1;
    this.expire(instanceId);
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

  async *scanTags(what: 'record' | 'audit'): AsyncIterable<string[]> {
    this.roundTrips += 1;
    const source = what === 'record' ? this.records : this.audits;
    const tags: string[] = [];
    for (const tag of [...source.keys()]) {
      this.expire(tag);
      if (what === 'record' ? this.records.has(tag) : this.audits.has(tag)) tags.push(tag);
    }
    if (tags.length > 0) yield tags;
  }

  info(): StoreInfo {
    return { kind: 'memory', roundTrips: this.roundTrips };
  }

  /** Counts what this store holds now (no round trip, nothing changed): for tests and diagnostics. */
  footprint(): MemoryStoreFootprint {
    let answers = 0;
    for (const held of this.records.values()) answers += held.answers?.size ?? 0;
    let auditLines = 0;
    for (const lines of this.audits.values()) auditLines += lines.length;
    let unrecordedAuditLines = 0;
    for (const tag of this.unrecordedAudits.keys()) if (!this.records.has(tag)) unrecordedAuditLines += this.audits.get(tag)?.length ?? 0;
    let indexMembers = 0;
    for (const set of this.indexes.values()) indexMembers += set.size;
    return {
      records: this.records.size, answers, nonces: this.nonces.size, auditLogs: this.audits.size, auditLines, unrecordedAuditLines,
      failures: this.failures.length, jobs: this.jobs.size, indexMembers,
    };
  }

  async ping(): Promise<void> {
    this.roundTrips += 1;
  }

  async close(): Promise<void> {
    // Nothing to release; the data stays so a closed-then-reused store behaves like a reconnect.
  }

  private versioned<R extends StoredRecord>(instanceId: string): Versioned<R> {
    const stored = this.records.get(instanceId);
    if (!stored) return { record: null, version: 0 };
    return { record: stored.json === null ? null : decodeRecord<R>(stored.json), version: stored.version };
  }

  /** Drops a record and audit log whose TTL has passed, as Redis would. */
  private expire(tag: string): void {
    const now = this.now();
    const held = this.records.get(tag);
    if (held?.expiresAt !== undefined && held.expiresAt <= now) this.records.delete(tag);
    const auditUntil = this.auditExpiry.get(tag);
    if (auditUntil !== undefined && auditUntil <= now) {
      this.audits.delete(tag);
      this.auditExpiry.delete(tag);
      this.forgetUnrecorded(tag);
    }
  }

  /** Appends an audit entry; see {@link appendAuditLine}. */
  private appendAudit(instanceId: string, entry: AuditEntry): void {
    this.appendAuditLine(instanceId, encodeAudit(entry));
  }

  /** Appends an audit line; the log then lives as long as its record, or the audit TTL (as AUDIT_RETENTION_LUA). */
  private appendAuditLine(instanceId: string, line: string): void {
    const lines = this.audits.get(instanceId) ?? [];
    lines.unshift(line);
    if (lines.length > AUDIT_CAP) lines.length = AUDIT_CAP;
    this.audits.set(instanceId, lines);
    const recordUntil = this.records.get(instanceId)?.expiresAt;
    const auditTtl = this.retention.auditTtlSeconds;
    if (recordUntil !== undefined) this.auditExpiry.set(instanceId, recordUntil);
    else if (auditTtl > 0) this.auditExpiry.set(instanceId, this.now() + auditTtl * 1000);
    this.boundUnrecorded(instanceId, lines);
  }

  /**
   * Keeps the audit logs of tags that hold no record within {@link unrecordedCap} lines in all: `tag` (just
   * written) becomes the newest, and the least recently written logs go, whole, until the rest fit (a single
   * log longer than the cap keeps its newest lines). A tag that holds a record is never counted or dropped here.
   */
  private boundUnrecorded(tag: string, lines: string[]): void {
    if (this.records.has(tag)) {
      this.forgetUnrecorded(tag);
      return;
    }
    if (lines.length > this.unrecordedCap) lines.length = this.unrecordedCap;
    this.forgetUnrecorded(tag);
    this.unrecordedAudits.set(tag, lines.length);
    this.unrecordedLines += lines.length;
    for (const oldest of this.unrecordedAudits.keys()) {
      // `tag` is last and fits alone, so the loop stops before it.
      if (this.unrecordedLines <= this.unrecordedCap) break;
      this.forgetUnrecorded(oldest);
      if (!this.records.has(oldest)) {
        this.audits.delete(oldest);
        this.auditExpiry.delete(oldest);
      }
    }
  }

  /** Stops counting `tag`'s audit log among those of tags without a record. */
  private forgetUnrecorded(tag: string): void {
    const count = this.unrecordedAudits.get(tag);
    if (count === undefined) return;
    this.unrecordedLines -= count;
    this.unrecordedAudits.delete(tag);
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
