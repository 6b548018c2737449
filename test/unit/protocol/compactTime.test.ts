import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCompactTime } from '../../../shared/protocol/schemas/compactTime';

describe('isCompactTime', () => {
  it.each(['20221124023618', '20221124023618256', '20240229000000', '20000229120000', '19700101000000000', '20231231235959999'])('accepts %s', (v) => {
    expect(isCompactTime(v)).toBe(true);
  });

  it.each([
    ['20230229000000', 'Feb 29 of a common year'],
    ['21000229000000', 'Feb 29 of 2100'],
    ['20230631000000', 'June 31'],
    ['20231301000000', 'month 13'],
    ['20230100000000', 'day 0'],
    ['20230101250000', 'hour 25'],
    ['2023010100000', '13 digits'],
    ['202301010000000', '15 digits'],
    ['202301010000000000', '18 digits'],
    ['2023010100000a', 'a letter'],
    ['２０２３０１０１０００００００', 'full-width digits'],
  ])('refuses %s (%s)', (v) => {
    expect(isCompactTime(v)).toBe(false);
  });
});

describe('isCompactTime against a calendar', () => {
  /** The oracle: the digits parsed by a regex, the instant checked by Date.UTC round-tripping. */
  function oracle(v: string): boolean {
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(v);
    if (!m) return false;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const t = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
    t.setUTCFullYear(y);
    return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
  }
  const digit = fc.constantFrom(...'0123456789');
  const anyChar = fc.constantFrom(...'0123456789', 'a', ' ', '-', '０', '٣', '/', ':');
  const likely = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.option(fc.integer({ min: 0, max: 999 })))
    .map(([y, mo, d, h, mi, s, ms]) => [String(y).padStart(4, '0'), ...[mo, d, h, mi, s].map((n) => String(n).padStart(2, '0')), ms === null ? '' : String(ms).padStart(3, '0')].join(''));

  it('agrees with the calendar on near-valid times and on any short text', () => {
    fc.assert(
      fc.property(fc.oneof(likely, fc.array(digit, { minLength: 12, maxLength: 18 }).map((a) => a.join('')), fc.array(anyChar, { minLength: 13, maxLength: 18 }).map((a) => a.join(''))), (v) => {
        expect(isCompactTime(v)).toBe(oracle(v));
      }),
      { numRuns: 5000 },
    );
  });
});
