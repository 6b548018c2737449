/**
 * `POST /usage` (the usage-ingest function) on a real Redis: valid reports are stored once per meteringSn;
 * every bad request gets a clear JSON answer and changes nothing; no input, however hostile, crashes it;
 * a Redis that does not answer gives 503 and acknowledges nothing.
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import type { ApigEvent } from '../../../shared/platform/apig';
import { localContext } from '../../../shared/platform/context';
import { loadConfig } from '../../../shared/platform/config';
import { endpointHandlers } from '../../../shared/functionTable';
import { defineMerchant } from '../../../shared/merchant';
import { functionFor } from '../../../shared/routeTable';
import { createStore } from '../../../shared/store/createStore';
import { instanceTag } from '../../../shared/store/keys';
import { RedisStore } from '../../../shared/store/RedisStore';
import { standaloneOptions } from '../../../shared/store/connectionOptions';
import type { Store } from '../../../shared/store/Store';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import type { UsageLedger } from '../../../shared/store/UsageLedger';
import { createUsageIngestHandler } from '../../../shared/usage/ingestHandler';
import { signUsageIngest } from '../../../shared/usage/ingestSignature';
import { startRedis, type RedisServer } from '../../support/redis';

const KEY = 'ingest-key-new';
const OLD_KEY = 'ingest-key-old';
const HOUR = 3_600_000;
const hour = () => Math.floor(Date.now() / HOUR) * HOUR;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let redis: RedisServer;
let store: Store;
let ledger: UsageLedger;
let handler: ReturnType<typeof createUsageIngestHandler>;
const logs: string[] = [];

function instance(id: string, over: Partial<InstanceRecord> = {}): InstanceRecord {
  return { instanceId: id, orderId: `CS${id}`, orderLineId: `CS${id}-1`, protocol: 'v2', status: 'ACTIVE', createdAt: Date.now(), updatedAt: Date.now(), responses: {}, history: [], ...over };
}

function rec(instanceId: string, hoursAgo: number, usageValue: unknown = 1, extra: Record<string, unknown> = {}) {
  return { instanceId, usageValue, beginTime: iso(hour() - hoursAgo * HOUR), endTime: iso(hour() - (hoursAgo - 1) * HOUR), ...extra };
}

function event(body: string | Buffer, headers: Record<string, string>, method = 'POST'): ApigEvent {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { httpMethod: method, path: '/usage', headers: { 'content-type': 'application/json', ...headers }, body: bytes.toString('base64'), isBase64Encoded: true };
}

async function post(payload: unknown, options: { key?: string; nowMs?: number; headers?: Record<string, string>; raw?: string | Buffer; method?: string } = {}) {
  const body = options.raw ?? JSON.stringify(payload);
  const signed = signUsageIngest(options.key ?? KEY, body, options.nowMs ?? Date.now());
  const res = await handler(event(body, { ...signed, ...options.headers }, options.method), localContext({ log: (l) => logs.push(l) }));
  return { status: res.statusCode, json: JSON.parse(res.body) as Record<string, unknown>, res };
}

/** Everything the ledger holds, for "nothing changed" checks. */
async function snapshot(): Promise<string> {
  return JSON.stringify([await ledger.counts(), await ledger.peek({ nowMs: Date.now() + 10 * 365 * 24 * HOUR, limit: 100_000 }), await ledger.deadLetters()]);
}

beforeAll(async () => {
  redis = await startRedis({ appendonly: false });
  store = createStore(loadConfig((k) => (k === 'KG_REDIS_URL' ? redis.url : undefined)));
  ledger = usageLedgerFor(store);
  handler = createUsageIngestHandler({ settings: { KG_USAGE_INGEST_KEY: `${KEY},${OLD_KEY}`, KG_REDIS_URL: redis.url }, store });
});
afterAll(async () => {
  await store?.close();
  await redis?.stop();
});
beforeEach(async () => {
  await redis.flush();
  for (const [id, over] of [
    ['inst-a', {}],
    ['inst-b', { order: { chargingMode: 'ON_DEMAND', queriedAt: 1 } }],
    ['inst-released', { status: 'RELEASED' }],
    ['inst-failed', { status: 'FAILED' }],
    ['inst-period', { order: { chargingMode: 'PERIOD', queriedAt: 1 } }],
    ['inst-frozen', { status: 'FROZEN' }],
  ] as Array<[string, Partial<InstanceRecord>]>) {
    await store.begin(instanceTag(id), { claim: instance(id, over) });
  }
});

describe('POST /usage', () => {
  it('is routed to usage-ingest by the route table and served by the endpoint handlers', () => {
    expect(functionFor('POST', '/usage')).toBe('usage-ingest');
    expect(typeof endpointHandlers(defineMerchant({}, { store }))['usage-ingest']).toBe('function');
  });

  it('stores valid records (array or {records}), once per meteringSn, with either key of the ring', async () => {
    const records = [rec('inst-a', 2, 1.5), rec('inst-b', 2, '3'), rec('inst-frozen', 3, 7, { meteringSn: 'mine-1', relatePkgInstance: 'pkg-9' })];
    const first = await post(records);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ stored: 3, duplicates: 0, refused: [] });
    expect((first.json.meteringSns as string[])[2]).toBe('mine-1');
    const again = await post({ records }, { key: OLD_KEY });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ stored: 0, duplicates: 3, refused: [] });
    expect(again.json.meteringSns).toEqual(first.json.meteringSns);
    const [stored] = await ledger.lookup(['mine-1']);
    expect(stored).toMatchObject({ state: 'pending', usage: { instanceId: 'inst-frozen', usageValue: '7', relatePkgInstance: 'pkg-9' } });
    expect((await ledger.counts()).reduce((n, r) => n + r.pending, 0)).toBe(3);
  });

  it('answers 422 naming each refused record and its rule, and stores the others', async () => {
    await post([rec('inst-a', 5, 1, { meteringSn: 'taken' })]);
    const before = await ledger.lookup(['taken']);
    const res = await post([
      rec('inst-a', 2, 1),
      rec('inst-unknown', 2),
      rec('inst-released', 2),
      rec('inst-failed', 2),
      rec('inst-period', 2),
      rec('inst-a', 5, 2, { meteringSn: 'taken' }),
      rec('inst-a', 3, 0),
      { ...rec('inst-a', 3), endTime: iso(hour() - 4 * HOUR) },
      'not an object',
      rec('inst-b', 2, 1.00001),
    ]);
    expect(res.status).toBe(422);
    expect(res.json.stored).toBe(1);
    const refused = res.json.refused as Array<{ index: number; reason: string; meteringSn?: string }>;
    expect(refused.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(refused.map((r) => r.reason.split(':')[0])).toEqual(['instanceId', 'instanceId', 'instanceId', 'instanceId', 'meteringSn', 'usageValue', 'endTime', 'record', 'usageValue']);
    expect(refused[3]?.reason).toContain('PERIOD');
    expect(refused[4]).toMatchObject({ meteringSn: 'taken', reason: expect.stringContaining('different content') });
    expect(await ledger.lookup(['taken'])).toEqual(before);
    expect((await ledger.counts()).reduce((n, r) => n + r.pending, 0)).toBe(2);
  });

  it('takes usage of a released instance for periods that began before its release, and refuses later ones', async () => {
    const releasedAt = hour() - 3 * HOUR + 30 * 60_000; // half-way through the hour that began 3 h ago
    await store.begin(instanceTag('inst-gone'), {
      claim: instance('inst-gone', { status: 'RELEASED', history: [{ at: releasedAt, activity: 'releaseInstance', from: 'ACTIVE', to: 'RELEASED' }] }),
    });
    const res = await post([rec('inst-gone', 4), rec('inst-gone', 3), rec('inst-gone', 2)]);
    expect(res.status).toBe(422);
    expect(res.json.stored).toBe(2);
    expect(res.json.refused).toEqual([{ index: 2, meteringSn: expect.any(String), reason: expect.stringContaining('released before this period began') }]);
  });

  const VALID = () => [rec('inst-a', 2)];
  it.each<[string, () => Promise<{ status: number; json: Record<string, unknown> }>, number, string]>([
    ['no signature', () => post(VALID(), { headers: { 'x-kg-signature': '' } }), 401, 'bad_signature'],
    ['no timestamp', () => post(VALID(), { headers: { 'x-kg-timestamp': '' } }), 401, 'bad_signature'],
    ['a timestamp that is not a number', () => post(VALID(), { headers: { 'x-kg-timestamp': '1e12' } }), 401, 'bad_signature'],
    ['a timestamp 6 minutes old', () => post(VALID(), { nowMs: Date.now() - 6 * 60_000 }), 401, 'bad_signature'],
    ['a timestamp 6 minutes ahead', () => post(VALID(), { nowMs: Date.now() + 6 * 60_000 }), 401, 'bad_signature'],
    ['another key', () => post(VALID(), { key: 'not-our-key' }), 401, 'bad_signature'],
    ['the signature of another body', () => post(VALID(), { headers: { 'x-kg-signature': signUsageIngest(KEY, '[]')['x-kg-signature'] } }), 401, 'bad_signature'],
    ['broken JSON', () => post(undefined, { raw: '[{"instanceId":' }), 400, 'bad_body'],
    ['a JSON number', () => post(42), 400, 'bad_body'],
    ['null', () => post(null), 400, 'bad_body'],
    ['{records: "x"}', () => post({ records: 'x' }), 400, 'bad_body'],
    ['an object without records', () => post({ instanceId: 'inst-a' }), 400, 'bad_body'],
    ['bytes that are not UTF-8', () => post(undefined, { raw: Buffer.from([0x5b, 0xff, 0xfe, 0x5d]) }), 400, 'bad_body'],
    ['10,001 records', () => post(Array.from({ length: 10_001 }, () => rec('inst-a', 2))), 400, 'bad_body'],
    ['a body over 4 MB', () => post(undefined, { raw: `[${' '.repeat(4 * 1024 * 1024)}]` }), 400, 'bad_body'],
    ['GET', () => post(VALID(), { method: 'GET' }), 405, 'method_not_allowed'],
  ])('refuses %s with a clear JSON answer and changes nothing', async (_n, send, status, error) => {
    const before = await snapshot();
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ error, message: expect.any(String) });
    expect(await snapshot()).toBe(before);
  });

  it('survives any body and headers: always a JSON answer with a known status, nothing stored unless signed and valid', async () => {
    const before = await snapshot();
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.json({ maxDepth: 4 }).map((t) => Buffer.from(t)),
      fc.array(fc.record({ instanceId: fc.oneof(fc.constant('inst-a'), fc.string()), usageValue: fc.oneof(fc.double(), fc.string(), fc.integer()), beginTime: fc.string(), endTime: fc.string() }, { requiredKeys: [] }), { maxLength: 5 })
        .map((a) => Buffer.from(JSON.stringify(a))),
    );
    const headerValue = fc.oneof(fc.string({ maxLength: 80 }), fc.constant(String(Date.now())));
    await fc.assert(
      fc.asyncProperty(bodies, headerValue, headerValue, fc.constantFrom('POST', 'GET', 'PUT', ''), async (body, ts, sig, method) => {
        const res = await handler(event(body, { 'x-kg-timestamp': ts, 'x-kg-signature': sig }, method), localContext());
        expect(res).toMatchObject({ isBase64Encoded: false, headers: { 'Content-Type': 'application/json;charset=UTF-8' } });
        expect([400, 401, 405]).toContain(res.statusCode);
        expect(typeof (JSON.parse(res.body) as { error: unknown }).error).toBe('string');
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toBe(before);
    // Signed: every answer is 200, 400 or 422 (never 500), and only valid records of known instances are stored.
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await handler(event(body, signUsageIngest(KEY, body)), localContext());
        expect([200, 400, 422]).toContain(res.statusCode);
        const json = JSON.parse(res.body) as { stored?: number; duplicates?: number; refused?: unknown[] };
        if (res.statusCode !== 400) {
          // Every record is accounted for exactly once: stored, duplicate or refused.
          const sent = JSON.parse(body.toString('utf8')) as unknown;
          const n = Array.isArray(sent) ? sent.length : ((sent as { records: unknown[] }).records.length);
          expect((json.stored ?? 0) + (json.duplicates ?? 0) + (json.refused?.length ?? 0)).toBe(n);
        }
      }),
      { numRuns: 300 },
    );
    const stored = (await ledger.peek({ nowMs: Date.now() + HOUR, limit: 100_000 })).map((u) => u.instanceId);
    expect(stored.every((id) => id === 'inst-a')).toBe(true);
  });

  it('answers 503 and acknowledges nothing while Redis does not answer, then works again', async () => {
    const own = new RedisStore(new Redis(redis.url, standaloneOptions(undefined)), { deadlineMs: 500 });
    const h = createUsageIngestHandler({ settings: { KG_USAGE_INGEST_KEY: KEY, KG_REDIS_URL: redis.url }, store: own });
    const body = JSON.stringify([rec('inst-a', 2)]);
    await own.ping();
    redis.pause();
    try {
      const started = Date.now();
      const res = await h(event(body, signUsageIngest(KEY, body)), localContext());
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      redis.resume();
    }
    const again = await h(event(body, signUsageIngest(KEY, body)), localContext());
    expect(again.statusCode).toBe(200);
    await own.close();
  });

  it('answers 500 and names the missing KG_USAGE_INGEST_KEY in the log (not to the caller)', async () => {
    const lines: string[] = [];
    const h = createUsageIngestHandler({ settings: { KG_REDIS_URL: redis.url }, store });
    const body = JSON.stringify([rec('inst-a', 2)]);
    const res = await h(event(body, signUsageIngest(KEY, body)), localContext({ log: (l) => lines.push(l) }));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('KG_USAGE_INGEST_KEY');
    expect(lines.join('\n')).toContain('KG_USAGE_INGEST_KEY');
  });

  it('never writes the key or the signature to the log', async () => {
    logs.length = 0;
    await post(VALID());
    await post(VALID(), { key: 'wrong-key' });
    const text = logs.join('\n');
    expect(text).toContain('usage.ingested');
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });
});
