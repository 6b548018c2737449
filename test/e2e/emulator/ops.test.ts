/**
 * `kg simulate --scenario ops` against the local server on a real redis-server: the scenario plays a failed
 * order, a recovered one and two failing dial tests, then judges the server's Redis with ops-watch's rules.
 * Pointed at another Redis (one the server never wrote), the same run fails: the scenario can tell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../../infra/emulator/runner';
import type { LocalServer } from '../../../infra/server/localServer';
import { startRedis, type RedisServer } from '../../support/redis';
import { emulatorOptions, failuresOf, startServer } from './harness';

describe('the ops scenario', () => {
  let redis: RedisServer;
  let other: RedisServer;
  let server: LocalServer;

  beforeAll(async () => {
    [redis, other] = await Promise.all([startRedis({ appendonly: false }), startRedis({ appendonly: false })]);
    server = await startServer({ KG_REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([redis?.stop(), other?.stop()]);
  });

  it('passes against the server, reading the Redis it writes', async () => {
    const report = await runSimulation(emulatorOptions(server.url, { ops: { redisUrl: redis.url } }), ['ops']);
    expect(failuresOf(report)).toEqual([]);
    expect(report.steps.filter((s) => s.scenario === 'ops').length).toBe(7);
  });

  it('fails its judgement against a Redis the server never wrote', async () => {
    const report = await runSimulation(emulatorOptions(server.url, { ops: { redisUrl: other.url } }), ['ops']);
    expect(failuresOf(report).map((f) => f.step)).toEqual([expect.stringMatching(/^ops-watch judges/)]);
  });

  it('says what it needs when the Redis is not given', async () => {
    const report = await runSimulation(emulatorOptions(server.url), ['ops']);
    expect(failuresOf(report)).toEqual([expect.objectContaining({ step: 'ops', note: expect.stringContaining('--ops-redis') })]);
  });
});
