import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveInstanceId, rememberingDeriver } from '../../../shared/lifecycle/instanceId';

/** An independent statement of the encoding: u32 big-endian byte length + UTF-8, for each value. */
function reference(orderId: string, orderLineId: string): string {
  const hash = createHash('sha256');
  for (const value of [orderId, orderLineId]) {
    const bytes = new TextEncoder().encode(value);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length, false);
    hash.update(length).update(bytes);
  }
  return hash.digest('hex').slice(0, 32);
}

describe('deriveInstanceId', () => {
  // Golden values pinned so a change of encoding (which would orphan every stored instance) fails here.
  it.each([
    ['CS2211181819B4LVS', 'CS2211181819B4LVS-000001', '3789582543beeddf1dadaad76fde1b59'],
    ['MOCKPERIODYEARNEW', '', '986c89e81e895afdf0f37eaf33371453'],
    ['订单', '行', '07523f372b75d0d3e6b1cf3d1eb68dce'],
  ])('derives the pinned id for (%j, %j)', (orderId, orderLineId, expected) => {
    expect(deriveInstanceId(orderId, orderLineId)).toBe(expected);
    expect(reference(orderId, orderLineId)).toBe(expected);
  });

  it('matches an independent implementation of the length-prefixed SHA-256 for any strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => deriveInstanceId(a, b) === reference(a, b)));
  });

  it('always yields 32 lowercase hex characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (a, b) => /^[0-9a-f]{32}$/.test(deriveInstanceId(a, b))));
  });

  it('gives the same id on every call for the same order line', () => {
    expect(deriveInstanceId('O-1', 'O-1-000001')).toBe(deriveInstanceId('O-1', 'O-1-000001'));
  });

  it.each([
    [['ab', 'c'], ['a', 'bc']],
    [['', 'abc'], ['abc', '']],
    [['a:b', ''], ['a:', 'b']],
    [['O1', 'O1-000001'], ['O1O1', '-000001']],
    [['\u0000', ''], ['', '\u0000']],
  ])('keeps %j and %j apart although their concatenations are equal', (left, right) => {
    expect(left.join('')).toBe(right.join(''));
    expect(deriveInstanceId(left[0]!, left[1]!)).not.toBe(deriveInstanceId(right[0]!, right[1]!));
  });

  it('gives different ids to different order lines of one order', () => {
    const ids = new Set(Array.from({ length: 1000 }, (_, i) => deriveInstanceId('O-1', `O-1-${String(i).padStart(6, '0')}`)));
    expect(ids.size).toBe(1000);
  });

  it('gives different ids to any two different pairs that split the same text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), fc.nat(), (text, i, j) => {
        const cutA = i % (text.length + 1);
        const cutB = j % (text.length + 1);
        fc.pre(cutA !== cutB);
        return deriveInstanceId(text.slice(0, cutA), text.slice(cutA)) !== deriveInstanceId(text.slice(0, cutB), text.slice(cutB));
      }),
    );
  });
});

describe('rememberingDeriver', () => {
  it('gives the default derivation for every order line, remembered or not, past its bound', () => {
    const derive = rememberingDeriver();
    const lines = Array.from({ length: 1500 }, (_, i) => [`CS${i}`, `CS${i}-${i % 3}`] as const);
    for (let round = 0; round < 2; round++) for (const [o, l] of lines) expect(derive(o, l)).toBe(deriveInstanceId(o, l));
  });

  it('keeps pairs that join alike apart', () => {
    const derive = rememberingDeriver();
    expect(derive('ab', 'c')).toBe(deriveInstanceId('ab', 'c'));
    expect(derive('a', 'bc')).toBe(deriveInstanceId('a', 'bc'));
    expect(derive('a', 'bc')).not.toBe(derive('ab', 'c'));
    expect(derive('1:a', 'b')).toBe(deriveInstanceId('1:a', 'b'));
    expect(derive('1', ':ab')).toBe(deriveInstanceId('1', ':ab'));
  });
});

describe('rememberingDeriver, any pairs', () => {
  it('agrees with the default derivation, asked in any order and again', () => {
    const derive = rememberingDeriver();
    fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 20 }), (pairs) => {
      for (const [o, l] of [...pairs, ...pairs.reverse()]) expect(derive(o, l)).toBe(deriveInstanceId(o, l));
    }), { numRuns: 300 });
  });
});
