/**
 * {@link UsageLedger} on Redis, on the connection of a {@link RedisStore} (one connection per warm instance).
 * Every key shares the `{usage}` (or `{enrich}`) hash tag, so each call is one command or one Lua script on
 * one slot: atomic in standalone Redis, DCS Proxy Cluster and Redis Cluster alike.
 * @module
 */
import { StoreUnavailableError } from '../core/errors';
import { scheduleEnrichment } from './enrichQueue';
import type { RedisStore } from './RedisStore';
import { decodeUsage, decodeWhy, encodeUsage, encodeWhy, readClaimed } from './usageCodec';
import {
  ENRICH_DUE_KEY, ENRICH_TRIES_KEY, USAGE_COUNT_KEY, USAGE_DEAD_KEY, USAGE_META_KEY, USAGE_PENDING_KEY, USAGE_PUSHED_KEY,
  STATE_OF_LETTER, USAGE_RECORDS_KEY, USAGE_WHY_KEY, sortedCounts, tallyCount, usageMeta,
} from './usageKeys';
import {
  ENRICH_COMPLETE, ENRICH_RETRY, LEASE_DUE, USAGE_ADD, USAGE_LOOKUP, USAGE_REQUEUE, USAGE_SETTLE, USAGE_SWEEP,
} from './usageScripts';
import { requireFiniteMs } from './limits';
import type {
  AddOutcome, DeadLetter, DeadVerdict, EnrichmentJob, LedgerEntry, StoredUsage, UsageCount, UsageLedger, UsageLookup,
} from './UsageLedger';

type Arg = string | number;

/** The commands the ledger adds to the connection. */
interface LedgerScripts {
  kgUsageAdd(...args: Arg[]): Promise<unknown>;
  kgLeaseDue(...args: Arg[]): Promise<unknown>;
  kgUsageSettle(...args: Arg[]): Promise<unknown>;
  kgUsageRequeue(...args: Arg[]): Promise<unknown>;
  kgUsageSweep(...args: Arg[]): Promise<unknown>;
  kgUsageLookup(...args: Arg[]): Promise<unknown>;
  kgEnrichRetry(...args: Arg[]): Promise<unknown>;
  kgEnrichComplete(...args: Arg[]): Promise<unknown>;
}

/** Records per script call: keeps each call short (well under Redis' 5 s script limit) and its reply small. */
export const LEDGER_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function unexpected(what: string): StoreUnavailableError {
  return new StoreUnavailableError(`usage ledger ${what} got an unexpected reply`);
}

/** RESP2 `[member, score, ...]` (RESP3 `[[member, score], ...]` accepted too) -> pairs. */
function pairs(reply: unknown): Array<[string, number]> {
  if (!Array.isArray(reply)) throw unexpected('range');
  const flat: unknown[] = reply.flat();
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), Number(flat[i + 1])]);
  return out;
}

/** {@link UsageLedger} on the connection of `store`. */
export class RedisUsageLedger implements UsageLedger {
  private readonly store: RedisStore;

  constructor(store: RedisStore) {
    this.store = store;
    store.defineScripts({
      kgUsageAdd: USAGE_ADD,
      kgLeaseDue: LEASE_DUE,
      kgUsageSettle: USAGE_SETTLE,
      kgUsageRequeue: USAGE_REQUEUE,
      kgUsageSweep: USAGE_SWEEP,
      kgUsageLookup: USAGE_LOOKUP,
      kgEnrichRetry: ENRICH_RETRY,
      kgEnrichComplete: ENRICH_COMPLETE,
    });
  }

  private run<T>(what: string, work: (scripts: LedgerScripts) => Promise<T>): Promise<T> {
    return this.store.send(what, (client) => work(client as unknown as LedgerScripts));
  }

  async add(entries: readonly LedgerEntry[], nowMs: number): Promise<AddOutcome[]> {
    const now = requireFiniteMs(nowMs, 'nowMs');
    const out: AddOutcome[] = [];
    for (const part of chunks(entries, LEDGER_CHUNK)) {
      const args: Arg[] = [now];
      for (const e of part) args.push(e.usage.meteringSn, usageMeta(e.fingerprint, e.hour, e.usage.instanceId), encodeUsage(e.usage));
      const reply = await this.run('usage add', (s) =>
        s.kgUsageAdd(USAGE_RECORDS_KEY, USAGE_META_KEY, USAGE_PENDING_KEY, USAGE_COUNT_KEY, ...args));
      if (!Array.isArray(reply) || reply.length !== part.length) throw unexpected('add');
      for (const r of reply) out.push(Number(r) === 1 ? 'stored' : Number(r) === 0 ? 'duplicate' : 'conflict');
    }
    return out;
  }

  async claim(options: { nowMs: number; leaseUntilMs: number; limit: number }): Promise<StoredUsage[]> {
    const limit = Math.max(0, Math.floor(options.limit));
    if (limit === 0) return [];
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    const until = requireFiniteMs(options.leaseUntilMs, 'leaseUntilMs');
    const reply = await this.run('usage claim', (s) => s.kgLeaseDue(USAGE_PENDING_KEY, USAGE_RECORDS_KEY, now, until, limit));
    if (!Array.isArray(reply)) throw unexpected('claim');
    const claimed: Array<[string, string]> = [];
    for (let i = 0; i + 1 < reply.length; i += 2) claimed.push([String(reply[i]), String(reply[i + 1] ?? '')]);
    const { usable, unreadable } = readClaimed(claimed);
    if (unreadable.length > 0) await this.settle({ nowMs: now, pushed: [], dead: unreadable });
    return usable;
  }

  async peek(options: { nowMs: number; limit: number }): Promise<StoredUsage[]> {
    const limit = Math.max(0, Math.floor(options.limit));
    if (limit === 0) return [];
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    const sns = await this.store.send('usage peek', (c) => c.zrangebyscore(USAGE_PENDING_KEY, '-inf', now, 'LIMIT', 0, limit));
    if (sns.length === 0) return [];
    const texts = await this.store.send('usage peek', (c) => c.hmget(USAGE_RECORDS_KEY, ...sns));
    return texts.map((t) => decodeUsage(t)).filter((u): u is StoredUsage => u !== undefined);
  }

  async reschedule(meteringSns: readonly string[], dueAtMs: number): Promise<void> {
    const due = requireFiniteMs(dueAtMs, 'dueAtMs');
    for (const part of chunks(meteringSns, LEDGER_CHUNK * 2)) {
      const args: Arg[] = [];
      for (const sn of part) args.push(due, sn);
      await this.store.send('usage reschedule', (c) => c.zadd(USAGE_PENDING_KEY, 'XX', ...args));
    }
  }

  async settle(options: { nowMs: number; pushed: readonly string[]; dead: readonly DeadVerdict[] }): Promise<{ pushed: number; dead: number }> {
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    let pushed = 0;
    let dead = 0;
    const send = async (p: readonly string[], d: readonly DeadVerdict[]): Promise<void> => {
      const args: Arg[] = [now, p.length, ...p];
      for (const v of d) args.push(v.meteringSn, encodeWhy(v.code, v.reason));
      const reply = await this.run('usage settle', (s) =>
        s.kgUsageSettle(USAGE_PENDING_KEY, USAGE_PUSHED_KEY, USAGE_DEAD_KEY, USAGE_WHY_KEY, USAGE_META_KEY, USAGE_COUNT_KEY, ...args));
      if (!Array.isArray(reply) || reply.length !== 2) throw unexpected('settle');
      pushed += Number(reply[0]);
      dead += Number(reply[1]);
    };
    for (const part of chunks(options.pushed, LEDGER_CHUNK * 2)) await send(part, []);
    for (const part of chunks(options.dead, LEDGER_CHUNK)) await send([], part);
    return { pushed, dead };
  }

  async counts(): Promise<UsageCount[]> {
    const rows = new Map<string, UsageCount>();
    let cursor = '0';
    do {
      const [next, flat] = await this.store.send('usage counts', (c) => c.hscan(USAGE_COUNT_KEY, cursor, 'COUNT', 1000));
      cursor = String(next);
      for (let i = 0; i + 1 < flat.length; i += 2) tallyCount(rows, String(flat[i]), Number(flat[i + 1]));
    } while (cursor !== '0');
    return sortedCounts(rows);
  }

  async deadLetters(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = Math.max(0, Math.floor(options.limit ?? 1000));
    if (limit === 0) return [];
    const scored = pairs(await this.store.send('usage dead letters', (c) => c.zrevrange(USAGE_DEAD_KEY, 0, limit - 1, 'WITHSCORES')));
    if (scored.length === 0) return [];
    const sns = scored.map(([sn]) => sn);
    const [texts, whys] = await Promise.all([
      this.store.send('usage dead letters', (c) => c.hmget(USAGE_RECORDS_KEY, ...sns)),
      this.store.send('usage dead letters', (c) => c.hmget(USAGE_WHY_KEY, ...sns)),
    ]);
    const out: DeadLetter[] = [];
    scored.forEach(([, at], i) => {
      const usage = decodeUsage(texts[i]);
      if (usage) out.push({ usage, ...decodeWhy(whys[i]), at });
    });
    return out;
  }

  async requeue(meteringSns: readonly string[], nowMs: number): Promise<number> {
    const now = requireFiniteMs(nowMs, 'nowMs');
    let n = 0;
    for (const part of chunks(meteringSns, LEDGER_CHUNK)) {
      if (part.length === 0) continue;
      n += Number(await this.run('usage requeue', (s) =>
        s.kgUsageRequeue(USAGE_PENDING_KEY, USAGE_DEAD_KEY, USAGE_WHY_KEY, USAGE_META_KEY, USAGE_COUNT_KEY, now, ...part)));
    }
    return n;
  }

  async sweep(options: { pushedBeforeMs: number; deadBeforeMs: number; limit: number }): Promise<number> {
    const limit = Math.max(0, Math.floor(options.limit));
    if (limit === 0) return 0;
    const reply = await this.run('usage sweep', (s) =>
      s.kgUsageSweep(USAGE_PUSHED_KEY, USAGE_DEAD_KEY, USAGE_WHY_KEY, USAGE_RECORDS_KEY, USAGE_META_KEY, USAGE_COUNT_KEY,
        requireFiniteMs(options.pushedBeforeMs, 'pushedBeforeMs'), requireFiniteMs(options.deadBeforeMs, 'deadBeforeMs'), limit));
    return Number(reply);
  }

  async lookup(meteringSns: readonly string[]): Promise<Array<UsageLookup | null>> {
    const out: Array<UsageLookup | null> = [];
    for (const part of chunks(meteringSns, LEDGER_CHUNK)) {
      if (part.length === 0) continue;
      const reply = await this.run('usage lookup', (s) =>
        s.kgUsageLookup(USAGE_RECORDS_KEY, USAGE_PENDING_KEY, USAGE_PUSHED_KEY, USAGE_DEAD_KEY, USAGE_WHY_KEY, ...part));
      if (!Array.isArray(reply) || reply.length !== part.length * 4) throw unexpected('lookup');
      for (let i = 0; i < part.length; i++) {
        const usage = decodeUsage(String(reply[i * 4] ?? ''));
        const state = STATE_OF_LETTER[String(reply[i * 4 + 1] ?? '')];
        if (!usage || !state) {
          out.push(null);
          continue;
        }
        const atMs = Number(reply[i * 4 + 2]);
        out.push({ usage, state, atMs, ...(state === 'dead' ? { dead: decodeWhy(String(reply[i * 4 + 3] ?? '')) } : {}) });
      }
    }
    return out;
  }

  scheduleEnrichment(instanceId: string, dueAtMs: number): Promise<void> {
    return scheduleEnrichment(this.store, instanceId, dueAtMs);
  }

  async claimEnrichments(options: { nowMs: number; leaseMs: number; limit: number }): Promise<EnrichmentJob[]> {
    const limit = Math.max(0, Math.floor(options.limit));
    if (limit === 0) return [];
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    const until = now + Math.max(0, requireFiniteMs(options.leaseMs, 'leaseMs'));
    const reply = await this.run('enrichment claim', (s) => s.kgLeaseDue(ENRICH_DUE_KEY, ENRICH_TRIES_KEY, now, until, limit));
    if (!Array.isArray(reply)) throw unexpected('enrichment claim');
    const out: EnrichmentJob[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push({ instanceId: String(reply[i]), attempts: Number(reply[i + 1] || 0) });
    return out;
  }

  async retryEnrichment(instanceId: string, dueAtMs: number): Promise<number> {
    const due = requireFiniteMs(dueAtMs, 'dueAtMs');
    return Number(await this.run('enrichment retry', (s) => s.kgEnrichRetry(ENRICH_DUE_KEY, ENRICH_TRIES_KEY, instanceId, due)));
  }

  async completeEnrichment(instanceId: string): Promise<void> {
    await this.run('enrichment complete', (s) => s.kgEnrichComplete(ENRICH_DUE_KEY, ENRICH_TRIES_KEY, instanceId));
  }

  async listEnrichments(): Promise<Array<{ instanceId: string; dueAtMs: number }>> {
    const scored = pairs(await this.store.send('enrichment list', (c) => c.zrange(ENRICH_DUE_KEY, 0, '-1', 'WITHSCORES')));
    return scored.map(([instanceId, dueAtMs]) => ({ instanceId, dueAtMs }));
  }
}
