import { describe, expect, it } from 'vitest';
import { signV2, verifyV2Signature } from '../../../shared/security/v2Signature';
import { tryVerify } from '../../../shared/security/verifyResult';
import { opensslV2 } from './independent';

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
