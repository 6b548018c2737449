import { tryVerify } from '../../../shared/security/verifyResult';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalPayload, flatCanonicalPayload, payloadForms } from '../../../shared/security/canonicalJson';
import { verifyV2Signature } from '../../../shared/security/v2Signature';

const KEY = 'test-access-key-0001';
const NOW = 1_680_508_066_618;
const NONCE = 'N0NCE';

/** The V2 signature over a payload string, computed here with node:crypto directly. */
function v2Over(payload: string): string {
  const inner = createHmac('sha256', KEY).update(payload).digest('hex');
  return createHmac('sha256', KEY).update(KEY + NONCE + String(NOW) + inner).digest('hex');
}

const NESTED = '{"productInfo":{"skuCode":"s","productId":"p","productName":"n"},"instanceId":"i","activity":"changeInstanceCheck"}';
const CANONICAL = '{"activity":"changeInstanceCheck","instanceId":"i","productInfo":{"skuCode":"s","productId":"p","productName":"n"}}';
const DEEP_SORTED = '{"activity":"changeInstanceCheck","instanceId":"i","productInfo":{"productId":"p","productName":"n","skuCode":"s"}}';

describe('payloadForms', () => {
  it('gives one form for a flat body that is already canonical', () => {
    expect(payloadForms('{"a":"1","b":"2"}')).toEqual([{ form: 'canonical', payload: '{"a":"1","b":"2"}' }]);
  });

  it('gives canonical, deep-sorted and raw forms for a nested body sent unsorted', () => {
    expect(payloadForms(NESTED)).toEqual([
      { form: 'canonical', payload: CANONICAL },
      { form: 'deep-sorted', payload: DEEP_SORTED },
      { form: 'raw', payload: NESTED },
    ]);
  });
});

describe('verifyV2Signature with a nested body', () => {
  const query = (signature: string) => ({ signature, timestamp: String(NOW), nonce: NONCE });

  it.each([
    ['canonical', CANONICAL],
    ['deep-sorted', DEEP_SORTED],
    ['raw', NESTED],
  ] as const)('accepts a signature over the %s form and says which form matched', (form, payload) => {
    expect(tryVerify(() => verifyV2Signature({ body: NESTED, query: query(v2Over(payload)), keys: [KEY], nowMs: NOW }))).toEqual({ ok: true, keyIndex: 0, payloadForm: form });
  });

  it('rejects a signature over any other form (nested keys in reverse order)', () => {
    const reversed = '{"activity":"changeInstanceCheck","instanceId":"i","productInfo":{"skuCode":"s","productName":"n","productId":"p"}}';
    expect(tryVerify(() => verifyV2Signature({ body: NESTED, query: query(v2Over(reversed)), keys: [KEY], nowMs: NOW }))).toMatchObject({ ok: false, resultCode: '000001' });
  });
});

describe('flatCanonicalPayload, the fast path of payloadForms', () => {
  const flatKey = fc.oneof(fc.constantFrom('activity', 'orderId', 'orderLineId', 'businessId', 'testFlag', '__proto__', '10', '9', 'é', 'ä', '😀'), fc.string({ maxLength: 8 }));
  const flatValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '/', 'a"b', 'a\\b', '\n', 'é😀', '\u2028'), fc.boolean(), fc.constant(null), fc.integer(), fc.constantFrom(1.5, 1e21));
  /** A flat body as text, keys possibly repeated, spacing and escaping varied, as a sender might write it. */
  const flatBody = fc.tuple(fc.array(fc.tuple(flatKey, flatValue), { maxLength: 8 }), fc.boolean(), fc.boolean()).map(([members, spaced, escapeSlash]) => {
    const text = (v: unknown) => (escapeSlash && typeof v === 'string' ? JSON.stringify(v).replaceAll('/', '\\/') : JSON.stringify(v));
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${spaced ? ' ' : ''}${text(v)}`).join(spaced ? ', ' : ',')}}`;
  });

  it('gives exactly the canonical payload whenever it gives one (property)', () => {
    let taken = 0;
    fc.assert(
      fc.property(flatBody, (body) => {
        const fast = flatCanonicalPayload(body);
        if (fast === undefined) return;
        taken += 1;
        expect(fast).toBe(canonicalPayload(body));
      }),
      { numRuns: 20_000 },
    );
    // The property would hold vacuously if the fast path never answered.
    expect(taken).toBeGreaterThan(1000);
  });

  it('sorts bodies of any number of keys as the exact path does (short ones by its own sort, long ones by the built-in)', () => {
    for (const count of [0, 1, 2, 31, 32, 33, 200]) {
      const members = Array.from({ length: count }, (_, i) => [`k${(i * 7919) % 1009}-${['z', 'y', 'x', 'é', '😀'][i % 5]}`, `v${i}`] as const);
      const body = JSON.stringify(Object.fromEntries(members));
      expect(flatCanonicalPayload(body)).toBe(canonicalPayload(body));
    }
  });

  it('leaves to the exact path a repeated key, a number, nesting and any escape', () => {
    for (const body of ['{"a":"1","a":"2"}', '{"a":null,"a":"2"}', '{"a":1}', '{"a":{"b":"c"}}', '{"a":["b"]}', '{"a":"\\/"}', '{"a":"\\u0041"}', '\ufeff{"a":"b"}', '[]', 'null', '{"a":']) {
      expect(flatCanonicalPayload(body)).toBeUndefined();
    }
    expect(flatCanonicalPayload('{ "b" : "2", "a" : "1", "n" : null, "t" : true }')).toBe('{"a":"1","b":"2","t":true}');
  });
});
