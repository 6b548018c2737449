import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/core/errors';
import { generateDataKey, isSealed, openSecret, parseDataKey, sealSecret, SealedSecretError } from '../../../shared/security/dataSeal';

const key = parseDataKey(generateDataKey());

describe('parseDataKey', () => {
  const raw = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
  it.each([
    ['base64', raw.toString('base64')],
    ['base64url', raw.toString('base64url')],
    ['hex', raw.toString('hex')],
    ['upper-case hex with spaces around', `  ${raw.toString('hex').toUpperCase()}\n`],
  ])('reads 32 bytes from %s', (_n, text) => {
    expect(parseDataKey(text)).toEqual(raw);
  });

  it.each(['', 'short', Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64'), 'g'.repeat(64)])(
    'throws a ConfigError naming KG_DATA_KEY for %j, without echoing it',
    (text) => {
      expect(() => parseDataKey(text)).toThrow(ConfigError);
      expect(() => parseDataKey(text)).toThrow(/KG_DATA_KEY/);
      if (text.length > 4) expect(() => parseDataKey(text)).not.toThrow(new RegExp(text.slice(0, 8)));
    },
  );
});

describe('sealSecret', () => {
  it('round-trips text, each seal with a fresh IV', () => {
    const a = sealSecret(key, 'pässwörd 密码');
    const b = sealSecret(key, 'pässwörd 密码');
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(openSecret(key, a)).toBe('pässwörd 密码');
    expect(a).not.toContain('pässwörd');
  });

  it('writes standard AES-256-GCM that an independent decipher opens', () => {
    const sealed = sealSecret(key, 'hello');
    const [, iv = '', data = ''] = sealed.split('.');
    const bytes = Buffer.from(data, 'base64url');
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from('gcm1'));
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    expect(Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString()).toBe('hello');
  });

  it('round-trips the empty string', () => {
    expect(openSecret(key, sealSecret(key, ''))).toBe('');
  });
});

describe('openSecret', () => {
  const sealed = sealSecret(key, 'secret');
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

  it.each([
    ['a changed IV', flip(sealed, 6)],
    ['a changed ciphertext', flip(sealed, sealed.length - 30)],
    ['a changed tag', flip(sealed, sealed.length - 2)],
    ['another version prefix', sealed.replace('gcm1', 'gcm2')],
    ['a truncated value', sealed.slice(0, -4)],
    ['plain text', 'secret'],
  ])('throws SealedSecretError for %s', (_n, value) => {
    expect(() => openSecret(key, value)).toThrow(SealedSecretError);
  });

  it('throws SealedSecretError under another key', () => {
    expect(() => openSecret(parseDataKey(generateDataKey()), sealed)).toThrow(SealedSecretError);
  });
});
