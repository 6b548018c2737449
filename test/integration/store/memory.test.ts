import { MemoryStore } from '../../../shared/store/MemoryStore';
import { describeStoreConformance } from './conformance';

let store = new MemoryStore();

describeStoreConformance(
  'MemoryStore',
  async () => ({
    store: () => store,
    reset: async () => {
      store = new MemoryStore();
    },
    stop: async () => undefined,
  }),
  { faults: false },
);
