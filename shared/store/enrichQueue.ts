/**
 * The order-query due-set on its own, light enough for `produce` (which only queues an instance): on a
 * RedisStore one `ZADD NX` on the store's connection, on a MemoryStore the {@link MemoryDueSet} the store's
 * usage ledger shares. The full queue (claim, retry, complete) is part of {@link UsageLedger}.
 * @module
 */
import { requireFiniteMs } from './limits';
import { MemoryStore } from './MemoryStore';
import { RedisStore } from './RedisStore';
import type { Store } from './Store';
import { ENRICH_DUE_KEY } from './usageKeys';

/** The order-query due-set of one process (MemoryUsageLedger's, and `produce`'s on a MemoryStore). */
export class MemoryDueSet {
  readonly due = new Map<string, number>();
  readonly tries = new Map<string, number>();
}

const memoryDueSets = new WeakMap<Store, MemoryDueSet>();

/** The due-set that belongs to a MemoryStore (one per store object). */
export function memoryDueSetFor(store: Store): MemoryDueSet {
  let set = memoryDueSets.get(store);
  if (!set) {
    set = new MemoryDueSet();
    memoryDueSets.set(store, set);
  }
  return set;
}

/**
 * Queues the order query of `instanceId`, due at `dueAtMs`; an instance already queued keeps its time.
 * @throws StoreUnavailableError when Redis does not answer; Error for a Store with no due-set.
 */
export async function scheduleEnrichment(store: Store, instanceId: string, dueAtMs: number): Promise<void> {
  const due = requireFiniteMs(dueAtMs, 'dueAtMs');
  if (store instanceof RedisStore) {
    await store.send('enrichment schedule', (c) => c.zadd(ENRICH_DUE_KEY, 'NX', due, instanceId));
    return;
  }
  if (store instanceof MemoryStore) {
    const set = memoryDueSetFor(store);
    if (!set.due.has(instanceId)) set.due.set(instanceId, due);
    return;
  }
  throw new Error('this Store has no order-query due-set: use RedisStore or MemoryStore');
}
