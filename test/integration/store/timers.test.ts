/**
 * One timeout mechanism per store call: once connected, RedisStore sends with no timer of its own (the client's
 * commandTimeout bounds each command), and times a call itself only for a client that does not bound its
 * commands as tightly as asked.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { standaloneOptions } from '../../../shared/store/connectionOptions';
import { RedisStore } from '../../../shared/store/RedisStore';
import { type RedisServer, startRedis } from '../../support/redis';

/** Timers armed while `work` runs. */
async function timersArmedBy(work: () => Promise<unknown>): Promise<number> {
  const spy = vi.spyOn(globalThis, 'setTimeout');
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('RedisStore timers', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ appendonly: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("arms only the client's own timers for a connected call", async () => {
    const client = new Redis(server.url, standaloneOptions(undefined));
    const store = new RedisStore(client);
    try {
      await store.ping();
      // What one command costs the client itself (its commandTimeout, its socket timeout).
      const own = await timersArmedBy(() => client.ping());
      expect(own).toBeGreaterThan(0);
      expect(await timersArmedBy(() => store.ping())).toBe(own);
      expect(await timersArmedBy(() => store.begin('timers', { nonce: 'n' }))).toBe(own);
      expect(await timersArmedBy(() => store.commit('timers', { expectedVersion: 0, audit: { at: 1, activity: 'x', resultCode: '000000' } }))).toBe(own);
    } finally {
      await store.close();
    }
  });

  it('times each call itself for a client without commandTimeout, or when asked for a tighter limit', async () => {
    const { commandTimeout: _none, ...untimed } = standaloneOptions(undefined);
    const bareClient = new Redis(server.url, untimed);
    const tightClient = new Redis(server.url, standaloneOptions(undefined));
    const bare = new RedisStore(bareClient);
    const tight = new RedisStore(tightClient, { deadlineMs: 500 });
    try {
      await bare.ping();
      await tight.ping();
      expect(await timersArmedBy(() => bare.ping())).toBe((await timersArmedBy(() => bareClient.ping())) + 1);
      expect(await timersArmedBy(() => tight.ping())).toBe((await timersArmedBy(() => tightClient.ping())) + 1);
    } finally {
      await bare.close();
      await tight.close();
    }
  });
});
