import { type Server, type Socket, createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/platform/config';
import { StoreUnavailableError } from '../../../shared/core/errors';
import { closeCachedStores, createStore, getStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { type RedisServer, sleep, startRedis, withAdmin } from '../../support/redis';

const SECRET = 'p@ss-w0rd-never-shown';
/** The limit the brief sets for any call against a hung or dead Redis (ms). */
const UNAVAILABLE_WITHIN_MS = 3000;

const config = (settings: Record<string, string>) => loadConfig((key) => settings[key]);

async function settleWithin(work: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    work.then(() => 'answered', (err: unknown) => err),
    sleep(UNAVAILABLE_WITHIN_MS).then(() => 'still pending'),
  ]);
}

/** Every message and cause message of an error, joined. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.name, e.message, e.stack ?? '');
  return parts.join('\n');
}

/** A TCP server that accepts connections and never answers: a hung Redis seen from a cold start. */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const opened: Store[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  await closeCachedStores();
});

describe('RedisStore when Redis cannot answer from the start', () => {
  let hole: Awaited<ReturnType<typeof blackHole>>;
  beforeAll(async () => {
    hole = await blackHole();
  });
  afterAll(async () => {
    await hole.close();
  });

  it.each([
    ['a standalone URL', () => ({ KG_REDIS_URL: `redis://127.0.0.1:${hole.port}`, KG_REDIS_PASSWORD: SECRET })],
    ['cluster seeds', () => ({ KG_REDIS_CLUSTER_NODES: `127.0.0.1:${hole.port}`, KG_REDIS_PASSWORD: SECRET })],
  ])('rejects within 3 s with StoreUnavailableError behind a server that accepts and never answers (%s)', async (_, settings) => {
    const store = createStore(config(settings()), { allowMemory: false });
    opened.push(store);
    const outcomes = await Promise.all([settleWithin(store.begin('i-1', { nonce: 'n' })), settleWithin(store.read(['a', 'b']))]);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(StoreUnavailableError);
      expect(errorText(outcome)).not.toContain(SECRET);
    }
  });

  it('rejects within 3 s with StoreUnavailableError when nothing listens on the port', async () => {
    const closed = await blackHole();
    await closed.close();
    const store = createStore(config({ KG_REDIS_URL: `redis://127.0.0.1:${closed.port}` }), { allowMemory: false });
    opened.push(store);
    expect(await settleWithin(store.commit('i-1', { expectedVersion: 0, audit: { at: 1, activity: 'x', resultCode: '000000' } })))
      .toBeInstanceOf(StoreUnavailableError);
  });
});

describe('RedisStore on a live server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ password: SECRET });
  });
  afterAll(async () => {
    await server.stop();
  });

  const settings = () => ({ KG_REDIS_URL: server.url, KG_REDIS_PASSWORD: SECRET });

  it('keeps one connection for every warm invocation that asks getStore', async () => {
    const first = getStore(config(settings()), { allowMemory: false });
    await first.ping();
    const again = getStore(config(settings()), { allowMemory: false });
    expect(again).toBe(first);
    await again.begin('warm');
    const clients = await withAdmin(server.port, async (r) => String(await r.client('LIST')), SECRET);
    // Our store's connection plus the admin connection asking.
    expect(clients.trim().split('\n')).toHaveLength(2);
  });

  it('waits for a connection that comes up shortly after a cold start instead of failing', async () => {
    await server.kill();
    const store = createStore(config(settings()), { allowMemory: false });
    opened.push(store);
    await server.restart();
    expect(await store.begin('cold', { nonce: 'n' })).toMatchObject({ nonce: 'fresh', version: 0 });
  });

  it('answers a corrupt stored record with StoreUnavailableError, not a crash', async () => {
    const store = createStore(config(settings()), { allowMemory: false });
    opened.push(store);
    await withAdmin(server.port, (r) => r.hset('kg:{corrupt}:rec', 'v', '3', 'r', '{not json'), SECRET);
    await expect(store.read(['corrupt'])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.begin('corrupt')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('reports kind redis and a wrong password as StoreUnavailableError without the password', async () => {
    const store = createStore(config({ KG_REDIS_URL: server.url, KG_REDIS_PASSWORD: 'wrong-secret' }), { allowMemory: false });
    opened.push(store);
    expect(store.info().kind).toBe('redis');
    const outcome = await settleWithin(store.ping());
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect(errorText(outcome)).not.toContain('wrong-secret');
  });
});
