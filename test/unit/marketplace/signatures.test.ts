/**
 * The reference's vectors (platform-and-open-api.md §5.5 AK/SK, §6.3 body signature) reproduced by the code
 * that builds our open-API requests: the URL and headers of query order, and a usage record taken from the
 * merchant's input through normalisation, the wire form and the sorted body.
 */
import { describe, expect, it } from 'vitest';
import { CHINA_ENDPOINT, requestUrl, signedHeaders } from '../../../shared/marketplace/openApiClient';
import { ORDER_QUERY_PATH } from '../../../shared/marketplace/orderQuery';
import { USAGE_DATA_PATH, sortedJson, usageBody, usageBodySignature, usageHeaders } from '../../../shared/marketplace/usageData';
import { toWire } from '../../../shared/usage/push';
import { normalizeUsage } from '../../../shared/usage/record';

const AKSK = { ak: 'AKEXAMPLE', sk: 'SKEXAMPLE', nowMs: Date.UTC(2024, 0, 1, 0, 0, 0) };
const VECTOR_BODY =
  '{"usage_records":[{"begin_time":"20240101T000000Z","end_time":"20240101T010000Z","instance_id":"inst-1","metering_sn":"sn-1","record_time":"20240101T010500Z","usage_value":"12"}]}';
const auth = (signature: string) => `SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature=${signature}`;

/** The vector's record as a merchant reports it, taken through our normalisation. */
function vectorRecord() {
  const n = normalizeUsage({ instanceId: 'inst-1', meteringSn: 'sn-1', usageValue: 12, beginTime: '2024-01-01T00:00:00Z', endTime: '2024-01-01T01:00:00Z' }, Date.UTC(2024, 0, 1, 1, 5, 0));
  return toWire(n.entry.usage, '20240101T010500Z');
}

describe('open API request signing (§5.5 vectors)', () => {
  it('signs query order exactly as the GET vector: URL, content-type, X-Sdk-Date, Authorization', () => {
    const url = requestUrl(CHINA_ENDPOINT, ORDER_QUERY_PATH, { orderId: 'CS1906666666ABCDE' });
    expect(url).toBe('https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/order/query?orderId=CS1906666666ABCDE');
    const headers = signedHeaders({ ...AKSK, method: 'GET', url });
    expect(headers).toEqual({
      'content-type': 'application/json',
      'X-Sdk-Date': '20240101T000000Z',
      Authorization: auth('b2bd76148ba21a87b949298b89aa5255e292de23b09999d972437f8aa197104d'),
    });
  });

  it('writes the usage body of the vector from a reported record, and signs it as the POST vector', () => {
    const body = usageBody([vectorRecord()]);
    expect(body).toBe(VECTOR_BODY);
    const headers = signedHeaders({ ...AKSK, method: 'POST', url: `${CHINA_ENDPOINT}${USAGE_DATA_PATH}`, body });
    expect(headers.Authorization).toBe(auth('38a0148cf2934c18e73738422a3ee040da7c8056032ddef0d10a3455885a86a9'));
  });

  it.each([
    ['the body', { body: VECTOR_BODY.replace('"12"', '"13"') }],
    ['the date', { nowMs: AKSK.nowMs + 1000 }],
    ['the SK', { sk: 'SKEXAMPLF' }],
    ['the path', { url: `${CHINA_ENDPOINT}${USAGE_DATA_PATH}x` }],
  ])('gives another signature when one byte of %s changes', (_n, change) => {
    const headers = signedHeaders({ ...AKSK, method: 'POST', url: `${CHINA_ENDPOINT}${USAGE_DATA_PATH}`, body: VECTOR_BODY, ...change });
    expect(headers.Authorization).not.toBe(auth('38a0148cf2934c18e73738422a3ee040da7c8056032ddef0d10a3455885a86a9'));
  });

  it('signs the body-signature headers too (they are sent, so they are signed)', () => {
    const headers = signedHeaders({ ...AKSK, method: 'POST', url: `${CHINA_ENDPOINT}${USAGE_DATA_PATH}`, body: VECTOR_BODY, extra: { ts: '1', nonce: 'n', signature: 's' } });
    expect(headers.Authorization).toContain('SignedHeaders=content-type;host;nonce;signature;ts;x-sdk-date,');
  });
});

describe('usage body signature (§6.3)', () => {
  it('reproduces the reference value for key ISVKEY, ts 1704070800000 and the example nonce', () => {
    const nonce = '6c63c221-1f6b-4141-8ff4-22f5dfe82b65';
    expect(usageBodySignature('ISVKEY', '1704070800000', nonce, VECTOR_BODY)).toBe('8Y4i7izq1likiCNSn02kD8J+AdSW3UPepGdZ01H4M4s=');
    expect(usageHeaders('ISVKEY', usageBody([vectorRecord()]), 1704070800000, nonce)).toEqual({ ts: '1704070800000', nonce, signature: '8Y4i7izq1likiCNSn02kD8J+AdSW3UPepGdZ01H4M4s=' });
  });

  it.each([
    ['key', 'ISVKEZ', '1704070800000', VECTOR_BODY],
    ['ts', 'ISVKEY', '1704070800001', VECTOR_BODY],
    ['body', 'ISVKEY', '1704070800000', `${VECTOR_BODY} `],
  ])('changes with the %s', (_n, key, ts, body) => {
    expect(usageBodySignature(key, ts, '6c63c221-1f6b-4141-8ff4-22f5dfe82b65', body)).not.toBe('8Y4i7izq1likiCNSn02kD8J+AdSW3UPepGdZ01H4M4s=');
  });

  it('sorts keys at every level and writes compact JSON that JSON.stringify gives back unchanged', () => {
    const text = sortedJson({ z: 1, a: { y: [{ d: 1, c: 'x' }], b: null }, m: 'é/"' });
    expect(text).toBe('{"a":{"b":null,"y":[{"c":"x","d":1}]},"m":"é/\\"","z":1}');
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
  });

  it.each([
    ['an integer-like key (JSON.parse would move it)', { b: 1, 1: 2 }],
    ['a non-finite number', { a: Number.NaN }],
  ])('refuses %s', (_n, value) => {
    expect(() => sortedJson(value)).toThrow(RangeError);
  });
});
