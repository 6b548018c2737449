import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/platform/config';
import { ConfigError } from '../../../shared/core/errors';
import { closeCachedStores, createStore, getStore, parseNode, storeTarget } from '../../../shared/store/createStore';
import { MemoryStore } from '../../../shared/store/MemoryStore';

const config = (settings: Record<string, string>) => loadConfig((key) => settings[key]);

afterEach(async () => {
  await closeCachedStores();
});

describe('storeTarget', () => {
  it.each([
    [{ KG_REDIS_URL: 'redis://10.0.0.5:6379' }, false, { kind: 'redis', url: 'redis://10.0.0.5:6379' }],
    [{ KG_REDIS_URL: 'redis://h:1', KG_REDIS_PASSWORD: 'pw' }, false, { kind: 'redis', url: 'redis://h:1', password: 'pw' }],
    [{ KG_REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2' }, false,
      { kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 6379 }] }],
    [{ KG_REDIS_CLUSTER_NODES: 'a:1', KG_REDIS_URL: 'redis://b:2' }, false, { kind: 'cluster', nodes: [{ host: 'a', port: 1 }] }],
    [{}, true, { kind: 'memory' }],
    [{ KG_ALLOW_MEMORY_STORE: '1' }, false, { kind: 'memory' }],
    [{ KG_STORE: 'memory', KG_REDIS_URL: 'redis://h:1' }, true, { kind: 'memory' }],
  ])('maps %j (allowMemory %s) to %j', (settings, allowMemory, expected) => {
    expect(storeTarget(config(settings), { allowMemory })).toEqual(expected);
  });

  it('refuses to run a deployed function on memory when no Redis is configured, naming both settings', () => {
    expect(() => storeTarget(config({}), { allowMemory: false })).toThrow(ConfigError);
    expect(() => storeTarget(config({}), { allowMemory: false })).toThrow(/KG_REDIS_URL or KG_REDIS_CLUSTER_NODES/);
  });

  it('refuses KG_STORE=memory in a deployed function', () => {
    expect(() => storeTarget(config({ KG_STORE: 'memory' }), { allowMemory: false })).toThrow(/KG_ALLOW_MEMORY_STORE/);
  });
});

describe('parseNode', () => {
  it.each([
    ['10.1.2.3:7001', { host: '10.1.2.3', port: 7001 }],
    ['redis.internal', { host: 'redis.internal', port: 6379 }],
    ['[fd00::1]:7002', { host: 'fd00::1', port: 7002 }],
  ])('reads %j', (text, node) => {
    expect(parseNode(text)).toEqual(node);
  });

  it.each(['host:0', 'host:70000', 'host:port', 'a:1:2'])('rejects %j with a ConfigError naming the setting', (text) => {
    expect(() => parseNode(text)).toThrow(/KG_REDIS_CLUSTER_NODES/);
  });
});

describe('createStore', () => {
  it('builds a fresh MemoryStore each call when memory is allowed', () => {
    const a = createStore(config({}), { allowMemory: true });
    expect(a).toBeInstanceOf(MemoryStore);
    expect(a).not.toBe(createStore(config({}), { allowMemory: true }));
  });
});

describe('getStore', () => {
  it('returns the same store to every warm invocation with the same settings', () => {
    const first = getStore(config({}), { allowMemory: true });
    expect(getStore(config({}), { allowMemory: true })).toBe(first);
  });

  it('builds a new store once the cache is closed', async () => {
    const first = getStore(config({}), { allowMemory: true });
    await closeCachedStores();
    expect(getStore(config({}), { allowMemory: true })).not.toBe(first);
  });
});
