import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AkSkSignError, sdkDate, signAkSk } from '../../../shared/marketplace/akskSigner';

/** An independent SDK-HMAC-SHA256 signer written from the algorithm description, for cross-checks. */
function referenceAuthorization(o: { ak: string; sk: string; method: string; url: string; headers: Record<string, string>; body: string; date: string }): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const u = new URL(o.url);
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers)) h[k.toLowerCase()] = v;
  h['host'] = u.host;
  h['x-sdk-date'] = o.date;
  const names = Object.keys(h).sort();
  let path = u.pathname.split('/').map(enc).join('/');
  if (!path.endsWith('/')) path += '/';
  const query = [...u.searchParams.entries()].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : 1)).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const canonical = [o.method, path, query, names.map((n) => `${n}:${h[n]}\n`).join(''), names.join(';'), sha(o.body)].join('\n');
  const sig = createHmac('sha256', o.sk).update(`SDK-HMAC-SHA256\n${o.date}\n${sha(canonical)}`).digest('hex');
  return `SDK-HMAC-SHA256 Access=${o.ak}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
}

const base = { ak: 'AKEXAMPLE', sk: 'SKEXAMPLE', date: '20240101T000000Z', headers: { 'content-type': 'application/json' } };
const USAGE_BODY =
  '{"usage_records":[{"begin_time":"20240101T000000Z","end_time":"20240101T010000Z","instance_id":"inst-1","metering_sn":"sn-1","record_time":"20240101T010500Z","usage_value":"12"}]}';

describe('signAkSk', () => {
  it.each([
    ['GET query order', 'GET', 'https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/order/query?orderId=CS1906666666ABCDE', undefined,
      'b2bd76148ba21a87b949298b89aa5255e292de23b09999d972437f8aa197104d'],
    ['POST usage data', 'POST', 'https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/isv/usage-data', USAGE_BODY,
      '38a0148cf2934c18e73738422a3ee040da7c8056032ddef0d10a3455885a86a9'],
  ])('reproduces the published vector for %s', (_n, method, url, body, signature) => {
    const headers = signAkSk({ ...base, method, url, body });
    expect(headers['Authorization']).toBe(`SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature=${signature}`);
    expect(headers['X-Sdk-Date']).toBe('20240101T000000Z');
    expect(headers['host']).toBe('mkt.myhuaweicloud.com');
  });

  it.each([
    ['extra headers, upper-case names', 'POST', 'https://mkt.myhuaweicloud.cn/api/v1/x', '{"a":[1,{"b":"c"}]}', { 'Content-Type': 'application/json', 'X-Project-Id': 'p1' }],
    ['several query parameters, encoded values', 'GET', 'https://mkt.myhuaweicloud.com/api/q?z=1&a=x%20y&m=%E5%8D%8E', '', { 'content-type': 'application/json' }],
    ['a repeated query parameter', 'GET', 'https://mkt.myhuaweicloud.com/api/q?a=2&a=1', '', {}],
    ['a non-ASCII body', 'POST', 'https://mkt.myhuaweicloud.com/api/x/', '{"name":"华为"}', { 'content-type': 'application/json' }],
  ])('agrees with an independent implementation: %s', (_n, method, url, body, headers) => {
    const signed = signAkSk({ ...base, method, url, body, headers });
    expect(signed['Authorization']).toBe(referenceAuthorization({ ...base, method, url, body, headers }));
  });

  it.each([
    ['a body that is not JSON', 'a=1'],
    ['a body with whitespace JSON.stringify would drop', '{"a": 1}'],
    ['a body whose integer-like keys JSON would reorder', '{"b":1,"1":2}'],
    ['a JSON string body', '"text"'],
    ['a JSON number body', '0'],
  ])('refuses %s, since the SDK would sign other bytes', (_n, body) => {
    expect(() => signAkSk({ ...base, method: 'POST', url: 'https://h/x', body })).toThrow(AkSkSignError);
  });

  it.each(['2024-01-01T00:00:00Z', '20240101T000000', 'now'])('refuses the date %j', (date) => {
    expect(() => signAkSk({ ...base, date, method: 'GET', url: 'https://h/x' })).toThrow(AkSkSignError);
  });

  it('uses the current time in the X-Sdk-Date format when no date is given', () => {
    const headers = signAkSk({ ak: 'a', sk: 's', method: 'GET', url: 'https://h/x', headers: {} });
    expect(headers['X-Sdk-Date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(sdkDate(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('20240102T030405Z');
  });

  it('never puts the SK in the headers', () => {
    const headers = signAkSk({ ...base, sk: 'VERY-SECRET-SK', method: 'GET', url: 'https://h/x' });
    expect(JSON.stringify(headers)).not.toContain('VERY-SECRET-SK');
  });
});
