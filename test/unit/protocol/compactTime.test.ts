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
