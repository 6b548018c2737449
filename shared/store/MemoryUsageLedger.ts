/**
 * {@link UsageLedger} in one process (local server, tests), with the same guarantees as RedisUsageLedger:
 * each call runs to completion before another starts, records are held as text, sorted sets order by score
 * then by the bytes of the member, as Redis does.
 * @module
 */
import { decodeUsage, decodeWhy, encodeUsage, encodeWhy, readClaimed } from './usageCodec';
import { metaSuffix, sortedCounts, tallyCount, usageMeta, FINGERPRINT_LENGTH } from './usageKeys';
import { MemoryDueSet } from './enrichQueue';
import { requireFiniteMs } from './limits';
import type {
  AddOutcome, DeadLetter, DeadVerdict, EnrichmentJob, LedgerEntry, StoredUsage, UsageCount, UsageLedger, UsageLookup,
} from './UsageLedger';

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Members of a score map ordered like a Redis sorted set. */
function ordered(set: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...set].sort(([a, x], [b, y]) => x - y || compareBytes(a, b));
}

/** {@link UsageLedger} held in process memory. */
export class MemoryUsageLedger implements UsageLedger {
  private readonly records = new Map<string, string>();
  private readonly meta = new Map<string, string>();
  private readonly pending = new Map<string, number>();
  private readonly pushed = new Map<string, number>();
  private readonly dead = new Map<string, number>();
  private readonly why = new Map<string, string>();
  private readonly count = new Map<string, number>();
  private readonly enrichDue: Map<string, number>;
  private readonly enrichTries: Map<string, number>;

  /** @param dueSet the order-query due-set to share (a MemoryStore's, see enrichQueue.ts); default its own. */
  constructor(dueSet: MemoryDueSet = new MemoryDueSet()) {
    this.enrichDue = dueSet.due;
    this.enrichTries = dueSet.tries;
  }

  private move(meta: string | undefined, from: '' | 'q' | 'p' | 'd', to: '' | 'q' | 'p' | 'd'): void {
    if (meta === undefined) return;
    const suffix = metaSuffix(meta);
    if (from !== '') {
      const field = `${from}|${suffix}`;
      const n = (this.count.get(field) ?? 0) - 1;
      if (n <= 0) this.count.delete(field);
      else this.count.set(field, n);
    }
    if (to !== '') this.count.set(`${to}|${suffix}`, (this.count.get(`${to}|${suffix}`) ?? 0) + 1);
  }

  async add(entries: readonly LedgerEntry[], nowMs: number): Promise<AddOutcome[]> {
    const now = requireFiniteMs(nowMs, 'nowMs');
    return entries.map((e) => {
      const sn = e.usage.meteringSn;
      const meta = usageMeta(e.fingerprint, e.hour, e.usage.instanceId);
      const old = this.meta.get(sn);
      if (old !== undefined) return old.slice(0, FINGERPRINT_LENGTH) === meta.slice(0, FINGERPRINT_LENGTH) ? 'duplicate' : 'conflict';
      this.meta.set(sn, meta);
      this.records.set(sn, encodeUsage(e.usage));
      this.pending.set(sn, now);
      this.move(meta, '', 'q');
      return 'stored';
    });
  }

  async claim(options: { nowMs: number; leaseUntilMs: number; limit: number }): Promise<StoredUsage[]> {
    const limit = Math.max(0, Math.floor(options.limit));
    if (limit === 0) return [];
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    const until = requireFiniteMs(options.leaseUntilMs, 'leaseUntilMs');
    const due = ordered(this.pending).filter(([, score]) => score <= now).slice(0, limit);
    for (const [sn] of due) this.pending.set(sn, until);
    const { usable, unreadable } = readClaimed(due.map(([sn]) => [sn, this.records.get(sn)] as const));
    if (unreadable.length > 0) await this.settle({ nowMs: now, pushed: [], dead: unreadable });
    return usable;
  }

  async peek(options: { nowMs: number; limit: number }): Promise<StoredUsage[]> {
    const limit = Math.max(0, Math.floor(options.limit));
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    return ordered(this.pending)
      .filter(([, score]) => score <= now)
      .slice(0, limit)
      .map(([sn]) => decodeUsage(this.records.get(sn)))
      .filter((u): u is StoredUsage => u !== undefined);
  }

  async reschedule(meteringSns: readonly string[], dueAtMs: number): Promise<void> {
    const due = requireFiniteMs(dueAtMs, 'dueAtMs');
    for (const sn of meteringSns) if (this.pending.has(sn)) this.pending.set(sn, due);
  }

  async settle(options: { nowMs: number; pushed: readonly string[]; dead: readonly DeadVerdict[] }): Promise<{ pushed: number; dead: number }> {
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    let pushed = 0;
    let dead = 0;
    for (const sn of options.pushed) {
      if (!this.pending.delete(sn)) continue;
      this.pushed.set(sn, now);
      this.move(this.meta.get(sn), 'q', 'p');
      pushed++;
    }
    for (const v of options.dead) {
      if (!this.pending.delete(v.meteringSn)) continue;
      this.dead.set(v.meteringSn, now);
      this.why.set(v.meteringSn, encodeWhy(v.code, v.reason));
      this.move(this.meta.get(v.meteringSn), 'q', 'd');
      dead++;
    }
    return { pushed, dead };
  }

  async counts(): Promise<UsageCount[]> {
    const rows = new Map<string, UsageCount>();
    for (const [field, n] of this.count) tallyCount(rows, field, n);
    return sortedCounts(rows);
  }

  async deadLetters(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = Math.max(0, Math.floor(options.limit ?? 1000));
    const out: DeadLetter[] = [];
    for (const [sn, at] of ordered(this.dead).reverse().slice(0, limit)) {
      const usage = decodeUsage(this.records.get(sn));
      if (usage) out.push({ usage, ...decodeWhy(this.why.get(sn)), at });
    }
    return out;
  }

  async requeue(meteringSns: readonly string[], nowMs: number): Promise<number> {
    const now = requireFiniteMs(nowMs, 'nowMs');
    let n = 0;
    for (const sn of meteringSns) {
      if (!this.dead.delete(sn)) continue;
      this.why.delete(sn);
      this.pending.set(sn, now);
      this.move(this.meta.get(sn), 'd', 'q');
      n++;
    }
    return n;
  }

  async sweep(options: { pushedBeforeMs: number; deadBeforeMs: number; limit: number }): Promise<number> {
    const limit = Math.max(0, Math.floor(options.limit));
    const pushedBefore = requireFiniteMs(options.pushedBeforeMs, 'pushedBeforeMs');
    const deadBefore = requireFiniteMs(options.deadBeforeMs, 'deadBeforeMs');
    let n = 0;
    const drop = (sn: string, letter: 'p' | 'd'): void => {
      this.move(this.meta.get(sn), letter, '');
      this.records.delete(sn);
      this.meta.delete(sn);
      n++;
    };
    for (const [sn] of ordered(this.pushed).filter(([, at]) => at < pushedBefore).slice(0, limit)) {
      this.pushed.delete(sn);
      drop(sn, 'p');
    }
    for (const [sn] of ordered(this.dead).filter(([, at]) => at < deadBefore).slice(0, limit)) {
      this.dead.delete(sn);
      this.why.delete(sn);
      drop(sn, 'd');
    }
    return n;
  }

  async lookup(meteringSns: readonly string[]): Promise<Array<UsageLookup | null>> {
    return meteringSns.map((sn) => {
      const usage = decodeUsage(this.records.get(sn));
      if (!usage) return null;
      const q = this.pending.get(sn);
      if (q !== undefined) return { usage, state: 'pending', atMs: q };
      const p = this.pushed.get(sn);
      if (p !== undefined) return { usage, state: 'pushed', atMs: p };
      const d = this.dead.get(sn);
      if (d !== undefined) return { usage, state: 'dead', atMs: d, dead: decodeWhy(this.why.get(sn)) };
      return null;
    });
  }

  async scheduleEnrichment(instanceId: string, dueAtMs: number): Promise<void> {
    const due = requireFiniteMs(dueAtMs, 'dueAtMs');
    if (!this.enrichDue.has(instanceId)) this.enrichDue.set(instanceId, due);
  }

  async claimEnrichments(options: { nowMs: number; leaseMs: number; limit: number }): Promise<EnrichmentJob[]> {
    const limit = Math.max(0, Math.floor(options.limit));
    const now = requireFiniteMs(options.nowMs, 'nowMs');
    const until = now + Math.max(0, requireFiniteMs(options.leaseMs, 'leaseMs'));
    const due = ordered(this.enrichDue).filter(([, score]) => score <= now).slice(0, limit);
    for (const [id] of due) this.enrichDue.set(id, until);
    return due.map(([instanceId]) => ({ instanceId, attempts: this.enrichTries.get(instanceId) ?? 0 }));
  }

  async retryEnrichment(instanceId: string, dueAtMs: number): Promise<number> {
    const due = requireFiniteMs(dueAtMs, 'dueAtMs');
    if (!this.enrichDue.has(instanceId)) return 0;
    this.enrichDue.set(instanceId, due);
    const n = (this.enrichTries.get(instanceId) ?? 0) + 1;
    this.enrichTries.set(instanceId, n);
    return n;
  }

  async completeEnrichment(instanceId: string): Promise<void> {
    this.enrichDue.delete(instanceId);
    this.enrichTries.delete(instanceId);
  }

  async listEnrichments(): Promise<Array<{ instanceId: string; dueAtMs: number }>> {
    return ordered(this.enrichDue).map(([instanceId, dueAtMs]) => ({ instanceId, dueAtMs }));
  }
}
