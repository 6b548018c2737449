import { describe, expect, it } from 'vitest';
import {
  generatePassword,
  PASSWORD_DIGITS,
  PASSWORD_LENGTH,
  PASSWORD_LOWER,
  PASSWORD_SYMBOLS,
  PASSWORD_UPPER,
} from '../../../shared/provisioning/password';

const SAMPLE_SIZE = 10_000;
const passwords = Array.from({ length: SAMPLE_SIZE }, () => generatePassword());
const has = (set: string) => (p: string) => [...p].some((ch) => set.includes(ch));

describe('generatePassword', () => {
  it(`gives ${PASSWORD_LENGTH} characters every time over ${SAMPLE_SIZE} passwords`, () => {
    expect(passwords.filter((p) => p.length !== PASSWORD_LENGTH)).toEqual([]);
  });

  it.each([
    ['an upper-case letter', PASSWORD_UPPER],
    ['a lower-case letter', PASSWORD_LOWER],
    ['a digit', PASSWORD_DIGITS],
    ['a symbol from the safe set', PASSWORD_SYMBOLS],
  ])('puts at least %s in every one of 10 000 passwords', (_what, set) => {
    expect(passwords.filter((p) => !has(set)(p))).toEqual([]);
  });

  it('uses no character outside the four safe sets', () => {
    const allowed = new Set(PASSWORD_UPPER + PASSWORD_LOWER + PASSWORD_DIGITS + PASSWORD_SYMBOLS);
    const outside = new Set(passwords.flatMap((p) => [...p].filter((ch) => !allowed.has(ch))));
    expect([...outside]).toEqual([]);
  });

  it('fits the V1 encrypted-field budget of 79 UTF-8 bytes', () => {
    expect(Math.max(...passwords.map((p) => Buffer.byteLength(p, 'utf8')))).toBeLessThanOrEqual(79);
  });

  it('never repeats a password in 10 000 draws', () => {
    expect(new Set(passwords).size).toBe(SAMPLE_SIZE);
  });

  it('uses every character of the alphabet somewhere in 10 000 passwords', () => {
    // A biased or truncated draw would leave characters out; 160 000 draws over 65 characters cannot.
    const seen = new Set(passwords.join(''));
    expect(seen.size).toBe((PASSWORD_UPPER + PASSWORD_LOWER + PASSWORD_DIGITS + PASSWORD_SYMBOLS).length);
  });

  it('keeps the safe sets free of quotes, backslash, dollar, percent, ampersand, angle brackets and look-alikes', () => {
    const alphabet = PASSWORD_UPPER + PASSWORD_LOWER + PASSWORD_DIGITS + PASSWORD_SYMBOLS;
    expect([...`'"\`\\$%&<>IOlo01 `].filter((ch) => alphabet.includes(ch))).toEqual([]);
  });
});
