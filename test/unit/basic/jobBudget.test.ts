import { describe, expect, it } from 'vitest';
import { jobBudgetMs } from '../../../shared/basic/worker';

describe('jobBudgetMs', () => {
  it.each([
    [60_000, undefined, 55_000],
    [60_000, 30_000, 25_000],
    [8_000, undefined, 6_000],
    [600, undefined, 450],
    [60_000, 3_000, 1],
  ])('gives a job with a %i ms lease and %s ms left %i ms, ending before both', (lease, remaining, expected) => {
    expect(jobBudgetMs(lease, remaining)).toBe(expected);
  });
});
