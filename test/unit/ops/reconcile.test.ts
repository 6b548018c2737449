/**
 * The reconciliation loop on the in-process store with a scripted query order: what it counts, how it paces
 * queries, and how it stops (limit, deadline, signal) without ever writing.
 */
import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { MarketplaceAuthError, MarketplaceNotFoundError, MarketplaceRateLimitError } from '../../../shared/marketplace/errors';
import type { OrderInfo } from '../../../shared/marketplace/orderQuery';
import { reconcile, type ReconcileDeps } from '../../../shared/ops/reconcile';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import type { Store } from '../../../shared/store/Store';
import { compact } from '../../support/compactTime';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 20, 12, 0, 0);

function rec(instanceId: string, over: Partial<InstanceRecord> = {}): InstanceRecord {
  const orderId = `O-${instanceId}`;
  return {
    instanceId, orderId, orderLineId: `${orderId}-000001`, protocol: 'v2', status: 'ACTIVE',
    createdAt: NOW - 10 * 24 * HOUR, updatedAt: NOW - 10 * 24 * HOUR, responses: {}, history: [], ...over,
  };
}

function healthy(orderId: string, orderLineId?: string): OrderInfo {
  return { orderId, orderType: 'NEW', orderLine: [{ orderLineId: orderLineId ?? `${orderId}-000001`, chargingMode: 'PERIOD', expireTime: compact(NOW + 100 * 24 * HOUR) }] };
}

async function seed(store: Store, entries: Array<[string, object]>): Promise<void> {
  for (const [tag, record] of entries) await store.begin(tag, { claim: record });
}

async function versions(store: Store, tags: string[]): Promise<number[]> {
  return (await store.read(tags)).map((v) => v.version);
}

function deps(store: Store, queryOrder: ReconcileDeps['queryOrder'], over: Partial<ReconcileDeps> = {}): ReconcileDeps {
  return { store, queryOrder, clock: () => NOW, graceMs: 24 * HOUR, stuckMs: 30 * 60_000, minIntervalMs: 0, ...over };
}

describe('reconcile (loop)', () => {
  it('checks instances only, queries only live ones, and writes nothing', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [
      ['live-1', rec('live-1')],
      ['frozen-1', rec('frozen-1', { status: 'FROZEN' })],
      ['gone-1', rec('gone-1', { status: 'RELEASED' })],
      ['failed-1', rec('failed-1', { status: 'FAILED' })],
      ['prov-1', rec('prov-1', { status: 'PROVISIONING', createdAt: NOW - 5 * 60_000 })],
      ['t:tenant-1', { tenantId: 'tenant-1', status: 'ACTIVE' }],
      ['tt:tenant-2', { tenantId: 'tenant-2', status: 'ACTIVE' }],
    ]);
    const tags = ['live-1', 'frozen-1', 'gone-1', 'failed-1', 'prov-1', 't:tenant-1', 'tt:tenant-2'];
    const before = await versions(store, tags);
    const asked: string[] = [];
    const report = await reconcile(deps(store, async (orderId, orderLineId) => {
      asked.push(`${orderId}/${orderLineId}`);
      return healthy(orderId, orderLineId);
    }));
    expect(report).toEqual({ checked: 4, findings: [], errors: 0, queried: 2 });
    expect(asked.sort()).toEqual(['O-frozen-1/O-frozen-1-000001', 'O-live-1/O-live-1-000001']);
    expect(await versions(store, tags)).toEqual(before);
  });

  it('reads a tag the scan names twice only once', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [['a', rec('a')], ['b', rec('b')]]);
    const twice = Object.create(store) as Store;
    twice.scanTags = async function* scan() {
      yield ['a', 'b'];
      yield ['b', 'a'];
    };
    let calls = 0;
    const report = await reconcile(deps(twice, async (orderId, line) => { calls++; return healthy(orderId, line); }));
    expect(report.checked).toBe(2);
    expect(calls).toBe(2);
  });

  it('counts failed queries with safe samples and goes on; "not found" is a finding, not an error', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [['a', rec('a')], ['b', rec('b')], ['c', rec('c')], ['d', rec('d')]]);
    const report = await reconcile(deps(store, async (orderId, line) => {
      if (orderId === 'O-a') throw new MarketplaceAuthError('APIGW.0301', 'APIGW.0301: Incorrect IAM authentication information', { httpStatus: 401 });
      if (orderId === 'O-b') throw new TypeError('fetch failed');
      if (orderId === 'O-c') throw new MarketplaceNotFoundError('MKT.9001', 'MKT.9001: order not found', { httpStatus: 500 });
      return healthy(orderId, line);
    }));
    expect(report.checked).toBe(4);
    expect(report.errors).toBe(2);
    expect(report.errorSamples?.sort()).toEqual([
      'a: MarketplaceAuthError APIGW.0301 (HTTP 401): APIGW.0301: Incorrect IAM authentication information',
      'b: TypeError: fetch failed',
    ]);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'order-unknown', instanceId: 'c', orderId: 'O-c' })]);
  });

  it('keeps at most 5 error samples', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, Array.from({ length: 7 }, (_, i) => [`e${i}`, rec(`e${i}`)] as [string, object]));
    const report = await reconcile(deps(store, async () => { throw new Error('boom'); }));
    expect(report.errors).toBe(7);
    expect(report.errorSamples).toHaveLength(5);
  });

  it('stops at the limit of checked instances and says so', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, Array.from({ length: 5 }, (_, i) => [`l${i}`, rec(`l${i}`)] as [string, object]));
    let calls = 0;
    const report = await reconcile(deps(store, async (o, l) => { calls++; return healthy(o, l); }, { limit: 3 }));
    expect(report).toMatchObject({ checked: 3, queried: 3, stopped: 'limit' });
    expect(calls).toBe(3);
  });

  it('does not say it stopped when the limit equals the number of instances', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [['a', rec('a')], ['b', rec('b')]]);
    const report = await reconcile(deps(store, async (o, l) => healthy(o, l), { limit: 2 }));
    expect(report.checked).toBe(2);
    expect(report).not.toHaveProperty('stopped');
  });

  it('starts no query after the deadline', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, Array.from({ length: 4 }, (_, i) => [`d${i}`, rec(`d${i}`)] as [string, object]));
    let now = NOW;
    let calls = 0;
    const report = await reconcile(deps(store, async (o, l) => { calls++; now += 10_000; return healthy(o, l); }, { clock: () => now, deadline: NOW + 15_000 }));
    expect(calls).toBe(2);
    expect(report).toMatchObject({ checked: 2, stopped: 'deadline', errors: 0 });
  });

  it('aborts a running query at the deadline without counting an error', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [['h', rec('h')]]);
    const started = Date.now();
    const report = await reconcile(deps(store, (_o, _l, signal) => new Promise<OrderInfo>((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }), { clock: Date.now, deadline: Date.now() + 150 }));
    expect(report).toMatchObject({ checked: 0, errors: 0, stopped: 'deadline' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops when its signal aborts', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [['x', rec('x')], ['y', rec('y')]]);
    const controller = new AbortController();
    let calls = 0;
    const report = await reconcile(deps(store, async (o, l) => { calls++; controller.abort(); return healthy(o, l); }, { signal: controller.signal }));
    expect(calls).toBe(1);
    expect(report).toMatchObject({ checked: 1, stopped: 'aborted' });
  });

  it('spaces queries by minIntervalMs and pauses longer after a rate-limit refusal', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [['r1', rec('r1')], ['r2', rec('r2')], ['r3', rec('r3')]]);
    const starts: number[] = [];
    let first = true;
    const report = await reconcile(deps(store, async (o, l) => {
      starts.push(Date.now());
      if (first) {
        first = false;
        throw new MarketplaceRateLimitError('MKT.0250', 'MKT.0250: access frequency over limit', { httpStatus: 406 });
      }
      return healthy(o, l);
    }, { minIntervalMs: 60, rateLimitPauseMs: 300 }));
    expect(report).toMatchObject({ checked: 3, errors: 1 });
    expect(starts).toHaveLength(3);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(290);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(55);
  });

  it('reports a stuck provisioning without asking the marketplace', async () => {
    const store = new MemoryStore({ now: () => NOW });
    await seed(store, [['p', rec('p', { status: 'PROVISIONING', createdAt: NOW - 2 * HOUR })]]);
    const report = await reconcile(deps(store, async () => { throw new Error('must not be called'); }));
    expect(report).toMatchObject({ checked: 1, errors: 0, queried: 0, findings: [{ kind: 'stuck-provisioning', instanceId: 'p', orderId: 'O-p' }] });
  });
});
