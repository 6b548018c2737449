import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../shared/store/MemoryStore';

describe('MemoryStore', () => {
  it('remembers a nonce for exactly its TTL on its clock', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    await store.begin('i', { nonce: 'n', nonceTtlSeconds: 60 });
    now += 59_999;
    expect((await store.begin('i', { nonce: 'n', nonceTtlSeconds: 60 })).nonce).toBe('replayed');
    now += 1;
    expect((await store.begin('i', { nonce: 'n', nonceTtlSeconds: 60 })).nonce).toBe('fresh');
  });

  it('reports kind memory and counts one round trip per call', async () => {
    const store = new MemoryStore();
    await store.begin('i');
    await store.listJobs();
    expect(store.info()).toEqual({ kind: 'memory', roundTrips: 2 });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('rejects a due time of %s and queues nothing', async (due) => {
    const store = new MemoryStore();
    await expect(store.enqueueJob('i', due)).rejects.toThrow(RangeError);
    expect(await store.listJobs()).toEqual([]);
  });
});
