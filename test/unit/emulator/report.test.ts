import { describe, expect, it } from 'vitest';
import { buildReport, formatReport, percentile, summarize, type StepRecord } from '../../../infra/emulator/report';

const step = (scenario: string, latencyMs: number, pass = true, extra: Partial<StepRecord> = {}): StepRecord => ({
  scenario, step: `step ${latencyMs}`, expected: ['000000'], actual: pass ? '000000' : '000005', httpStatus: 200, latencyMs, pass, note: pass ? '' : 'resultCode 000005 where the specification expects 000000', ...extra,
});

describe('percentile', () => {
  it.each([
    [[], 50, 0],
    [[7], 50, 7],
    [[4, 1, 3, 2], 50, 2],
    [[5, 1, 4, 2, 3], 50, 3],
    [[1, 2, 3, 100], 100, 100],
  ])('takes the nearest-rank percentile of %j at p%i', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe('summarize', () => {
  it('counts steps per scenario in first-seen order, with p50 and max latency', () => {
    const rows = summarize([step('b', 10), step('a', 1), step('b', 30, false), step('b', 20)]);
    expect(rows).toEqual([
      { scenario: 'b', steps: 3, passed: 2, failed: 1, p50Ms: 20, maxMs: 30 },
      { scenario: 'a', steps: 1, passed: 1, failed: 0, p50Ms: 1, maxMs: 1 },
    ]);
  });

  it('leaves records that are not one answer out of the latency figures', () => {
    const [row] = summarize([step('a', 10), step('a', 12), step('a', 0, false, { httpStatus: 0 })]);
    expect(row).toMatchObject({ steps: 3, failed: 1, p50Ms: 10, maxMs: 12 });
  });
});

describe('buildReport', () => {
  it('is ok only when steps ran and none failed', () => {
    const at = new Date(0);
    expect(buildReport('u', at, 1, [step('a', 1)]).ok).toBe(true);
    expect(buildReport('u', at, 1, [step('a', 1), step('a', 2, false)]).ok).toBe(false);
    expect(buildReport('u', at, 1, []).ok).toBe(false);
  });
});

describe('formatReport', () => {
  it('prints the summary table and each failure with its expectation and note', () => {
    const text = formatReport(buildReport('http://127.0.0.1:1/', new Date(0), 1500, [step('purchase', 3), step('purchase', 9, false, { step: 'upgradeInstance' })]));
    expect(text).toMatch(/scenario\s+steps\s+passed\s+failed\s+p50\s+max/);
    expect(text).toMatch(/purchase\s+2\s+1\s+1\s+3\.0 ms\s+9\.0 ms/);
    expect(text).toContain('FAIL: 1 of 2 steps');
    expect(text).toContain('[purchase] upgradeInstance');
    expect(text).toContain('expected 000000, got 000005 (HTTP 200, 9.0 ms)');
  });

  it('says PASS when every step passed', () => {
    expect(formatReport(buildReport('u', new Date(0), 1000, [step('trial', 2)]))).toContain('PASS: 1 steps');
  });
});

describe('skipped steps', () => {
  const skipped = step('kit', 0, true, { step: 'applicationSync add', httpStatus: 0, skipped: true, expected: [], actual: undefined, note: 'not sent: needs --rsa-public-key' });

  it('count neither as steps nor in the latency figures, and show as a per-scenario count', () => {
    expect(summarize([step('kit', 4), skipped, step('kit', 6)])).toEqual([{ scenario: 'kit', steps: 2, passed: 2, failed: 0, p50Ms: 4, maxMs: 6, skipped: 1 }]);
  });

  it('do not make a run ok on their own, nor fail one', () => {
    expect(buildReport('u', new Date(0), 1, [skipped]).ok).toBe(false);
    expect(buildReport('u', new Date(0), 1, [step('kit', 1), skipped]).ok).toBe(true);
  });

  it('are listed with their reason after the verdict', () => {
    const text = formatReport(buildReport('u', new Date(0), 1000, [step('kit', 2), skipped]));
    expect(text).toContain('PASS: 1 steps');
    expect(text).toMatch(/SKIPPED: 1 steps not sent\n  \[kit\] applicationSync add: not sent: needs --rsa-public-key\n$/);
  });
});
