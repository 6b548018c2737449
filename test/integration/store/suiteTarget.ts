/**
 * The life of a conformance suite's target: started once, emptied before each test, stopped at the end.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** What a conformance suite runs against. */
export interface SuiteTarget {
  /** Empties all state before each test. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Registers the hooks (call inside `describe`) and returns the started target, for use inside tests. */
export function useSuiteTarget<T extends SuiteTarget>(start: () => Promise<T>): () => T {
  let target: T | undefined;
  beforeAll(async () => {
    target = await start();
  });
  afterAll(async () => {
    await target?.stop();
  });
  beforeEach(async () => {
    await target!.reset();
  });
  return () => target!;
}
