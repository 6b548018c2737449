import { describe, expect, it } from 'vitest';
import { checkTimestamp, parseTimestampMs } from '../../../shared/security/freshness';

const NOW = 1_700_000_000_000;

describe('checkTimestamp', () => {
  it.each<[string, string | undefined, string | true]>([
    ['a timestamp 61 s old', String(NOW - 61_000), 'stale'],
    ['a timestamp 61 s in the future', String(NOW + 61_000), 'future'],
    ['a timestamp exactly 60 s old', String(NOW - 60_000), true],
    ['a timestamp exactly 60 s ahead', String(NOW + 60_000), true],
    ['the current time', String(NOW), true],
    ['a 10-digit value in seconds', String(NOW / 1000 - 59), true],
    ['a 10-digit value in seconds 61 s old', String(NOW / 1000 - 61), 'stale'],
    ['a missing value', undefined, 'missing'],
    ['an empty value', '', 'missing'],
    ['a value with a sign', `+${NOW}`, 'malformed'],
    ['a decimal value', `${NOW}.0`, 'malformed'],
    ['a value with spaces', ` ${NOW}`, 'malformed'],
    ['a 17-digit value', '1'.repeat(17), 'malformed'],
  ])('judges %s', (_n, ts, expected) => {
    const r = checkTimestamp(ts, NOW, 60_000);
    if (expected === true) expect(r.ok).toBe(true);
    else expect(r).toMatchObject({ ok: false, problem: expected });
  });

  it('uses a 60 000 ms window by default', () => {
    expect(checkTimestamp(String(NOW - 60_001), NOW).ok).toBe(false);
    expect(checkTimestamp(String(NOW - 59_999), NOW).ok).toBe(true);
  });
});

describe('parseTimestampMs', () => {
  it.each([
    ['1700000000000', 1_700_000_000_000],
    ['1700000000', 1_700_000_000_000],
    ['abc', undefined],
  ])('reads %s as %s ms', (ts, ms) => {
    expect(parseTimestampMs(ts)).toBe(ms);
  });
});
