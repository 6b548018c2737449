import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/core/errors';
import { createSealer, openSecret, parseDataKeyRing, SealedSecretError } from '../../../shared/security/dataSeal';

const A = randomBytes(32);
const B = randomBytes(32);

describe('parseDataKeyRing', () => {
  it('reads one key or several, newest first', () => {
    expect(parseDataKeyRing(A.toString('base64'))).toEqual([A]);
    expect(parseDataKeyRing(` ${B.toString('hex')} , ${A.toString('base64')} `)).toEqual([B, A]);
  });

  it.each(['', ' , ', `${A.toString('base64')},short`])('rejects %j naming KG_DATA_KEY, not the value', (text) => {
    expect(() => parseDataKeyRing(text)).toThrow(ConfigError);
    expect(() => parseDataKeyRing(text)).toThrow(/KG_DATA_KEY/);
  });
});

describe('createSealer', () => {
  it('seals with the newest key and opens values sealed under an older one', () => {
    const old = createSealer([A]).seal('P@ss-1');
    const ring = createSealer([B, A]);
    expect(ring.open(old)).toBe('P@ss-1');
    const fresh = ring.seal('P@ss-2');
    expect(openSecret(B, fresh)).toBe('P@ss-2');
    expect(() => openSecret(A, fresh)).toThrow(SealedSecretError);
  });

  it('refuses a value no key of the ring opens', () => {
    const stranger = createSealer([randomBytes(32)]).seal('x');
    expect(() => createSealer([B, A]).open(stranger)).toThrow(SealedSecretError);
  });

  it('opens a value it opened before to the same text, and still refuses any altered copy of it', () => {
    const ring = createSealer([B, A]);
    const sealed = ring.seal('P@ss-3');
    expect(ring.open(sealed)).toBe('P@ss-3');
    expect(ring.open(sealed)).toBe('P@ss-3');
    const [prefix, iv, ct] = sealed.split('.') as [string, string, string];
    const flipped = `${prefix}.${iv}.${ct.slice(0, -2)}${ct.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(() => ring.open(flipped)).toThrow(SealedSecretError);
    expect(() => ring.open(flipped)).toThrow(SealedSecretError);
    expect(ring.open(sealed)).toBe('P@ss-3');
  });

  it('keeps opening correctly past the number of values it remembers', () => {
    const ring = createSealer([A]);
    const values = Array.from({ length: 1500 }, (_, i) => [`pw-${i}`, ring.seal(`pw-${i}`)] as const);
    for (const [plain, sealed] of values) expect(ring.open(sealed)).toBe(plain);
    for (const [plain, sealed] of values) expect(ring.open(sealed)).toBe(plain);
  });
});
