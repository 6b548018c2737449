// The CPU-ratio benchmark of `kg bench` (issue 15) on a spawned redis-server with tiny N: the report has
// its shape, both handlers answered 000000 to every measured call (so the figures never time an error
// path), and the reference handler refuses what a V2 verifier must refuse.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureCpuRatio, type CpuRatioReport } from '../../../infra/bench/cpuRatio';
import { measureHttpRatio } from '../../../infra/bench/httpRatio';
import { createReferenceHandler, seedReferenceInstance } from '../../../infra/bench/referenceHandler';
import { signedV2Call } from '../../../infra/bench/lifecycleMix';
import { RETRY_ACTIVITIES } from '../../../infra/bench/retryMix';
import { deriveInstanceId } from '../../../shared/lifecycle/instanceId';
import { startRedis, type RedisServer } from '../../support/redis';

const CALLS = 200;
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis({ appendonly: false });
});
afterAll(async () => {
  await redis?.stop();
});

describe('measureCpuRatio', () => {
  let report: CpuRatioReport;
  beforeAll(async () => {
    report = await measureCpuRatio({ calls: CALLS, rounds: 1, instances: 4, redisUrl: redis.url });
  }, 120_000);

  it('reports every activity at 1 and 32 in flight, with the target at 32', () => {
    expect(report.figures.map((f) => `${f.activity}@${f.inFlight}`)).toEqual(RETRY_ACTIVITIES.flatMap((a) => [`${a}@1`, `${a}@32`]));
    for (const f of report.figures) {
      expect(f.produce.cpuUs).toBeGreaterThan(0);
      expect(f.reference.cpuUs).toBeGreaterThan(0);
      expect(Number.isFinite(f.ratio)).toBe(true);
      expect(f.roundRatios).toHaveLength(1);
      // One round: 10 pairs of back-to-back chunks, whose median is the headline.
      expect(f.pairRatios).toHaveLength(10);
      const sorted = [...f.pairRatios].sort((a, b) => a - b);
      expect(f.ratio).toBeCloseTo((sorted[4]! + sorted[5]!) / 2, 2);
      expect(f.ratioOfMedians).toBeCloseTo(f.roundRatios[0]!, 2);
      expect(f.target === undefined).toBe(f.inFlight !== 32);
    }
    expect(report.cells).toHaveLength(RETRY_ACTIVITIES.length * 2 * 2);
  });

  it('measures only calls both handlers answered 000000', () => {
    for (const c of report.cells) expect({ cell: `${c.handler} ${c.activity} ${c.inFlight}`, codes: c.resultCodes }).toEqual({ cell: `${c.handler} ${c.activity} ${c.inFlight}`, codes: { '000000': CALLS } });
  });

  it('gives the same answer bytes from both handlers', () => {
    expect(report.sameBody).toEqual(Object.fromEntries(RETRY_ACTIVITIES.map((a) => [a, true])));
  });

  it('counts one script per reference call and the Redis bytes both ways', () => {
    for (const f of report.figures) {
      expect(f.reference.scripts).toBe(1);
      expect(f.produce.scripts).toBeGreaterThanOrEqual(1);
      expect(f.produce.bytesUp).toBeGreaterThan(0);
      expect(f.reference.bytesDown).toBeGreaterThan(0);
    }
  });
});

describe('measureHttpRatio', () => {
  it('drives the null handler, the reference and kg serve, all answering 000000', async () => {
    const report = await measureHttpRatio({ redisUrl: redis.url, durationMs: 300, rounds: 1, instances: 2 });
    for (const name of ['nullHandler', 'reference', 'kgServe'] as const) {
      const f = report.servers[name];
      expect(f.requestsPerSecond).toBeGreaterThan(0);
      expect(Object.keys(f.resultCodes)).toEqual(['000000']);
    }
    expect(report.ratio).toBeGreaterThan(0);
    expect(report.roundRatios).toHaveLength(1);
    expect(report.roundRatios[0]).toBeCloseTo(report.servers.kgServe.requestsPerSecond / report.servers.reference.requestsPerSecond, 2);
    // 300 ms per server and round: one pair of slices, whose ratio is the headline.
    expect(report.pairRatios).toHaveLength(1);
    expect(report.ratio).toBe(report.pairRatios[0]);
    expect(report.ratioOfMedians).toBeCloseTo(report.roundRatios[0]!, 2);
    expect(report.servers.kgServe.runs).toHaveLength(1);
    expect(report.target.minRatio).toBe(0.8);
  }, 60_000);
});

describe('createReferenceHandler', () => {
  const key = `ref-${randomBytes(8).toString('hex')}`;
  const orderId = 'CSREF0001';
  const orderLineId = `${orderId}-000001`;
  const stored = '{"resultCode":"000000","resultMsg":"success.","instanceId":"x"}';
  let client: Redis;
  let handle: ReturnType<typeof createReferenceHandler>;
  beforeAll(async () => {
    client = new Redis(redis.url);
    handle = createReferenceHandler({ redis: client, key });
    await seedReferenceInstance(client, {
      instanceId: deriveInstanceId(orderId, orderLineId),
      newInstance: { orderId, orderLineId, body: stored },
      refresh: { orderId: 'R', orderLineId: 'R-1', scene: 'RENEWAL', body: stored },
      status: 'ACTIVE',
      appInfo: {},
    });
  });
  afterAll(() => client?.disconnect());

  const send = (call: { path: string; body: string }, query: Record<string, string> = {}) =>
    handle({ query: { ...Object.fromEntries(new URL(call.path, 'http://x').searchParams), ...query }, body: Buffer.from(call.body) });
  const body = () => ({ activity: 'newInstance', businessId: randomBytes(4).toString('hex'), orderId, orderLineId });

  it('replays the stored answer of a signed retry', async () => {
    expect((await send(signedV2Call(key, body()))).body).toBe(stored);
  });

  it.each([
    ['another key', () => send(signedV2Call(`${key}x`, body())), '000001'],
    ['a changed signature', () => send(signedV2Call(key, body()), { signature: 'ab'.repeat(32) }), '000001'],
    ['a missing signature', () => send(signedV2Call(key, body()), { signature: '' }), '000001'],
    ['a timestamp 61 s old', () => {
      const call = signedV2Call(key, body());
      return send(call, { timestamp: String(Date.now() - 61_000) });
    }, '000002'],
  ])('refuses %s', async (_name, run, code) => {
    expect(JSON.parse((await run()).body).resultCode).toBe(code);
  });

  it('refuses a replayed nonce', async () => {
    const call = signedV2Call(key, body());
    expect(JSON.parse((await send(call)).body).resultCode).toBe('000000');
    expect(JSON.parse((await send(call)).body).resultCode).toBe('000002');
  });
});
