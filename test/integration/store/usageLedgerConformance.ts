/**
 * One conformance suite for every UsageLedger: MemoryUsageLedger, RedisUsageLedger on a standalone Redis and
 * on a 3-master Redis Cluster. Each test file calls {@link describeUsageLedgerConformance} with its target.
 */
import { describe, expect, it } from 'vitest';
import { useSuiteTarget } from './suiteTarget';
import { hashSlot } from '../../../shared/store/hashSlot';
import {
  ENRICH_DUE_KEY, ENRICH_TRIES_KEY, USAGE_COUNT_KEY, USAGE_DEAD_KEY, USAGE_META_KEY, USAGE_PENDING_KEY, USAGE_PUSHED_KEY, USAGE_RECORDS_KEY, USAGE_WHY_KEY,
} from '../../../shared/store/usageKeys';
import type { LedgerEntry, StoredUsage, UsageLedger } from '../../../shared/store/UsageLedger';
import { hourOf, usageFingerprint } from '../../../shared/usage/record';

/** What a test file hands the suite. */
export interface LedgerTarget {
  ledger(): UsageLedger;
  reset(): Promise<void>;
  /** Overwrites a stored record with unreadable text (Redis targets). */
  corrupt?(meteringSn: string): Promise<void>;
  stop(): Promise<void>;
}

const T0 = Date.UTC(2024, 5, 15, 12, 0, 0);
const H = 3_600_000;

function wire(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** An entry of `instanceId` for the hour starting `hoursAgo` hours before T0. */
function entry(sn: string, instanceId = 'inst-a', hoursAgo = 1, value = '1'): LedgerEntry {
  const usage: StoredUsage = {
    meteringSn: sn, instanceId, usageValue: value, beginTime: wire(T0 - hoursAgo * H), endTime: wire(T0 - (hoursAgo - 1) * H), recordedAt: T0,
  };
  return { usage, fingerprint: usageFingerprint(usage), hour: hourOf(usage.beginTime) };
}

/** Registers the suite under `describe(name)`. */
export function describeUsageLedgerConformance(name: string, start: () => Promise<LedgerTarget>, capabilities: { corrupt: boolean }): void {
  describe(name, () => {
    const target = useSuiteTarget(start);
    const ledger = (): UsageLedger => target().ledger();

    describe('add', () => {
      it('stores a new sn as pending, calls the same content a duplicate and other content a conflict', async () => {
        expect(await ledger().add([entry('s1'), entry('s2')], T0)).toEqual(['stored', 'stored']);
        expect(await ledger().add([entry('s1'), entry('s2', 'inst-a', 1, '2')], T0)).toEqual(['duplicate', 'conflict']);
        const [s2] = await ledger().lookup(['s2']);
        expect(s2).toMatchObject({ state: 'pending', usage: { usageValue: '1' } });
      });

      it('treats a repeated sn inside one call like a later call', async () => {
        expect(await ledger().add([entry('s1'), entry('s1'), entry('s1', 'inst-b')], T0)).toEqual(['stored', 'duplicate', 'conflict']);
      });

      it('stores 1,200 records in one call (several script calls) in order', async () => {
        const entries = Array.from({ length: 1200 }, (_, i) => entry(`bulk-${i}`, `inst-${i % 7}`, 1 + (i % 48)));
        const out = await ledger().add(entries, T0);
        expect(out).toHaveLength(1200);
        expect(out.every((o) => o === 'stored')).toBe(true);
        const total = (await ledger().counts()).reduce((n, r) => n + r.pending, 0);
        expect(total).toBe(1200);
      });

      it('counts per instance and hour of beginTime', async () => {
        await ledger().add([entry('a1', 'inst-a', 1), entry('a2', 'inst-a', 1), entry('a3', 'inst-a', 2), entry('b1', 'inst-b', 1)], T0);
        expect(await ledger().counts()).toEqual([
          { instanceId: 'inst-a', hour: '2024061510', pending: 1, pushed: 0, dead: 0 },
          { instanceId: 'inst-a', hour: '2024061511', pending: 2, pushed: 0, dead: 0 },
          { instanceId: 'inst-b', hour: '2024061511', pending: 1, pushed: 0, dead: 0 },
        ]);
      });

      it('keeps instance ids with separators and non-ASCII apart', async () => {
        await ledger().add([entry('x1', 'a|b'), entry('x2', 'a|b|c'), entry('x3', '华为')], T0);
        expect((await ledger().counts()).map((r) => r.instanceId)).toEqual(['a|b', 'a|b|c', '华为']);
      });
    });

    describe('claim and settle', () => {
      it('leases due records earliest first, up to the limit, and hides them until the lease ends', async () => {
        await ledger().add([entry('late')], T0 + 10);
        await ledger().add([entry('early1'), entry('early2')], T0);
        const first = await ledger().claim({ nowMs: T0 + 10, leaseUntilMs: T0 + 1000, limit: 2 });
        expect(first.map((u) => u.meteringSn)).toEqual(['early1', 'early2']);
        expect(first[0]).toEqual(entry('early1').usage);
        expect((await ledger().claim({ nowMs: T0 + 10, leaseUntilMs: T0 + 1000, limit: 10 })).map((u) => u.meteringSn)).toEqual(['late']);
        expect(await ledger().claim({ nowMs: T0 + 999, leaseUntilMs: T0 + 2000, limit: 10 })).toEqual([]);
        expect((await ledger().claim({ nowMs: T0 + 1000, leaseUntilMs: T0 + 2000, limit: 10 })).map((u) => u.meteringSn).sort()).toEqual(['early1', 'early2', 'late']);
      });

      it('does not claim what is not due yet, and peek leases nothing', async () => {
        await ledger().add([entry('s1')], T0);
        expect(await ledger().claim({ nowMs: T0 - 1, leaseUntilMs: T0 + 1000, limit: 10 })).toEqual([]);
        expect((await ledger().peek({ nowMs: T0, limit: 10 })).map((u) => u.meteringSn)).toEqual(['s1']);
        expect((await ledger().peek({ nowMs: T0, limit: 10 })).map((u) => u.meteringSn)).toEqual(['s1']);
        expect((await ledger().claim({ nowMs: T0, leaseUntilMs: T0 + 1000, limit: 10 })).map((u) => u.meteringSn)).toEqual(['s1']);
        expect(await ledger().peek({ nowMs: T0, limit: 10 })).toEqual([]);
      });

      it('gives 20 concurrent claimers disjoint batches that together are every record', async () => {
        await ledger().add(Array.from({ length: 500 }, (_, i) => entry(`c-${i}`, 'inst-a', 1 + (i % 400))), T0);
        const batches = await Promise.all(Array.from({ length: 20 }, () => ledger().claim({ nowMs: T0, leaseUntilMs: T0 + 60_000, limit: 30 })));
        const sns = batches.flat().map((u) => u.meteringSn);
        expect(new Set(sns).size).toBe(sns.length);
        expect(sns).toHaveLength(500);
      });

      it('settles only pending records: pushed, dead with the reason, a second settle moves nothing', async () => {
        await ledger().add([entry('p1'), entry('p2', 'inst-a', 2), entry('d1')], T0);
        await ledger().claim({ nowMs: T0, leaseUntilMs: T0 + 1000, limit: 10 });
        expect(await ledger().settle({ nowMs: T0 + 5, pushed: ['p1', 'p2', 'unknown'], dead: [{ meteringSn: 'd1', code: 'MKT.9002', reason: 'invalid usage entity' }] })).toEqual({ pushed: 2, dead: 1 });
        expect(await ledger().settle({ nowMs: T0 + 6, pushed: ['p1', 'd1'], dead: [{ meteringSn: 'p2', code: 'X', reason: 'y' }] })).toEqual({ pushed: 0, dead: 0 });
        const [p1, d1] = await ledger().lookup(['p1', 'd1']);
        expect(p1).toMatchObject({ state: 'pushed', atMs: T0 + 5 });
        expect(d1).toMatchObject({ state: 'dead', atMs: T0 + 5, dead: { code: 'MKT.9002', reason: 'invalid usage entity' } });
        expect(await ledger().counts()).toEqual([
          { instanceId: 'inst-a', hour: '2024061510', pending: 0, pushed: 1, dead: 0 },
          { instanceId: 'inst-a', hour: '2024061511', pending: 0, pushed: 1, dead: 1 },
        ]);
        expect(await ledger().claim({ nowMs: T0 + 5000, leaseUntilMs: T0 + 6000, limit: 10 })).toEqual([]);
        // Settled records stay settled: adding them again is a duplicate, not a new pending record.
        expect(await ledger().add([entry('p1')], T0 + 10)).toEqual(['duplicate']);
      });

      it('reschedules pending records only (lease extension and release)', async () => {
        await ledger().add([entry('a'), entry('b')], T0);
        await ledger().claim({ nowMs: T0, leaseUntilMs: T0 + 1000, limit: 10 });
        await ledger().settle({ nowMs: T0, pushed: ['b'], dead: [] });
        await ledger().reschedule(['a', 'b'], T0 + 50);
        expect(await ledger().lookup(['a', 'b'])).toMatchObject([{ state: 'pending', atMs: T0 + 50 }, { state: 'pushed' }]);
        expect((await ledger().claim({ nowMs: T0 + 50, leaseUntilMs: T0 + 99, limit: 10 })).map((u) => u.meteringSn)).toEqual(['a']);
      });
    });

    describe('dead letters', () => {
      it('lists dead letters newest first with their reasons, and requeues them as pending', async () => {
        await ledger().add([entry('d1'), entry('d2'), entry('ok')], T0);
        await ledger().claim({ nowMs: T0, leaseUntilMs: T0 + 1, limit: 10 });
        await ledger().settle({ nowMs: T0 + 1, pushed: [], dead: [{ meteringSn: 'd1', code: 'MKT.9001', reason: 'instance id not found' }] });
        await ledger().settle({ nowMs: T0 + 2, pushed: ['ok'], dead: [{ meteringSn: 'd2', code: 'EXPIRED', reason: 'past the window' }] });
        const list = await ledger().deadLetters();
        expect(list.map((d) => [d.usage.meteringSn, d.code, d.reason, d.at])).toEqual([['d2', 'EXPIRED', 'past the window', T0 + 2], ['d1', 'MKT.9001', 'instance id not found', T0 + 1]]);
        expect(await ledger().deadLetters({ limit: 1 })).toHaveLength(1);
        expect(await ledger().requeue(['d1', 'ok', 'nope'], T0 + 3)).toBe(1);
        expect(await ledger().lookup(['d1'])).toMatchObject([{ state: 'pending', atMs: T0 + 3 }]);
        expect((await ledger().deadLetters()).map((d) => d.usage.meteringSn)).toEqual(['d2']);
        expect(await ledger().counts()).toEqual([{ instanceId: 'inst-a', hour: '2024061511', pending: 1, pushed: 1, dead: 1 }]);
      });
    });

    describe('sweep and lookup', () => {
      it('drops settled records older than the cut-offs, their counts with them, and leaves pending ones', async () => {
        await ledger().add([entry('old-p'), entry('new-p'), entry('old-d'), entry('pending')], T0);
        await ledger().claim({ nowMs: T0, leaseUntilMs: T0 + 1, limit: 3 });
        await ledger().settle({ nowMs: T0, pushed: ['old-p'], dead: [{ meteringSn: 'old-d', code: 'X', reason: 'y' }] });
        await ledger().settle({ nowMs: T0 + 100, pushed: ['new-p'], dead: [] });
        expect(await ledger().sweep({ pushedBeforeMs: T0 + 50, deadBeforeMs: T0 + 50, limit: 100 })).toBe(2);
        expect(await ledger().lookup(['old-p', 'new-p', 'old-d', 'pending'])).toMatchObject([null, { state: 'pushed' }, null, { state: 'pending' }]);
        expect(await ledger().counts()).toEqual([{ instanceId: 'inst-a', hour: '2024061511', pending: 1, pushed: 1, dead: 0 }]);
        expect(await ledger().deadLetters()).toEqual([]);
        // A swept sn is unknown again.
        expect(await ledger().add([entry('old-p')], T0 + 200)).toEqual(['stored']);
      });

      it('answers null for unknown sns, in order', async () => {
        await ledger().add([entry('k')], T0);
        expect(await ledger().lookup(['x', 'k', 'y'])).toMatchObject([null, { state: 'pending', usage: { meteringSn: 'k' } }, null]);
      });
    });

    describe('order-query due-set', () => {
      it('schedules once, leases due instances, counts failed attempts, completes', async () => {
        const l = ledger();
        await l.scheduleEnrichment('i1', T0);
        await l.scheduleEnrichment('i1', T0 + 999);
        await l.scheduleEnrichment('i2', T0 + 10);
        expect(await l.listEnrichments()).toEqual([{ instanceId: 'i1', dueAtMs: T0 }, { instanceId: 'i2', dueAtMs: T0 + 10 }]);
        expect(await l.claimEnrichments({ nowMs: T0 + 5, leaseMs: 100, limit: 10 })).toEqual([{ instanceId: 'i1', attempts: 0 }]);
        expect(await l.claimEnrichments({ nowMs: T0 + 10, leaseMs: 10_000, limit: 10 })).toEqual([{ instanceId: 'i2', attempts: 0 }]);
        expect(await l.retryEnrichment('i1', T0 + 500)).toBe(1);
        expect(await l.retryEnrichment('i1', T0 + 600)).toBe(2);
        expect(await l.claimEnrichments({ nowMs: T0 + 600, leaseMs: 100, limit: 10 })).toEqual([{ instanceId: 'i1', attempts: 2 }]);
        await l.completeEnrichment('i1');
        expect(await l.retryEnrichment('i1', T0 + 700)).toBe(0);
        await l.scheduleEnrichment('i1', T0 + 800);
        expect(await l.claimEnrichments({ nowMs: T0 + 800, leaseMs: 100, limit: 10 })).toEqual([{ instanceId: 'i1', attempts: 0 }]);
      });
    });

    it('keeps every key of the ledger in one cluster slot per purpose (one script, one slot)', () => {
      const usage = [USAGE_RECORDS_KEY, USAGE_META_KEY, USAGE_PENDING_KEY, USAGE_PUSHED_KEY, USAGE_DEAD_KEY, USAGE_WHY_KEY, USAGE_COUNT_KEY].map(hashSlot);
      expect(new Set(usage).size).toBe(1);
      expect(hashSlot(ENRICH_DUE_KEY)).toBe(hashSlot(ENRICH_TRIES_KEY));
    });

    // Only a store whose bytes a test can corrupt (Redis) has this case; it is not listed elsewhere.
    if (capabilities.corrupt) it('dead-letters a record it cannot read back instead of blocking the queue', async () => {
      await ledger().add([entry('bad'), entry('good')], T0);
      await target().corrupt?.('bad');
      expect((await ledger().claim({ nowMs: T0, leaseUntilMs: T0 + 1, limit: 10 })).map((u) => u.meteringSn)).toEqual(['good']);
      expect(await ledger().lookup(['bad'])).toEqual([null]);
      expect((await ledger().counts())[0]).toMatchObject({ pending: 1, dead: 1 });
    });
  });
}
