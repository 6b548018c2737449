/**
 * The round-trip part of `kg bench`, run as a test: every callback of a lifecycle, sent to the local server
 * on a real redis-server, costs at most what the design allows (1 for a retry or a replayed answer, 2 for a
 * state change, 1 for a query).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureRoundTrips, ROUND_TRIP_LIMITS } from '../../../infra/bench/roundTrips';
import { startLocalServer, type LocalServer } from '../../../infra/server/localServer';
import { type RedisServer, startRedis } from '../../support/redis';

describe('kg bench round trips', () => {
  let redis: RedisServer;
  let server: LocalServer;
  const key = `bench-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    server = await startLocalServer({
      port: 0,
      env: { KG_ACCESS_KEY: key, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url, KG_FRONTEND_URL_TEMPLATE: 'https://app.bench.invalid/{instanceId}' },
      workerIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('measures every callback within its limit, retries and repeats at one round trip', async () => {
    const figures = await measureRoundTrips(server, key);
    expect(figures.filter((f) => f.roundTrips > f.expected)).toEqual([]);
    expect(figures.filter((f) => /\((retry|repeat)/.test(f.callback)).map((f) => [f.callback, f.roundTrips])).toEqual(
      figures.filter((f) => /\((retry|repeat)/.test(f.callback)).map((f) => [f.callback, ROUND_TRIP_LIMITS.replay]),
    );
    expect(figures.map((f) => f.resultCode)).toEqual(figures.map((f) => (f.callback.includes('replayed nonce') ? '000002' : '000000')));
  });
});
