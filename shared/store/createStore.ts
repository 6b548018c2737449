/**
 * Picks and builds the Store from configuration, and keeps one per warm FunctionGraph instance.
 * - `KG_REDIS_CLUSTER_NODES` -> Redis Cluster (cluster-aware client);
 * - `KG_REDIS_URL` -> one connection (standalone, master/standby, DCS Proxy Cluster);
 * - neither -> MemoryStore, only where memory is allowed (local server), else a ConfigError.
 * @module
 */
import { createHash } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { Config } from '../platform/config';
import { ConfigError } from '../core/errors';
import { clusterOptions, standaloneOptions } from './connectionOptions';
import { retentionDays } from './limits';
import { MemoryStore } from './MemoryStore';
import { RedisStore } from './RedisStore';
import type { Store, StoreRetention } from './Store';

/** How {@link createStore} may choose. */
export interface CreateStoreOptions {
  /** Allow the in-process MemoryStore (local server, tests). Deployed functions pass false. */
  allowMemory: boolean;
}

/** Where the configuration says the state lives. */
export type StoreTarget =
  | { kind: 'cluster'; nodes: Array<{ host: string; port: number }>; password?: string }
  | { kind: 'redis'; url: string; password?: string }
  | { kind: 'memory' };

/**
 * Reads the store choice from configuration. Cluster nodes win over a URL when both are set.
 * `KG_STORE=memory` or no Redis setting gives memory, allowed only by `allowMemory` or
 * `KG_ALLOW_MEMORY_STORE=1`. Throws {@link ConfigError} naming the setting (never a value).
 */
export function storeTarget(config: Config, opts: CreateStoreOptions = { allowMemory: false }): StoreTarget {
  const memoryAllowed = opts.allowMemory || config.KG_ALLOW_MEMORY_STORE === '1';
  const password = config.KG_REDIS_PASSWORD;
  const withPassword = password === undefined ? {} : { password };
  if (config.KG_STORE === 'memory') {
    if (memoryAllowed) return { kind: 'memory' };
    throw new ConfigError('KG_STORE=memory keeps state inside one process; a deployed function needs KG_REDIS_URL or KG_REDIS_CLUSTER_NODES (or KG_ALLOW_MEMORY_STORE=1 for a demo)');
  }
  const nodes = config.KG_REDIS_CLUSTER_NODES;
  if (nodes && nodes.length > 0) return { kind: 'cluster', nodes: nodes.map(parseNode), ...withPassword };
  if (config.KG_REDIS_URL) return { kind: 'redis', url: config.KG_REDIS_URL, ...withPassword };
  if (memoryAllowed) return { kind: 'memory' };
  throw new ConfigError('missing setting KG_REDIS_URL or KG_REDIS_CLUSTER_NODES: a deployed function keeps its state in Redis (DCS)');
}

/** Builds a new Store (and its connection, which starts at once) from configuration. */
export function createStore(config: Config, opts: CreateStoreOptions = { allowMemory: false }): Store {
  return storeFor(storeTarget(config, opts), retentionOf(config));
}

/** The store's retention settings (KG_RETAIN_AUDIT_DAYS, KG_RETAIN_RELEASED_DAYS, KG_RETAIN_FAILURES_DAYS; 0 = keep). */
function retentionOf(config: Config): StoreRetention {
  return retentionDays(config.KG_RETAIN_AUDIT_DAYS, config.KG_RETAIN_RELEASED_DAYS, config.KG_RETAIN_FAILURES_DAYS);
}

/** Builds a new Store for a resolved target. */
export function storeFor(target: StoreTarget, retention?: StoreRetention): Store {
  const options = retention ? { retention } : {};
  switch (target.kind) {
    case 'memory':
      return new MemoryStore(options);
    case 'redis':
      // The password goes in as an option: a `@` in a password breaks URL parsing (Huawei FAQ).
      return new RedisStore(new Redis(target.url, standaloneOptions(target.password)), options);
    case 'cluster':
      return new RedisStore(new Cluster(target.nodes, clusterOptions(target.password)), options);
  }
}

const warmStores = new Map<string, Store>();

/**
 * The Store of this warm instance: built on the first call, then reused by every later invocation
 * with the same connection settings, so the Redis connection (and its loaded scripts) survive.
 */
export function getStore(config: Config, opts: CreateStoreOptions = { allowMemory: false }): Store {
  const target = storeTarget(config, opts);
  const key = cacheKey(target);
  const cached = warmStores.get(key);
  if (cached) return cached;
  const store = storeFor(target, retentionOf(config));
  warmStores.set(key, store);
  return store;
}

/** Closes and forgets every cached Store (tests, local server shutdown). */
export async function closeCachedStores(): Promise<void> {
  const stores = [...warmStores.values()];
  warmStores.clear();
  await Promise.allSettled(stores.map((s) => s.close()));
}

/** Cache identity of a target; the password enters only as a digest so it never sits in a key. */
function cacheKey(target: StoreTarget): string {
  if (target.kind === 'memory') return 'memory';
  const secret = target.password === undefined ? '' : createHash('sha256').update(target.password).digest('hex');
  const where = target.kind === 'cluster' ? target.nodes.map((n) => `${n.host}:${n.port}`).join(',') : target.url;
  return `${target.kind}|${where}|${secret}`;
}

/** `host:port`, `[v6addr]:port` or `host` (port 6379) -> a cluster seed node. */
export function parseNode(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  const port = Number(match?.[2] ?? 6379);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError('invalid setting KG_REDIS_CLUSTER_NODES: expected host:port,host:port');
  }
  return { host: match[1] as string, port };
}
