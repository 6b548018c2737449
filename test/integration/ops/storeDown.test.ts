/**
 * Redis down: ops-watch raises store-unreachable once (kept in its local file, since the store cannot hold it),
 * stays quiet while Redis stays down, and clears it once when Redis is back; the other conditions are left as
 * they were (nothing can be judged without the store).
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../../support/redis';
import { delivered, opsHarness } from './harness';

const MIN = 60_000;

describe('ops-watch with Redis down', () => {
  const h = opsHarness();
  /** Waits (up to 10 s) until the store's client has reconnected and answers. */
  const storeAnswers = () => eventually(() => h.store.ping().then(() => true), 10_000, 'the store answering again');

  it('raises store-unreachable once and clears it once after Redis restarts', async () => {
    const mismatch = { reconcile: async () => ({ checked: 1, findings: [{ kind: 'order-unknown', instanceId: 'i-1', orderId: 'CS-1', detail: 'MKT.9001' }], errors: 0 }) };
    expect((await h.watch({ reconcile: 'force' }, mismatch)).raised).toEqual(['reconcile-mismatch']);
    await h.redis.kill();
    const down = await h.watch();
    expect(down).toMatchObject({ store: 'unreachable', conditions: ['store-unreachable'], raised: ['store-unreachable'], cleared: [] });
    expect(h.webhook.taken.at(-1)!.message).toMatch(/^Redis did not answer \(StoreUnavailableError\)/);
    for (let i = 0; i < 2; i++) {
      h.now += 5 * MIN;
      expect(await h.watch()).toMatchObject({ store: 'unreachable', raised: [], cleared: [], sent: [] });
    }
    await h.redis.restart();
    // The client reconnects on its own back-off; the next timer run comes 5 minutes later anyway.
    await storeAnswers();
    h.now += 5 * MIN;
    const back = await h.watch();
    expect(back).toMatchObject({ store: 'ok', cleared: ['store-unreachable'], raised: [] });
    // The store's own conditions were left as they were: reconcile-mismatch is still raised, not raised again.
    expect(back.conditions).toEqual(['reconcile-mismatch']);
    h.now += 5 * MIN;
    expect(await h.watch()).toMatchObject({ raised: [], cleared: [], sent: [] });
    expect(delivered(h)).toEqual(['raised reconcile-mismatch', 'raised store-unreachable', 'cleared store-unreachable']);
  }, 60_000);

  it('treats a hung Redis (it accepts connections, answers nothing) the same, within a few seconds', async () => {
    h.redis.pause();
    try {
      const started = Date.now();
      expect(await h.watch()).toMatchObject({ store: 'unreachable', raised: ['store-unreachable'] });
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      h.redis.resume();
    }
    await storeAnswers();
    h.now += 5 * MIN;
    expect(await h.watch()).toMatchObject({ store: 'ok', cleared: ['store-unreachable'] });
    expect(delivered(h)).toEqual(['raised store-unreachable', 'cleared store-unreachable']);
  }, 60_000);
});
