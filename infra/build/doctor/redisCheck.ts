/**
 * `kg doctor`'s Redis check: build the store the functions would build, ping it, and report the mode;
 * a URL that points at a Redis Cluster node is an error (scripts would fail with MOVED).
 * @module
 */
import { Redis } from 'ioredis';
import type { Config } from '../../../shared/platform/config';
import { standaloneOptions } from '../../../shared/store/connectionOptions';
import { createStore, storeTarget } from '../../../shared/store/createStore';
import { error, ok, type Finding } from './finding';

const AREA = 'redis';

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when the server at `url` runs with cluster mode on; undefined when INFO is refused. */
async function clusterEnabled(url: string, password: string | undefined, timeoutMs: number): Promise<boolean | undefined> {
  const client = new Redis(url, { ...standaloneOptions(password), lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: true });
  client.on('error', () => {});
  try {
    await withDeadline(client.connect(), timeoutMs, 'Redis');
    const info = await withDeadline(client.info('cluster'), timeoutMs, 'Redis');
    const m = /cluster_enabled:(\d)/.exec(info);
    return m ? m[1] === '1' : false;
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/**
 * Pings the configured store within `timeoutMs` (ms) and reports reachability and mode. Returns no
 * finding when there is no Redis to ping (missing setting, memory store): checkConfig reports those.
 */
export async function checkRedis(config: Config, timeoutMs = 5000): Promise<Finding[]> {
  let target;
  try {
    target = storeTarget(config, { allowMemory: false });
  } catch {
    // A missing or malformed Redis setting is a settings finding (checkConfig); nothing to ping.
    return [];
  }
  if (target.kind === 'memory') return [];
  const store = createStore(config, { allowMemory: false });
  const findings: Finding[] = [];
  try {
    await withDeadline(store.ping(), timeoutMs, 'Redis');
    const mode = store.info().kind === 'redis-cluster' ? 'Redis Cluster (cluster-aware client)' : 'standalone / master-standby / Proxy Cluster (single endpoint)';
    findings.push(ok(AREA, `reachable; mode ${mode}`));
  } catch (err) {
    findings.push(
      error(AREA, `not reachable: ${(err as Error).message}`, 'check the address, the password, the function VPC/subnet and the DCS whitelist (the function subnet CIDR)'),
    );
  } finally {
    await store.close().catch(() => {});
  }
  if (target.kind === 'redis' && findings[0]?.level === 'ok') {
    const cluster = await clusterEnabled(target.url, target.password, timeoutMs);
    if (cluster === true) findings.push(error(AREA, 'KG_REDIS_URL points at a Redis Cluster node', 'use KG_REDIS_CLUSTER_NODES=host:port,... for DCS Redis Cluster'));
  }
  return findings;
}
