import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

// A spy that wraps (does not replace) the real timingSafeEqual, to show what the comparison runs on.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const { constantTimeEqual, hmacSha256 } = await import('../../../shared/security/hmac');
const spy = vi.mocked(crypto.timingSafeEqual);

describe('constantTimeEqual', () => {
  it.each([
    ['equal strings', 'abc', 'abc', true],
    ['equal length, different content', 'abc', 'abd', false],
    ['different lengths', 'abc', 'abcd', false],
    ['empty and non-empty', '', 'a', false],
    ['both empty', '', '', true],
    ['case differs', 'ABC', 'abc', false],
  ])('compares %s through timingSafeEqual on two 32-byte buffers', (_n, a, b, expected) => {
    spy.mockClear();
    expect(constantTimeEqual(a, b)).toBe(expected);
    expect(spy).toHaveBeenCalledTimes(1);
    const [x, y] = spy.mock.calls[0] as [Buffer, Buffer];
    expect(x.length).toBe(32);
    expect(y.length).toBe(32);
  });
});

describe('hmacSha256', () => {
  it('matches RFC 4231 test case 2', () => {
    expect(hmacSha256('Jefe', 'what do ya want for nothing?').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
