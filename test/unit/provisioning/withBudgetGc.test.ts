import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { runWithBudget } from '../../../shared/provisioning/withBudget';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('runWithBudget hard limit under garbage collection', () => {
  it('aborts the work at the hard limit even when collections run after the budget returned', async () => {
    // The work ends only when its signal aborts (a provisioner honouring the lease's end).
    const result = await runWithBudget(
      (signal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true })),
      10,
      { hardLimitMs: 150 },
    );
    expect(result.done).toBe(false);
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    const late = result.done ? undefined : result.late;
    const outcome = await Promise.race([late, new Promise((r) => setTimeout(() => r('never aborted'), 2000))]);
    expect(outcome).toBe('aborted');
  });
});
