import { describe, expect, it } from 'vitest';
import { chinaDay, chinaDaysBetween, chinaMonth, chinaMonthRange, retryWindowMs } from '../../../shared/ops/calendar';

describe('the marketplace calendar (China time, UTC+8)', () => {
  it('puts an instant in the China-time month and day', () => {
    expect(chinaMonth(Date.parse('2026-10-31T15:59:59.999Z'))).toBe('2026-10');
    expect(chinaMonth(Date.parse('2026-10-31T16:00:00Z'))).toBe('2026-11');
    expect(chinaDay(Date.parse('2026-11-29T15:59:59Z'))).toBe('2026-11-29');
    expect(chinaDay(Date.parse('2026-11-29T16:00:00Z'))).toBe('2026-11-30');
    expect(chinaMonth(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01');
  });

  it('gives a month as [start, end) instants, December to January included', () => {
    expect(chinaMonthRange('2026-11')).toEqual({ startMs: Date.parse('2026-10-31T16:00:00Z'), endMs: Date.parse('2026-11-30T16:00:00Z') });
    expect(chinaMonthRange('2026-12').endMs).toBe(Date.parse('2026-12-31T16:00:00Z'));
    const { startMs, endMs } = chinaMonthRange('2028-02');
    expect((endMs - startMs) / 86_400_000).toBe(29);
  });

  it('refuses anything but YYYY-MM', () => {
    for (const bad of ['2026-13', '2026-1', '26-11', '2026-11-01', '', 'x']) expect(() => chinaMonthRange(bad)).toThrow(RangeError);
  });

  it('lists the days between two days, inclusive', () => {
    expect(chinaDaysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(chinaDaysBetween('2026-03-02', '2026-03-01')).toEqual([]);
  });

  it('gives each activity the retry window of lifecycle.md §4.1', () => {
    expect(retryWindowMs('newInstance')).toBe(3 * 3_600_000);
    expect(retryWindowMs('upgradeInstance')).toBe(3 * 3_600_000);
    for (const a of ['refreshInstance', 'updateInstanceStatus', 'releaseInstance', 'somethingNew']) expect(retryWindowMs(a)).toBe(3_600_000);
  });
});
