import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../../infra/emulator/runner';
import { BASIC_SCENARIO_NAMES } from '../../../infra/emulator/scenarios/index';
import { startRedis, type RedisServer } from '../../support/redis';
import { emulatorOptions, failuresOf, startServer } from './harness';

describe('runSimulation', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it.each([
    ['MemoryStore', () => ({ KG_STORE: 'memory' })],
    ['a real Redis', () => ({ KG_STORE: 'redis', KG_REDIS_URL: redis.url })],
  ])('passes every basic scenario (all without a kit key, v1 included) against the local server on %s', async (_name, env) => {
    const server = await startServer(env());
    try {
      const report = await runSimulation(emulatorOptions(server.url), BASIC_SCENARIO_NAMES);
      expect(failuresOf(report)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.scenarios.map((s) => s.scenario)).toEqual(BASIC_SCENARIO_NAMES);
      // The run really exercised each flow: every scenario recorded its steps.
      for (const s of report.scenarios) expect(s.steps).toBeGreaterThan(2);
    } finally {
      await server.close();
    }
  }, 120_000);
});
