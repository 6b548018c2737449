/**
 * normalizeUsage: each rule of the open API (§6.3) refuses with the field and the rule, valid records are
 * normalised to the wire form, and the generated meteringSn is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { defaultMeteringSn, normalizeUsage, normalizeUsageValue, UsageRecordProblem, usageFingerprint } from '../../../shared/usage/record';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);
const base = { instanceId: 'inst-1', usageValue: 3, beginTime: '2024-06-15T10:00:00Z', endTime: '2024-06-15T11:00:00Z' };

function problem(input: unknown): string {
  try {
    normalizeUsage(input, NOW);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageRecordProblem);
    return (err as Error).message;
  }
  return 'accepted';
}

describe('normalizeUsage', () => {
  it('normalises a valid record: wire times, hour, decimal text, generated sn, fingerprint', () => {
    const n = normalizeUsage({ ...base, usageValue: '012.5000', relatePkgInstance: 'pkg-1' }, NOW);
    expect(n.entry.usage).toEqual({
      meteringSn: defaultMeteringSn('inst-1', '20240615T100000Z', '20240615T110000Z', 'pkg-1'),
      instanceId: 'inst-1', usageValue: '12.5', beginTime: '20240615T100000Z', endTime: '20240615T110000Z', relatePkgInstance: 'pkg-1', recordedAt: NOW,
    });
    expect(n.entry.hour).toBe('2024061510');
    expect(n.entry.fingerprint).toBe(usageFingerprint(n.entry.usage));
    expect(n.entry.usage.meteringSn).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives the same sn to one period however its times are written, and another to another period', () => {
    const a = normalizeUsage(base, NOW).entry.usage.meteringSn;
    const b = normalizeUsage({ ...base, beginTime: '20240615T100000Z', endTime: '2024-06-15T11:00:00.000+00:00' }, NOW).entry.usage.meteringSn;
    const c = normalizeUsage({ ...base, endTime: '2024-06-15T11:00:01Z' }, NOW).entry.usage.meteringSn;
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    // The value is not part of the sn: the same period with another value is a conflict, not a second charge.
    expect(normalizeUsage({ ...base, usageValue: 4 }, NOW).entry.usage.meteringSn).toBe(a);
    expect(normalizeUsage({ ...base, usageValue: 4 }, NOW).entry.fingerprint).not.toBe(normalizeUsage(base, NOW).entry.fingerprint);
  });

  it('keeps a given meteringSn', () => {
    expect(normalizeUsage({ ...base, meteringSn: 'mine-1' }, NOW).entry.usage.meteringSn).toBe('mine-1');
  });

  it.each([
    ['not an object', 'x', 'record: must be a JSON object'],
    ['an array', [base], 'record: must be a JSON object'],
    ['no instanceId', { ...base, instanceId: undefined }, 'instanceId: required'],
    ['a numeric instanceId', { ...base, instanceId: 7 }, 'instanceId: must be a string'],
    ['a 65-character instanceId', { ...base, instanceId: 'i'.repeat(65) }, 'instanceId: must be 1 to 64'],
    ['a control character in meteringSn', { ...base, meteringSn: 'a\nb' }, 'meteringSn: must not contain control'],
    ['a 65-character meteringSn', { ...base, meteringSn: 's'.repeat(65) }, 'meteringSn: must be 1 to 64'],
    ['no usageValue', { ...base, usageValue: undefined }, 'usageValue: required'],
    ['usageValue 0', { ...base, usageValue: 0 }, 'usageValue: must be greater than 0'],
    ['usageValue "0.0000"', { ...base, usageValue: '0.0000' }, 'usageValue: must be greater than 0'],
    ['a negative usageValue', { ...base, usageValue: -1 }, 'usageValue: must be a positive decimal'],
    ['5 decimals', { ...base, usageValue: 1.00001 }, 'usageValue: at most 4 decimals'],
    ['5 decimals as text', { ...base, usageValue: '1.00001' }, 'usageValue: at most 4 decimals'],
    ['9 integer digits', { ...base, usageValue: 123456789 }, 'usageValue: at most 8 digits'],
    ['an exponent', { ...base, usageValue: '1e3' }, 'usageValue: must be a positive decimal'],
    ['a tiny number JS writes with an exponent', { ...base, usageValue: 1e-7 }, 'usageValue: must be > 0 with at most 4 decimals'],
    ['Infinity', { ...base, usageValue: Number.POSITIVE_INFINITY }, 'usageValue: must be a finite number'],
    ['a boolean', { ...base, usageValue: true }, 'usageValue: required, a number'],
    ['no beginTime', { ...base, beginTime: undefined }, 'beginTime: required'],
    ['a +08:00 offset', { ...base, beginTime: '2024-06-15T18:00:00+08:00' }, 'beginTime: must be ISO-8601 in UTC'],
    ['no zone', { ...base, beginTime: '2024-06-15T10:00:00' }, 'beginTime: must be ISO-8601 in UTC'],
    ['fractions of a second', { ...base, beginTime: '2024-06-15T10:00:00.500Z' }, 'beginTime: must be whole seconds'],
    ['February 30', { ...base, beginTime: '2024-02-30T10:00:00Z' }, 'beginTime: not a real UTC time'],
    ['end equal to begin', { ...base, endTime: base.beginTime }, 'endTime: must be after beginTime'],
    ['end before begin', { ...base, endTime: '2024-06-15T09:00:00Z' }, 'endTime: must be after beginTime'],
    ['begin 21 days and 1 s ago', { ...base, beginTime: new Date(NOW - 21 * 86_400_000 - 1000).toISOString(), endTime: new Date(NOW - 20 * 86_400_000).toISOString() }, 'beginTime: more than 21 days ago'],
    ['end 6 minutes ahead', { ...base, endTime: new Date(NOW + 6 * 60_000).toISOString() }, 'endTime: in the future'],
  ])('refuses %s', (_n, input, reason) => {
    expect(problem(input)).toContain(reason);
  });

  it.each([
    ['begin exactly 21 days ago', { ...base, beginTime: new Date(NOW - 21 * 86_400_000).toISOString().replace('.000', '') }],
    ['end 5 minutes ahead (clock difference)', { ...base, endTime: new Date(NOW + 5 * 60_000).toISOString() }],
    ['the smallest value', { ...base, usageValue: 0.0001 }],
    ['the largest value', { ...base, usageValue: '99999999.9999' }],
  ])('accepts %s', (_n, input) => {
    expect(problem(input)).toBe('accepted');
  });

  it('never echoes the received value in a reason', () => {
    expect(problem({ ...base, beginTime: 'SECRET-LOOKING-TEXT' })).not.toContain('SECRET');
  });
});

describe('normalizeUsageValue', () => {
  it.each([
    [12, '12'], ['12.50', '12.5'], ['0012', '12'], [0.25, '0.25'], ['7.0000', '7'], [12345678.1234, '12345678.1234'],
  ])('%j -> %s', (input, out) => {
    expect(normalizeUsageValue(input)).toBe(out);
  });
});
