import { describe, expect, it } from 'vitest';
import { scheduleEnrichment } from '../../../shared/store/enrichQueue';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import { MemoryUsageLedger } from '../../../shared/store/MemoryUsageLedger';
import { describeUsageLedgerConformance } from './usageLedgerConformance';

let ledger = new MemoryUsageLedger();

describeUsageLedgerConformance('MemoryUsageLedger', async () => ({
  ledger: () => ledger,
  reset: async () => {
    ledger = new MemoryUsageLedger();
  },
  stop: async () => undefined,
}), { corrupt: false });

describe('the order-query due-set of a MemoryStore', () => {
  it('is shared by scheduleEnrichment (what produce loads) and the store\'s usage ledger', async () => {
    const store = new MemoryStore();
    await scheduleEnrichment(store, 'i-1', 5);
    await scheduleEnrichment(store, 'i-1', 9);
    expect(await usageLedgerFor(store).listEnrichments()).toEqual([{ instanceId: 'i-1', dueAtMs: 5 }]);
    expect(await usageLedgerFor(new MemoryStore()).listEnrichments()).toEqual([]);
  });
});
