import { tryVerify } from '../../../shared/security/verifyResult';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { payloadForms } from '../../../shared/security/canonicalJson';
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
