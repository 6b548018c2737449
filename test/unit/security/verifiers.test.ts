import { tryVerify } from '../../../shared/security/verifyResult';
import { describe, expect, it } from 'vitest';
import { signKit, verifyKitSignature } from '../../../shared/security/kitSignature';
import { signV2, verifyV2Signature } from '../../../shared/security/v2Signature';
import { opensslV2 } from './independent';

const KEY = 'test-access-key-0001';
const OLD_KEY = 'old-access-key-0000';
const NONCE = 'AbCdEf0123456789AbCdEf0123456789';
const NOW = 1_700_000_000_000;
const TS = String(NOW);
const BODY = '{"activity":"queryInstance","instanceId":"i-1","testFlag":"1"}';
const SIG = signV2({ key: KEY, nonce: NONCE, timestamp: TS, body: BODY });

type Query = Record<string, string>;
const q = (over: Partial<Record<'signature' | 'timestamp' | 'nonce', string | undefined>>): Query => {
  const base: Record<string, string | undefined> = { signature: SIG, timestamp: TS, nonce: NONCE, ...over };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Query;
};
const signedAt = (ms: number): Query => ({ signature: signV2({ key: KEY, nonce: NONCE, timestamp: String(ms), body: BODY }), timestamp: String(ms), nonce: NONCE });

describe('verifyV2Signature', () => {
  it('accepts a signature computed independently with OpenSSL', () => {
    const payload = '{"activity":"queryInstance","instanceId":"i-1","testFlag":"1"}';
    const query = { signature: opensslV2(KEY, NONCE, TS, payload), timestamp: TS, nonce: NONCE };
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query, keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });

  it.each<[string, Query, string, '000001' | '000002']>([
    ['a wrong signature', q({ signature: SIG.replace(/^./, SIG[0] === 'a' ? 'b' : 'a') }), BODY, '000001'],
    ['a missing signature', q({ signature: undefined }), BODY, '000001'],
    ['an empty signature', q({ signature: '' }), BODY, '000001'],
    ['a truncated signature', q({ signature: SIG.slice(0, 63) }), BODY, '000001'],
    ['a timestamp 61 s old', signedAt(NOW - 61_000), BODY, '000002'],
    ['a timestamp 61 s in the future', signedAt(NOW + 61_000), BODY, '000002'],
    ['a missing timestamp', q({ timestamp: undefined }), BODY, '000002'],
    ['a timestamp that is not a number', q({ timestamp: '17e11' }), BODY, '000002'],
    ['a negative timestamp', q({ timestamp: '-1700000000000' }), BODY, '000002'],
    ['a missing nonce', q({ nonce: undefined }), BODY, '000002'],
    ['an empty nonce', q({ nonce: '' }), BODY, '000002'],
    ['a body that is not JSON', q({}), 'activity=queryInstance', '000002'],
    ['a body that is a JSON array', q({}), '[]', '000002'],
    ['a changed body', q({}), BODY.replace('i-1', 'i-2'), '000001'],
    ['a changed nonce', q({ nonce: `${NONCE}x` }), BODY, '000001'],
    ['a changed timestamp', q({ timestamp: String(NOW + 1) }), BODY, '000001'],
  ])('rejects %s', (_name, query, body, code) => {
    const r = tryVerify(() => verifyV2Signature({ body, query, keys: [KEY], nowMs: NOW }));
    expect(r).toMatchObject({ ok: false, resultCode: code });
  });

  it.each([
    ['60 s old', NOW - 60_000],
    ['60 s in the future', NOW + 60_000],
  ])('accepts a timestamp %s (the window is inclusive)', (_n, ms) => {
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: signedAt(ms), keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });

  it('accepts a 10-digit timestamp in seconds', () => {
    const ts = String(NOW / 1000 - 30);
    const query = { signature: signV2({ key: KEY, nonce: NONCE, timestamp: ts, body: BODY }), timestamp: ts, nonce: NONCE };
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query, keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });

  it('honours a custom window (ms)', () => {
    const r = tryVerify(() => verifyV2Signature({ body: BODY, query: signedAt(NOW - 10_000), keys: [KEY], nowMs: NOW, windowMs: 5_000 }));
    expect(r).toMatchObject({ ok: false, resultCode: '000002' });
  });

  it('checks the timestamp before the nonce and the nonce before the signature', () => {
    expect(tryVerify(() => verifyV2Signature({ body: 'x', query: {}, keys: [KEY], nowMs: NOW }))).toMatchObject({ resultCode: '000002', reason: expect.stringMatching(/timestamp/) });
    expect(tryVerify(() => verifyV2Signature({ body: 'x', query: { timestamp: TS }, keys: [KEY], nowMs: NOW }))).toMatchObject({ resultCode: '000002', reason: expect.stringMatching(/nonce/) });
    expect(tryVerify(() => verifyV2Signature({ body: 'x', query: { timestamp: TS, nonce: NONCE }, keys: [KEY], nowMs: NOW }))).toMatchObject({ resultCode: '000001' });
  });

  it('names the ring index of the key that matched, newest first', () => {
    const oldSig = signV2({ key: OLD_KEY, nonce: NONCE, timestamp: TS, body: BODY });
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: q({ signature: oldSig }), keys: [KEY, OLD_KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 1, payloadForm: 'canonical' });
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: q({}), keys: [KEY, OLD_KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });

  it.each([[[]], [['']], [['', 'other']]])('rejects with 000001 when the ring %j has no usable key', (keys) => {
    expect(tryVerify(() => verifyV2Signature({ body: BODY, query: q({}), keys, nowMs: NOW }))).toMatchObject({ ok: false, resultCode: '000001' });
  });

  it('never puts a key or the expected signature in its reason', () => {
    const r = tryVerify(() => verifyV2Signature({ body: BODY, query: q({ signature: 'f'.repeat(64) }), keys: [KEY], nowMs: NOW }));
    expect(r.ok).toBe(false);
    const reason = r.ok ? '' : r.reason;
    expect(reason).not.toContain(KEY);
    expect(reason).not.toContain(SIG);
  });
});

describe('verifyKitSignature', () => {
  const body = '{"tenantId":"t-1","flag":1,"testFlag":0,"instanceId":"i-1"}';
  const xsign = signKit({ key: KEY, nonce: NONCE, timestamp: TS, body });
  const headers = (over: Record<string, string | undefined>): Record<string, string> =>
    Object.fromEntries(Object.entries({ 'x-sign': xsign, 'x-timestamp': TS, 'x-nonce': NONCE, ...over }).filter(([, v]) => v !== undefined)) as Record<string, string>;

  it('accepts its own x-sign in upper case', () => {
    expect(tryVerify(() => verifyKitSignature({ body, headers: headers({ 'x-sign': xsign.toUpperCase() }), keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });

  it('does not accept a V2 basic signature (no inner HMAC in the kit scheme)', () => {
    const basic = signV2({ key: KEY, nonce: NONCE, timestamp: TS, body });
    expect(tryVerify(() => verifyKitSignature({ body, headers: headers({ 'x-sign': basic }), keys: [KEY], nowMs: NOW }))).toMatchObject({ resultCode: '000001' });
  });

  it.each<[string, Record<string, string | undefined>, '000001' | '000002']>([
    ['a wrong x-sign', { 'x-sign': '0'.repeat(64) }, '000001'],
    ['a missing x-sign', { 'x-sign': undefined }, '000001'],
    ['a missing x-timestamp', { 'x-timestamp': undefined }, '000002'],
    ['a missing x-nonce', { 'x-nonce': undefined }, '000002'],
    ['an x-timestamp 61 s old', { 'x-timestamp': String(NOW - 61_000) }, '000002'],
    ['an x-timestamp 61 s in the future', { 'x-timestamp': String(NOW + 61_000) }, '000002'],
  ])('rejects %s', (_n, over, code) => {
    expect(tryVerify(() => verifyKitSignature({ body, headers: headers(over), keys: [KEY], nowMs: NOW }))).toMatchObject({ ok: false, resultCode: code });
  });

  it('rejects a body whose number literal changed (1 vs 1.0)', () => {
    expect(tryVerify(() => verifyKitSignature({ body: body.replace('"flag":1', '"flag":1.0'), headers: headers({}), keys: [KEY], nowMs: NOW }))).toMatchObject({ resultCode: '000001' });
  });

  it('accepts the same body with members reordered and whitespace added', () => {
    const reordered = '{ "instanceId": "i-1", "testFlag": 0, "flag": 1, "tenantId": "t-1" }';
    expect(tryVerify(() => verifyKitSignature({ body: reordered, headers: headers({}), keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });
});
