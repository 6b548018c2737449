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
    ['both empty', '', '', true],
    ['case differs', 'ABC', 'abc', false],
    ['equal code units, different UTF-8 bytes', 'é', 'e', false],
  ])('compares %s byte for byte through timingSafeEqual', (_n, a, b, expected) => {
    spy.mockClear();
    expect(constantTimeEqual(a, b)).toBe(expected);
    const [x, y] = (spy.mock.calls[0] ?? []) as [Buffer?, Buffer?];
    if (Buffer.byteLength(a) === Buffer.byteLength(b)) {
      expect(spy).toHaveBeenCalledTimes(1);
      expect(x?.toString('utf8')).toBe(a);
      expect(y?.toString('utf8')).toBe(b);
    } else {
      // A length is public here (one side is a signature of known length): no byte comparison is needed.
      expect(spy).not.toHaveBeenCalled();
    }
  });

  it.each([
    ['different lengths', 'abc', 'abcd'],
    ['empty and non-empty', '', 'a'],
  ])('answers false for %s without comparing bytes', (_n, a, b) => {
    spy.mockClear();
    expect(constantTimeEqual(a, b)).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('hmacSha256', () => {
  it('matches RFC 4231 test case 2', () => {
    expect(hmacSha256('Jefe', 'what do ya want for nothing?').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
