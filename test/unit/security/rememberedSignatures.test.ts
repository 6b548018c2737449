import { describe, expect, it } from 'vitest';
import { rememberingPerKey } from '../../../shared/core/boundedMap';
import { signV2, verifyV2Signature } from '../../../shared/security/v2Signature';
import { tryVerify } from '../../../shared/security/verifyResult';
import { opensslV2 } from './independent';

describe('rememberingPerKey', () => {
  it('gives what compute gives, per key, and computes a remembered message once', () => {
    const calls: string[] = [];
    const memo = rememberingPerKey((key, message) => {
      calls.push(`${key}/${message}`);
      return `${key}:${message}`;
    }, 3, 2);
    expect([memo('a', 'x'), memo('a', 'x'), memo('b', 'x'), memo('b', 'x')]).toEqual(['a:x', 'a:x', 'b:x', 'b:x']);
    expect(calls).toEqual(['a/x', 'b/x']);
  });

  it('keeps at most its bound of messages and keys, the oldest forgotten first, and stays right past it', () => {
    const calls: string[] = [];
    const memo = rememberingPerKey((key, message) => {
      calls.push(`${key}/${message}`);
      return `${key}:${message}`;
    }, 3, 2);
    for (const m of ['1', '2', '3', '4']) memo('a', m);
    expect(memo('a', '1')).toBe('a:1'); // forgotten: computed again
    expect(memo('a', '4')).toBe('a:4'); // remembered
    memo('b', '1');
    memo('c', '1'); // a third key: a's results are forgotten
    expect(memo('a', '4')).toBe('a:4');
    expect(calls).toEqual(['a/1', 'a/2', 'a/3', 'a/4', 'a/1', 'b/1', 'c/1', 'a/4']);
  });
});

describe('verifyV2Signature with its inner HMAC remembered', () => {
  const NOW = 1_700_000_000_000;
  const BODY = '{"activity":"queryInstance","instanceId":"abc"}';
  const query = (key: string, nonce: string) => ({ signature: signV2({ key, nonce, timestamp: String(NOW), body: BODY }), timestamp: String(NOW), nonce });

  it('accepts the same body again under new nonces, with the signature an independent implementation makes', () => {
    for (let i = 0; i < 5; i++) {
      const q = query('key-one', `nonce-${i}`);
      expect(q.signature).toBe(opensslV2('key-one', `nonce-${i}`, String(NOW), BODY));
      expect(tryVerify(() => verifyV2Signature({ body: BODY, query: q, keys: ['key-one'], nowMs: NOW, rememberPayload: true }))).toMatchObject({ ok: true, keyIndex: 0 });
    }
  });

  it('still refuses a wrong signature, another key\'s signature and another nonce on a remembered body', () => {
    const good = query('key-one', 'n1');
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: good, keys: ['key-one'], nowMs: NOW, rememberPayload: true })).ok).toBe(true);
    const flipped = { ...good, signature: `${good.signature.slice(0, -1)}${good.signature.endsWith('0') ? '1' : '0'}` };
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: flipped, keys: ['key-one'], nowMs: NOW, rememberPayload: true })).ok).toBe(false);
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: query('key-two', 'n1'), keys: ['key-one'], nowMs: NOW, rememberPayload: true })).ok).toBe(false);
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: { ...good, nonce: 'n2' }, keys: ['key-one'], nowMs: NOW, rememberPayload: true })).ok).toBe(false);
    // The ring finds the key that signed, the remembered inner HMAC of the other key notwithstanding.
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: query('key-two', 'n3'), keys: ['key-one', 'key-two'], nowMs: NOW, rememberPayload: true }))).toMatchObject({ ok: true, keyIndex: 1 });
  });
});
