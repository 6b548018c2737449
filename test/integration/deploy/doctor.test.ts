import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis } from '../../../infra/build/doctor/redisCheck';
import { loadConfig } from '../../../shared/platform/config';
import { startRedis, startRedisCluster, type RedisClusterHandle, type RedisServer } from '../../support/redis';

const configOf = (settings: Record<string, string>) => loadConfig((k) => settings[k]);

describe('checkRedis', () => {
  let standalone: RedisServer;
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    [standalone, cluster] = await Promise.all([startRedis({ appendonly: false }), startRedisCluster(3)]);
  });
  afterAll(async () => {
    await Promise.allSettled([standalone?.stop(), cluster?.stop()]);
  });

  it('reports a reachable standalone Redis and its mode', async () => {
    const findings = await checkRedis(configOf({ KG_REDIS_URL: standalone.url }));
    expect(findings).toEqual([expect.objectContaining({ level: 'ok', what: expect.stringMatching(/reachable; mode standalone/) })]);
  });

  it('reports a reachable Redis Cluster through KG_REDIS_CLUSTER_NODES', async () => {
    const findings = await checkRedis(configOf({ KG_REDIS_CLUSTER_NODES: cluster.seeds }));
    expect(findings).toEqual([expect.objectContaining({ level: 'ok', what: expect.stringMatching(/Redis Cluster/) })]);
  });

  it('rejects KG_REDIS_URL pointing at a Redis Cluster node', async () => {
    const findings = await checkRedis(configOf({ KG_REDIS_URL: cluster.nodes[0]!.url }));
    expect(findings.filter((f) => f.level === 'error').map((f) => f.what)).toEqual(['KG_REDIS_URL points at a Redis Cluster node']);
  });

  it('reports an unreachable Redis as an error with the network fix', async () => {
    const dead = await startRedis({ appendonly: false });
    const url = dead.url;
    await dead.stop();
    const findings = await checkRedis(configOf({ KG_REDIS_URL: url }), 3000);
    expect(findings).toEqual([expect.objectContaining({ level: 'error', what: expect.stringMatching(/not reachable/), fix: expect.stringMatching(/whitelist/) })]);
  });

  it('reports a wrong password without echoing it', async () => {
    const guarded = await startRedis({ appendonly: false });
    const admin = new Redis(guarded.url);
    await admin.config('SET', 'requirepass', 'right-password');
    try {
      const findings = await checkRedis(configOf({ KG_REDIS_URL: guarded.url, KG_REDIS_PASSWORD: 'wrong-password-x' }), 3000);
      expect(findings[0]!.level).toBe('error');
      expect(JSON.stringify(findings)).not.toContain('wrong-password-x');
    } finally {
      await admin.config('SET', 'requirepass', '').catch(() => {});
      admin.disconnect();
      await guarded.stop().catch(() => {});
    }
  });
});
