/**
 * Store on Redis through ioredis: standalone, master/standby, DCS Proxy Cluster (one `Redis`) and
 * Redis Cluster (`Cluster`). `begin` and `commit` are one Lua script call each (EVALSHA, EVAL when the
 * server lacks the script), all keys of a script share the instance's hash tag. Stored answers are fields
 * of the record hash (`a:<key>`), so they share its slot, its TTL and its scripts.
 *
 * One timeout mechanism: once connected, each command is bounded by ioredis itself (`commandTimeout`, no
 * offline queue, see connectionOptions.ts), so a call goes straight out with no timer of its own; only the
 * wait for the first connection (a cold start) is bounded here, by `deadlineMs` (and every call, should the
 * client not bound its commands as tightly).
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError } from '../core/errors';
import {
  decodeAnswer, decodeAudit, decodeFailure, decodeRecord, decodeVersion, decodeView, encodeAnswer, encodeAudit, encodeAuditTemplate, encodeFailure, encodeRecord,
} from './codec';
import { STORE_DEADLINE_MS } from './connectionOptions';
import { withDeadline } from './deadline';
import { hashSlot } from './hashSlot';
import { FAILURES_KEY, JOBS_KEY, SCAN_PATTERN, answerField, auditKey, indexKey, nonceKey, recordKey, tagOfKey } from './keys';
import { AUDIT_CAP, DEFAULT_AUDIT_LIMIT, DEFAULT_FAILURE_LIMIT, DEFAULT_RETENTION, FAILURE_CAP, listLimit, nonceTtlSeconds, requireFiniteMs } from './limits';
import { BEGIN, CLAIM_JOBS, COMMIT, PUSH_FAILURE, type ScriptDefinition } from './scripts';
import type {
  AuditEntry, BeginOptions, BeginResult, CommitOptions, CommitResult, FailureEntry, Store, StoreInfo, StoreRetention, StoredAnswer, StoredRecord,
  Versioned,
} from './Store';

/** A standalone or cluster ioredis client. */
export type RedisClient = Redis | Cluster;

type ScriptArg = string | number;

/** The commands `defineCommand` adds to the client. */
interface ScriptCommands {
  kgBegin(...args: ScriptArg[]): Promise<unknown>;
  kgCommit(...args: ScriptArg[]): Promise<unknown>;
  kgPushFailure(...args: ScriptArg[]): Promise<unknown>;
  kgClaimJobs(...args: ScriptArg[]): Promise<unknown>;
}

/** Tuning of a {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * Limit on a call waiting for the first connection (ms), default 2500. Once connected, each command is
   * bounded by the client's `commandTimeout` alone, unless the client has none or this is shorter: then this
   * bounds each call too.
   */
  deadlineMs?: number;
  /** Receives connection errors (ioredis `error` events); default: ignored, calls report them. */
  onError?: (err: Error) => void;
  /** How long audit logs, removed records and failures live; default {@link DEFAULT_RETENTION}. */
  retention?: StoreRetention;
}

/** {@link Store} on one ioredis client, reused across warm invocations. */
export class RedisStore implements Store {
  private readonly client: RedisClient;
  private readonly scripts: ScriptCommands;
  private readonly deadlineMs: number;
  /** A connected call's own limit (ms), only when the client's commandTimeout does not bound it as tightly. */
  private readonly callLimitMs: number | undefined;
  private readonly kind: StoreInfo['kind'];
  private readonly retention: StoreRetention;
  private roundTrips = 0;
  private everReady: boolean;

  constructor(client: RedisClient, options: RedisStoreOptions = {}) {
    this.client = client;
    this.kind = client.isCluster ? 'redis-cluster' : 'redis';
    this.deadlineMs = options.deadlineMs ?? STORE_DEADLINE_MS;
    const clientLimit = commandTimeoutOf(client);
    // The client's commandTimeout is the one limit of a connected call, unless it has none or is looser than asked.
    this.callLimitMs = clientLimit === undefined ? this.deadlineMs
      : options.deadlineMs !== undefined && options.deadlineMs < clientLimit ? options.deadlineMs : undefined;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    client.defineCommand('kgBegin', BEGIN);
    client.defineCommand('kgCommit', COMMIT);
    client.defineCommand('kgPushFailure', PUSH_FAILURE);
    client.defineCommand('kgClaimJobs', CLAIM_JOBS);
    this.scripts = client as unknown as ScriptCommands;
    const onError = options.onError ?? (() => undefined);
    client.on('error', onError);
    this.everReady = client.status === 'ready';
    client.on('ready', () => {
      this.everReady = true;
    });
  }

  async begin<R extends StoredRecord>(tag: string, options: BeginOptions<R> = {}): Promise<BeginResult<R>> {
    const replay = options.replay;
    const reply = await this.call('begin', () =>
      this.scripts.kgBegin(
        recordKey(tag),
        nonceKey(tag, options.nonce ?? ''),
        auditKey(tag),
        options.nonce === undefined ? '0' : '1',
        nonceTtlSeconds(options.nonceTtlSeconds),
        options.claim ? encodeRecord(options.claim) : '',
        options.audit ? encodeAudit(options.audit) : '',
        AUDIT_CAP,
        ttlArg(this.retention.auditTtlSeconds),
        replay ? answerField(replay.key) : '',
        replay ? encodeAuditTemplate(replay.audit) : '',
        options.view ? '1' : '0',
      ),
    );
    if (!Array.isArray(reply) || reply.length < 2) throw unexpected('begin');
    const state: unknown = reply[0];
    if (state !== 'fresh' && state !== 'replayed' && state !== 'none') throw unexpected('begin');
    const isView = reply[5] === 1;
    const result = toVersioned<R>(reply[2], reply[3], isView) as BeginResult<R>;
    if (isView) result.view = true;
    result.nonce = state;
    result.claimed = reply[1] === 1;
    const stored: unknown = reply[4];
    if (stored !== undefined && stored !== null) {
      if (typeof stored !== 'string') throw unexpected('begin');
      result.answer = decodeAnswer(stored);
    }
    return result;
  }

  async commit<R extends StoredRecord>(tag: string, options: CommitOptions<R>): Promise<CommitResult> {
    const mode = options.record === undefined ? 'keep' : options.record === null ? 'del' : 'set';
    const ttl = options.ttlSeconds ?? (mode === 'del' ? this.retention.removedTtlSeconds : undefined);
    const args: ScriptArg[] = [
      recordKey(tag),
      auditKey(tag),
      options.expectedVersion,
      options.record ? encodeRecord(options.record) : '',
      encodeAudit(options.audit),
      AUDIT_CAP,
      mode,
      ttlArg(ttl),
      ttlArg(this.retention.auditTtlSeconds),
      options.record && options.view !== undefined ? options.view : '',
    ];
    const forget = options.forget ?? [];
    args.push(forget.length);
    for (const key of forget) args.push(answerField(key));
    if (options.answers) for (const key in options.answers) args.push(answerField(key), encodeAnswer(options.answers[key] as StoredAnswer));
    const reply = await this.call('commit', () => this.scripts.kgCommit(...args));
    if (!Array.isArray(reply) || reply.length !== 2) throw unexpected('commit');
    return { ok: reply[0] === 1, version: decodeVersion(reply[1] as number) };
  }

  async read<R extends StoredRecord>(tags: string[]): Promise<Array<Versioned<R>>> {
    const instanceIds = tags;
    if (instanceIds.length === 0) return [];
    if (instanceIds.length === 1) {
      const [v, r] = await this.call('read', () => this.client.hmget(recordKey(instanceIds[0] as string), 'v', 'r'));
      return [toVersioned<R>(v, r)];
    }
    const groups = this.groupForPipelines(instanceIds);
    const results: Array<Versioned<R>> = new Array<Versioned<R>>(instanceIds.length);
    await Promise.all(
      groups.map(async (positions) => {
        const replies = await this.call('read', () => {
          const pipeline = this.client.pipeline();
          for (const i of positions) pipeline.hmget(recordKey(instanceIds[i] as string), 'v', 'r');
          return pipeline.exec();
        });
        if (!replies || replies.length !== positions.length) throw unexpected('read');
        positions.forEach((pos, k) => {
          const [err, value] = replies[k] as [Error | null, unknown];
          if (err) throw new StoreUnavailableError('store read failed', { cause: err });
          const [v, r] = Array.isArray(value) ? (value as unknown[]) : [];
          results[pos] = toVersioned<R>(v, r);
        });
      }),
    );
    return results;
  }

  async recordFailure(entry: FailureEntry): Promise<void> {
    // The prefix keeps identical entries apart (a set would merge them) and, sorting by the time of
    // recording, keeps entries with the same `at` newest first too.
    const member = `${failureMemberPrefix()}|${encodeFailure(entry)}`;
    const at = finiteOr(entry.at, 0);
    const oldestKept = this.retention.failureMaxAgeMs > 0 ? String(at - this.retention.failureMaxAgeMs) : '-inf';
    await this.call('recordFailure', () => this.scripts.kgPushFailure(FAILURES_KEY, at, member, FAILURE_CAP, oldestKept));
  }

  async listAudit(tag: string, limit?: number): Promise<AuditEntry[]> {
    const n = listLimit(limit, DEFAULT_AUDIT_LIMIT, AUDIT_CAP);
    if (n === 0) return [];
    const lines = await this.call('listAudit', () => this.client.lrange(auditKey(tag), 0, n - 1));
    return lines.map(decodeAudit).filter((e): e is AuditEntry => e !== undefined);
  }

  async addToIndex(index: string, member: string): Promise<void> {
    await this.call('addToIndex', () => this.client.sadd(indexKey(index), member));
  }

  async removeFromIndex(index: string, member: string): Promise<void> {
    await this.call('removeFromIndex', () => this.client.srem(indexKey(index), member));
  }

  async listIndex(index: string): Promise<string[]> {
    const members = await this.call('listIndex', () => this.client.smembers(indexKey(index)));
    return members.map(String).sort();
  }

  async listFailures(options: { sinceMs?: number; limit?: number } = {}): Promise<FailureEntry[]> {
    const n = listLimit(options.limit, DEFAULT_FAILURE_LIMIT, FAILURE_CAP);
    if (n === 0) return [];
    const since = options.sinceMs === undefined || !Number.isFinite(options.sinceMs) ? '-inf' : String(options.sinceMs);
    const members = await this.call('listFailures', () =>
      this.client.zrevrangebyscore(FAILURES_KEY, '+inf', since, 'LIMIT', 0, n),
    );
    return members
      .map((m) => decodeFailure(m.slice(m.indexOf('|') + 1)))
      .filter((e): e is FailureEntry => e !== undefined);
  }

  async enqueueJob(instanceId: string, dueAtMs: number): Promise<void> {
    const due = requireFiniteMs(dueAtMs, 'dueAtMs');
    await this.call('enqueueJob', () => this.client.zadd(JOBS_KEY, 'NX', due, instanceId));
  }

  async claimDueJobs(options: { nowMs: number; leaseMs: number; limit: number }): Promise<string[]> {
    const limit = listLimit(options.limit, 0, Number.MAX_SAFE_INTEGER);
    if (limit === 0) return [];
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    const leaseEnd = now + Math.max(0, requireFiniteMs(options.leaseMs, 'leaseMs'));
    const ids = await this.call('claimDueJobs', () => this.scripts.kgClaimJobs(JOBS_KEY, now, leaseEnd, limit));
    if (!Array.isArray(ids)) throw unexpected('claimDueJobs');
    return ids.map(String);
  }

  async completeJob(instanceId: string): Promise<void> {
    await this.call('completeJob', () => this.client.zrem(JOBS_KEY, instanceId));
  }

  async listJobs(): Promise<Array<{ instanceId: string; dueAtMs: number }>> {
    const reply: unknown = await this.call('listJobs', () => this.client.zrange(JOBS_KEY, 0, '-1', 'WITHSCORES'));
    if (!Array.isArray(reply)) throw unexpected('listJobs');
    // RESP2 answers [member, score, ...]; RESP3 would answer [[member, score], ...]. Accept both.
    const flat: unknown[] = reply.flat();
    const jobs: Array<{ instanceId: string; dueAtMs: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) jobs.push({ instanceId: String(flat[i]), dueAtMs: Number(flat[i + 1]) });
    return jobs;
  }

  async *scanTags(what: 'record' | 'audit'): AsyncIterable<string[]> {
    const nodes = this.kind === 'redis-cluster' ? (this.client as Cluster).nodes('master') : [this.client as Redis];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await this.call('scanTags', () => node.scan(cursor, 'MATCH', SCAN_PATTERN[what], 'COUNT', 1000));
        cursor = next;
        const tags = keys.map((k) => tagOfKey(k, what)).filter((t): t is string => t !== undefined);
        if (tags.length > 0) yield tags;
      } while (cursor !== '0');
    }
  }

  info(): StoreInfo {
    return { kind: this.kind, roundTrips: this.roundTrips };
  }

  /**
   * Adds Lua scripts (ioredis `defineCommand`) to this connection, for a store that shares it (the usage
   * ledger). A name already defined is left as it is.
   */
  defineScripts(scripts: Readonly<Record<string, ScriptDefinition>>): void {
    for (const [name, script] of Object.entries(scripts)) {
      if (!(name in this.client)) this.client.defineCommand(name, script);
    }
  }

  /**
   * Sends one command, script or pipeline on this connection for a store that shares it (the usage ledger),
   * under the same deadline, first-connection wait, error mapping and round-trip count as the Store's calls.
   */
  send<T>(what: string, work: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.call(what, () => work(this.client));
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    try {
      await withDeadline(() => this.client.quit(), this.deadlineMs, 'close');
    } catch {
      this.client.disconnect();
    }
  }

  /**
   * Sends one command, script or pipeline (one round trip) and maps every failure. Once the connection has
   * been ready it goes straight out, with no timer of its own: the client bounds it (`commandTimeout`) and,
   * with no offline queue, fails it at once while disconnected. A call is timed here, within `deadlineMs`,
   * only while it waits for the first connection (a cold start), or when the client does not bound its
   * commands as tightly as `deadlineMs` asks (a client without `commandTimeout`, a caller asking for less).
   */
  private call<T>(what: string, send: () => Promise<T>): Promise<T> {
    if (this.everReady && this.callLimitMs === undefined) {
      // Connected, and the client bounds each command: straight out, with no async frame of its own (every
      // callback's round trips pass here).
      this.roundTrips += 1;
      try {
        return send().catch((err: unknown) => {
          throw storeError(what, err);
        });
      } catch (err) {
        return Promise.reject(storeError(what, err));
      }
    }
    return this.callWithinDeadline(what, send);
  }

  /** {@link call} before the first connection, or with a limit of its own tighter than the client's. */
  private async callWithinDeadline<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(async (signal) => {
        if (!this.everReady) await this.firstReady(signal);
        if (signal.aborted) throw new StoreUnavailableError(`store ${what} gave up before sending`);
        this.roundTrips += 1;
        return send();
      }, this.callLimitMs ?? this.deadlineMs, what);
    } catch (err) {
      throw storeError(what, err);
    }
  }

  /**
   * Waits for the first `ready` (cold start) until `signal` aborts. After it, calls go straight out: with
   * the offline queue off they fail fast while Redis is down.
   */
  private firstReady(signal: AbortSignal): Promise<void> {
    if (this.client.status === 'ready') {
      this.everReady = true;
      return Promise.resolve();
    }
    if (this.client.status === 'end') return Promise.reject(new StoreUnavailableError('store connection is closed'));
    return new Promise<void>((resolve, reject) => {
      const onReady = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.client.off('ready', onReady);
        reject(new StoreUnavailableError('store connection was not ready in time'));
      };
      this.client.once('ready', onReady);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Positions of the ids grouped so each group is one valid pipeline (one slot in cluster mode). */
  private groupForPipelines(instanceIds: string[]): number[][] {
    if (this.kind !== 'redis-cluster') return [instanceIds.map((_, i) => i)];
    const bySlot = new Map<number, number[]>();
    instanceIds.forEach((id, i) => {
      const slot = hashSlot(recordKey(id));
      const group = bySlot.get(slot);
      if (group) group.push(i);
      else bySlot.set(slot, [i]);
    });
    return [...bySlot.values()];
  }
}

/** The per-command limit the client enforces itself (ioredis `commandTimeout`, ms), if any. */
function commandTimeoutOf(client: RedisClient): number | undefined {
  const limit = client.isCluster ? (client as Cluster).options.redisOptions?.commandTimeout : (client as Redis).options.commandTimeout;
  return typeof limit === 'number' && limit > 0 ? limit : undefined;
}

function toVersioned<R extends StoredRecord>(version: unknown, record: unknown, isView = false): Versioned<R> {
  const v = decodeVersion(typeof version === 'string' || typeof version === 'number' ? version : null);
  // A removed record keeps its version (see COMMIT's 'del'), so "absent" is not always version 0.
  if (record === null || record === undefined || record === false) return { record: null, version: v };
  if (typeof record !== 'string') throw unexpected('record');
  return { record: isView ? decodeView<R>(record) : decodeRecord<R>(record), version: v };
}

/** A TTL argument for COMMIT: whole seconds >= 1, or '0' for none. */
function ttlArg(ttlSeconds: number | undefined): string {
  return ttlSeconds === undefined || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0 ? '0' : String(Math.ceil(ttlSeconds));
}

let failureCounter = 0;

/** `<epoch ms, 15 digits><counter, 6 digits><random hex>`: sorts by recording time, never repeats. */
function failureMemberPrefix(): string {
  failureCounter = (failureCounter + 1) % 1_000_000;
  return `${String(Date.now()).padStart(15, '0')}${String(failureCounter).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
}

/** `err` as the store's failure: a StoreUnavailableError as it is, anything else wrapped (cause kept). */
function storeError(what: string, err: unknown): StoreUnavailableError {
  return err instanceof StoreUnavailableError ? err : new StoreUnavailableError(`store ${what} failed`, { cause: err });
}

function unexpected(what: string): StoreUnavailableError {
  return new StoreUnavailableError(`store ${what} got an unexpected reply`);
}

function finiteOr(n: number, fallback: number): number {
  return Number.isFinite(n) ? n : fallback;
}
