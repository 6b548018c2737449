import { describe, expect, it } from 'vitest';
import { DEFAULT_NONCE_TTL_S, listLimit, nonceTtlSeconds, requireFiniteMs } from '../../../shared/store/limits';

describe('nonceTtlSeconds', () => {
  it.each([
    [undefined, DEFAULT_NONCE_TTL_S],
    [Number.NaN, DEFAULT_NONCE_TTL_S],
    [Number.POSITIVE_INFINITY, DEFAULT_NONCE_TTL_S],
    [0, 1],
    [-5, 1],
    [0.2, 1],
    [1.5, 2],
    [120, 120],
  ])('turns %s into %i s', (requested, seconds) => {
    expect(nonceTtlSeconds(requested)).toBe(seconds);
  });
});

describe('listLimit', () => {
  it.each([
    [undefined, 100],
    [Number.NaN, 100],
    [-1, 0],
    [0, 0],
    [2.9, 2],
    [10_000, 500],
  ])('turns %s into %i (fallback 100, max 500)', (requested, limit) => {
    expect(listLimit(requested, 100, 500)).toBe(limit);
  });
});

describe('requireFiniteMs', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY])('rejects %s', (n) => {
    expect(() => requireFiniteMs(n, 'dueAtMs')).toThrow(RangeError);
  });
});
