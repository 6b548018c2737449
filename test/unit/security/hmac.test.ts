import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

// A spy that wraps (does not replace) the real timingSafeEqual, to show what the comparison runs on.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const { constantTimeEqual, hmacSha256, hmacSha256Text } = await import('../../../shared/security/hmac');
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

describe('hmacSha256 and hmacSha256Text against createHmac', () => {
  // The one-shot path pads ASCII keys of up to 64 bytes itself; every other key goes through createHmac.
  // Each case is checked against the platform's HMAC, so a wrong pad, a lost byte or a bad encoding shows.
  const real = (key: string | Buffer, msg: string | Buffer) => crypto.createHmac('sha256', key).update(msg).digest();
  const random = (n: number, from: string) => Array.from({ length: n }, () => from[crypto.randomInt(from.length)]).join('');
  const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
  const wide = `${ascii}éß中文😀\ud800\udc00`;

  it('matches RFC 4231 test cases 1 (a 20-byte binary key) and 6 (a key longer than a block)', () => {
    expect(hmacSha256(Buffer.alloc(20, 0x0b), 'Hi There').toString('hex')).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(hmacSha256(Buffer.alloc(131, 0xaa), 'Test Using Larger Than Block-Size Key - Hash Key First').toString('hex')).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it.each([0, 1, 31, 63, 64, 65, 100])('agrees for random ASCII keys of %i characters and messages of any text', (keyLength) => {
    for (let i = 0; i < 200; i++) {
      const key = random(keyLength, ascii);
      const msg = random(crypto.randomInt(0, 300), i % 2 === 0 ? ascii : wide);
      const expected = real(key, msg);
      expect(hmacSha256(key, msg).equals(expected)).toBe(true);
      expect(hmacSha256Text(key, msg, 'hex')).toBe(expected.toString('hex'));
      expect(hmacSha256Text(key, msg, 'base64')).toBe(expected.toString('base64'));
    }
  });

  it('agrees for non-ASCII keys, Buffer keys and Buffer messages', () => {
    for (let i = 0; i < 200; i++) {
      const key = random(crypto.randomInt(0, 80), wide);
      const msg = random(crypto.randomInt(0, 100), wide);
      expect(hmacSha256Text(key, msg, 'hex')).toBe(real(key, msg).toString('hex'));
      const bufKey = crypto.randomBytes(crypto.randomInt(0, 100));
      const bufMsg = crypto.randomBytes(crypto.randomInt(0, 100));
      expect(hmacSha256(bufKey, msg).equals(real(bufKey, msg))).toBe(true);
      const asciiKey = random(crypto.randomInt(0, 64), ascii);
      expect(hmacSha256Text(asciiKey, bufMsg, 'base64')).toBe(real(asciiKey, bufMsg).toString('base64'));
    }
  });

  it('gives each key its own answer when keys alternate (the pads are per key)', () => {
    const keys = Array.from({ length: 100 }, () => random(40, ascii));
    for (let round = 0; round < 3; round++) {
      for (const key of keys) expect(hmacSha256Text(key, 'same message', 'hex')).toBe(real(key, 'same message').toString('hex'));
    }
  });
});
