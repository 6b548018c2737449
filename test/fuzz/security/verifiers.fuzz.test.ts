import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signKit, verifyKitSignature } from '../../../shared/security/kitSignature';
import { signV1AuthToken, verifyV1AuthToken } from '../../../shared/security/v1AuthToken';
import { signV2, verifyV2Signature } from '../../../shared/security/v2Signature';
import { tryVerify, type VerifyResult } from '../../../shared/security/verifyResult';

const RUNS = 10_000;
const NOW = 1_700_000_000_000;

function isRejection(r: VerifyResult): boolean {
  return !r.ok && (r.resultCode === '000001' || r.resultCode === '000002') && typeof r.reason === 'string';
}

const text = fc.string({ unit: 'binary', maxLength: 24 });
const key = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
const nonce = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 });
const offsetMs = fc.integer({ min: -60_000, max: 60_000 });
/** A flat or nested JSON object body, as text, with one member that will be changed. */
const body = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((o) => ({ ...o, activity: 'newInstance' }));
const hostileQuery = fc.dictionary(fc.constantFrom('signature', 'timestamp', 'nonce', 'x', '__proto__'), fc.oneof(text, fc.constant(String(NOW)), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 64, maxLength: 64 })));

/** One change to a signed request; each must make it fail. */
type Mutation = 'key' | 'nonce' | 'timestamp' | 'stale' | 'body';
const mutation = fc.constantFrom<Mutation>('key', 'nonce', 'timestamp', 'stale', 'body');

describe.each([
  ['verifyV2Signature', signV2, (b: string, ts: string, n: string, sig: string, keys: string[]) =>
    tryVerify(() => verifyV2Signature({ body: b, query: { signature: sig, timestamp: ts, nonce: n }, keys, nowMs: NOW }))],
  ['verifyKitSignature', signKit, (b: string, ts: string, n: string, sig: string, keys: string[]) =>
    tryVerify(() => verifyKitSignature({ body: b, headers: { 'x-sign': sig, 'x-timestamp': ts, 'x-nonce': n }, keys, nowMs: NOW }))],
] as const)('%s', (_name, sign, verify) => {
  it('never throws and rejects hostile input only with 000001 or 000002', () => {
    fc.assert(
      fc.property(hostileQuery, fc.oneof(text, fc.json()), fc.array(key, { maxLength: 3 }), (q, b, keys) => {
        const r = verify(b, q['timestamp'] ?? '', q['nonce'] ?? '', q['signature'] ?? '', keys);
        if (!r.ok) expect(isRejection(r)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts a signed request and rejects it after any one change to key, nonce, timestamp or body', () => {
    fc.assert(
      fc.property(key, nonce, offsetMs, body, mutation, key, (k, n, off, obj, m, otherKey) => {
        const ts = String(NOW + off);
        const b = JSON.stringify(obj);
        const sig = sign({ key: k, nonce: n, timestamp: ts, body: b });
        expect(verify(b, ts, n, sig.toUpperCase(), [k])).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
        let r: VerifyResult;
        switch (m) {
          case 'key':
            fc.pre(otherKey !== k);
            r = verify(b, ts, n, sig, [otherKey]);
            break;
          case 'nonce': r = verify(b, ts, `${n}x`, sig, [k]); break;
          case 'timestamp': r = verify(b, String(NOW + off + (off > 0 ? -1 : 1)), n, sig, [k]); break;
          case 'stale': r = verify(b, String(NOW - 61_000 - Math.abs(off)), n, sig, [k]); break;
          case 'body': r = verify(JSON.stringify({ ...obj, activity: 'releaseInstance' }), ts, n, sig, [k]); break;
        }
        expect(isRejection(r)).toBe(true);
        expect(r).toMatchObject({ resultCode: m === 'stale' ? '000002' : '000001' });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('verifyV1AuthToken', () => {
  const params = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== 'authToken' && s !== 'timeStamp'), text, { maxKeys: 6 });

  it('never throws and rejects hostile input only with 000001 or 000002', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom('authToken', 'timeStamp'), text), text), fc.array(key, { maxLength: 3 }), (p, keys) => {
        const r = tryVerify(() => verifyV1AuthToken({ params: p, keys }));
        if (!r.ok) expect(isRejection(r)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts a signed call and rejects it after any one change to key, timeStamp, a value or the token', () => {
    fc.assert(
      fc.property(key, params, fc.constantFrom('key', 'timeStamp', 'value', 'token'), key, (k, p, m, otherKey) => {
        const signed: Record<string, string> = { ...p, timeStamp: '20240101080000123' };
        const token = signV1AuthToken({ key: k, params: signed });
        expect(tryVerify(() => verifyV1AuthToken({ params: { ...signed, authToken: token }, keys: [k] }))).toEqual({ ok: true, keyIndex: 0 });
        let r: VerifyResult;
        if (m === 'key') {
          fc.pre(otherKey !== k);
          r = tryVerify(() => verifyV1AuthToken({ params: { ...signed, authToken: token }, keys: [otherKey] }));
        } else if (m === 'timeStamp') {
          r = tryVerify(() => verifyV1AuthToken({ params: { ...signed, timeStamp: '20240101080000124', authToken: token }, keys: [k] }));
        } else if (m === 'value') {
          r = tryVerify(() => verifyV1AuthToken({ params: { ...signed, activity: `${signed['activity'] ?? ''}x`, authToken: token }, keys: [k] }));
        } else {
          r = tryVerify(() => verifyV1AuthToken({ params: { ...signed, authToken: token.slice(1) }, keys: [k] }));
        }
        expect(r).toMatchObject({ ok: false, resultCode: '000001' });
      }),
      { numRuns: RUNS },
    );
  });
});
