/**
 * The usage ledger that lives beside a Store: on a RedisStore, the same connection (one per warm instance);
 * on a MemoryStore, one ledger per store object, so every handler of a local server shares it.
 * @module
 */
import { memoryDueSetFor } from './enrichQueue';
import { MemoryStore } from './MemoryStore';
import { MemoryUsageLedger } from './MemoryUsageLedger';
import { RedisStore } from './RedisStore';
import { RedisUsageLedger } from './RedisUsageLedger';
import type { Store } from './Store';
import type { UsageLedger } from './UsageLedger';

const ledgers = new WeakMap<Store, UsageLedger>();

/**
 * The ledger of `store` (built on first use, then the same object).
 * @throws Error for a Store implementation that has no ledger (only RedisStore and MemoryStore have one).
 */
export function usageLedgerFor(store: Store): UsageLedger {
  const known = ledgers.get(store);
  if (known) return known;
  let ledger: UsageLedger;
  if (store instanceof RedisStore) ledger = new RedisUsageLedger(store);
  else if (store instanceof MemoryStore) ledger = new MemoryUsageLedger(memoryDueSetFor(store));
  else throw new Error('this Store has no usage ledger: use RedisStore or MemoryStore');
  ledgers.set(store, ledger);
  return ledger;
}
