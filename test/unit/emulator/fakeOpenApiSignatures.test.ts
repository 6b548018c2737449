/**
 * The fake open API's own AK/SK verifier and body-signature code against the reference vectors
 * (platform-and-open-api.md §5.5, §6.3), against the server's signer (shared/marketplace/akskSigner.ts,
 * the SDK's AKSKSigner), and under every one-byte change of what is signed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, signAkSkRequest, verifyAkSk, type AkSkRequest } from '../../../infra/emulator/fakeOpenApi/akskVerifier';
import { sortedJson, usageBodySignature, verifyUsageBodySignature } from '../../../infra/emulator/fakeOpenApi/bodySignature';
import { FakeOpenApi, OPENAPI_PATHS, type FakeRequest } from '../../../infra/emulator/fakeOpenApi/fakeOpenApi';
import { sdkDate, signAkSk } from '../../../shared/marketplace/akskSigner';

const VECTOR_NOW = Date.UTC(2024, 0, 1, 0, 0, 0);
const VECTOR_DATE = '20240101T000000Z';
const VECTOR_BODY = '{"usage_records":[{"begin_time":"20240101T000000Z","end_time":"20240101T010000Z","instance_id":"inst-1","metering_sn":"sn-1","record_time":"20240101T010500Z","usage_value":"12"}]}';
const VECTOR_CREDENTIALS = { ak: 'AKEXAMPLE', sk: 'SKEXAMPLE' };

function vectorRequest(method: 'GET' | 'POST', path: string, query: string, body: string, signature: string): AkSkRequest {
  return {
    method,
    path,
    query,
    headers: {
      'content-type': 'application/json',
      host: 'mkt.myhuaweicloud.com',
      'x-sdk-date': VECTOR_DATE,
      authorization: `SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature=${signature}`,
    },
    body: Buffer.from(body, 'utf8'),
  };
}

const GET_SIGNATURE = 'b2bd76148ba21a87b949298b89aa5255e292de23b09999d972437f8aa197104d';
const POST_SIGNATURE = '38a0148cf2934c18e73738422a3ee040da7c8056032ddef0d10a3455885a86a9';

describe('§5.5 AK/SK vectors with the fake open API verifier', () => {
  it.each([
    ['GET order query', 'GET' as const, OPENAPI_PATHS.orderQuery, 'orderId=CS1906666666ABCDE', '', GET_SIGNATURE],
    ['POST usage data', 'POST' as const, OPENAPI_PATHS.usageData, '', VECTOR_BODY, POST_SIGNATURE],
  ])('%s verifies, and its own signer reproduces the signature', (_name, method, path, query, body, signature) => {
    const req = vectorRequest(method, path, query, body, signature);
    expect(verifyAkSk(req, { ...VECTOR_CREDENTIALS, nowMs: VECTOR_NOW })).toMatchObject({ ok: true, ak: 'AKEXAMPLE', signedHeaders: ['content-type', 'host', 'x-sdk-date'] });
    const url = `https://mkt.myhuaweicloud.com${path}${query ? `?${query}` : ''}`;
    const signed = signAkSkRequest({ ...VECTOR_CREDENTIALS, method, url, headers: { 'Content-Type': 'application/json' }, body, date: VECTOR_DATE });
    expect(signed.authorization).toBe(`SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature=${signature}`);
  });

  it('refuses the vectors with another SK, another AK, a flipped signature digit or a stale date', () => {
    const req = vectorRequest('GET', OPENAPI_PATHS.orderQuery, 'orderId=CS1906666666ABCDE', '', GET_SIGNATURE);
    expect(verifyAkSk(req, { ak: 'AKEXAMPLE', sk: 'SKEXAMPLF', nowMs: VECTOR_NOW })).toMatchObject({ ok: false, reason: 'signature does not match the request' });
    expect(verifyAkSk(req, { ak: 'AKOTHER', sk: 'SKEXAMPLE', nowMs: VECTOR_NOW })).toMatchObject({ ok: false, reason: 'unknown access key' });
    const flipped = vectorRequest('GET', OPENAPI_PATHS.orderQuery, 'orderId=CS1906666666ABCDE', '', `${GET_SIGNATURE.slice(0, -1)}e`);
    expect(verifyAkSk(flipped, { ...VECTOR_CREDENTIALS, nowMs: VECTOR_NOW }).ok).toBe(false);
    expect(verifyAkSk(req, { ...VECTOR_CREDENTIALS, nowMs: VECTOR_NOW + 16 * 60_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/X-Sdk-Date is 960 s away/) });
  });

  it('refuses UNSIGNED-PAYLOAD and an upper-case signature', () => {
    const req = vectorRequest('POST', OPENAPI_PATHS.usageData, '', VECTOR_BODY, POST_SIGNATURE);
    expect(verifyAkSk({ ...req, headers: { ...req.headers, 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' } }, { ...VECTOR_CREDENTIALS, nowMs: VECTOR_NOW }).ok).toBe(false);
    expect(verifyAkSk({ ...req, headers: { ...req.headers, authorization: req.headers.authorization?.toUpperCase() } }, { ...VECTOR_CREDENTIALS, nowMs: VECTOR_NOW }).ok).toBe(false);
  });

  it('builds the canonical query of §5.2: keys sorted, values of a key sorted, RFC 3986 encoding', () => {
    expect(canonicalQuery('b=2&a=x+y&a=%C3%A9&c=*~')).toBe('a=x%20y&a=%C3%A9&b=2&c=%2A~');
  });
});

describe('§6.3 usage body signature with the fake open API code', () => {
  const ts = '1704070800000';
  const nonce = '6c63c221-1f6b-4141-8ff4-22f5dfe82b65';

  it('reproduces the reference value for the example body and key ISVKEY, and verifies it', () => {
    expect(usageBodySignature('ISVKEY', ts, nonce, VECTOR_BODY)).toBe('8Y4i7izq1likiCNSn02kD8J+AdSW3UPepGdZ01H4M4s=');
    expect(verifyUsageBodySignature({ key: 'ISVKEY', ts, nonce, body: VECTOR_BODY, signature: '8Y4i7izq1likiCNSn02kD8J+AdSW3UPepGdZ01H4M4s=' })).toBe(true);
    expect(sortedJson(JSON.parse(VECTOR_BODY))).toBe(VECTOR_BODY);
  });

  it('refuses another key, ts, nonce or body', () => {
    const signature = '8Y4i7izq1likiCNSn02kD8J+AdSW3UPepGdZ01H4M4s=';
    for (const change of [{ key: 'ISVKEY2' }, { ts: '1704070800001' }, { nonce: `${nonce}0` }, { body: `${VECTOR_BODY} ` }]) {
      expect(verifyUsageBodySignature({ key: 'ISVKEY', ts, nonce, body: VECTOR_BODY, signature, ...change })).toBe(false);
    }
  });
});

// -------------------------------------------------------------------------------------------------
// Requests signed by the server's signer (the SDK's AKSKSigner behind shared/marketplace/akskSigner.ts).
// -------------------------------------------------------------------------------------------------

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const AK = 'AKSERVERSIDE0001';
const SK = 'sk-server-side-0001';
const KEY = 'basic-interface-key-0001';
const HOST = '127.0.0.1:9100';

/** Node hands header names over in lower case. */
function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function serverSignedQuery(query: string): FakeRequest {
  const headers = signAkSk({ ak: AK, sk: SK, method: 'GET', url: `http://${HOST}${OPENAPI_PATHS.orderQuery}?${query}`, headers: { 'content-type': 'application/json' }, date: sdkDate(NOW) });
  return { method: 'GET', path: OPENAPI_PATHS.orderQuery, query, headers: lower(headers), body: Buffer.alloc(0) };
}

function serverSignedUsage(body: string, nonce = '2b0c7f47-4d0e-4a43-9d55-8c1f0c3c0a11'): FakeRequest {
  const ts = String(NOW);
  const signature = usageBodySignature(KEY, ts, nonce, body);
  const headers = signAkSk({ ak: AK, sk: SK, method: 'POST', url: `http://${HOST}${OPENAPI_PATHS.usageData}`, headers: { 'content-type': 'application/json', ts, nonce, signature }, body, date: sdkDate(NOW) });
  return { method: 'POST', path: OPENAPI_PATHS.usageData, query: '', headers: lower(headers), body: Buffer.from(body, 'utf8') };
}

const fake = () => new FakeOpenApi({ ak: AK, sk: SK, key: KEY, now: () => NOW });

const wireTime = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

const recordArb = fc.record({
  instance_id: fc.stringMatching(/^[a-z0-9]{1,32}$/),
  metering_sn: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  usage_value: fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 9999 })).map(([i, d]) => `${i}.${String(d).padStart(4, '0')}`),
  hoursAgo: fc.integer({ min: 1, max: 20 * 24 }),
  pkg: fc.option(fc.stringMatching(/^[a-z0-9]{1,16}$/), { nil: undefined }),
}).map(({ hoursAgo, pkg, ...r }) => {
  const begin = NOW - hoursAgo * 3_600_000;
  return { ...r, begin_time: wireTime(begin), end_time: wireTime(begin + 3_600_000), record_time: wireTime(NOW), ...(pkg ? { relate_pkg_instance: pkg } : {}) };
});

const bodyArb = fc.array(recordArb, { minLength: 1, maxLength: 4 }).map((records) => sortedJson({ usage_records: records }));
const queryArb = fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{1,40}$/), fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/), { nil: undefined }))
  .map(([orderId, line]) => (line ? `orderId=${orderId}&orderLineId=${line}` : `orderId=${orderId}`));

/** Replaces the byte at `at` (modulo the length) of `text` with `byte`, or undefined when that is no change. */
function mutate(text: string, at: number, byte: number): string | undefined {
  const bytes = Buffer.from(text, 'latin1');
  const i = at % bytes.length;
  if (bytes[i] === byte) return undefined;
  bytes[i] = byte;
  return bytes.toString('latin1');
}

type Part = 'body' | 'query' | 'header-value' | 'header-name' | 'authorization';

/** One byte of one signed part changed, the way node would hand the request over; undefined when no change. */
function mutated(req: FakeRequest, part: Part, pick: number, at: number, byte: number): FakeRequest | undefined {
  const signed = /SignedHeaders=([^,]+)/.exec(req.headers.authorization ?? '')?.[1]?.split(';') ?? [];
  switch (part) {
    case 'body': {
      if (req.body.length === 0) return undefined;
      const body = Buffer.from(req.body);
      const i = at % body.length;
      if (body[i] === byte) return undefined;
      body[i] = byte;
      return { ...req, body };
    }
    case 'query': {
      if (req.query === '') return undefined;
      const query = mutate(req.query, at, 0x21 + (byte % 94));
      return query === undefined ? undefined : { ...req, query };
    }
    case 'header-value':
    case 'authorization': {
      const name = part === 'authorization' ? 'authorization' : (signed[pick % signed.length] as string);
      const value = mutate(req.headers[name] ?? '', at, 0x20 + (byte % 95));
      // Node trims the value's surrounding white space.
      return value === undefined ? undefined : { ...req, headers: { ...req.headers, [name]: value.trim() } };
    }
    case 'header-name': {
      const name = signed[pick % signed.length] as string;
      const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-';
      const renamed = mutate(name, at, alphabet.charCodeAt(byte % alphabet.length));
      if (renamed === undefined) return undefined;
      const headers = { ...req.headers };
      const value = headers[name];
      delete headers[name];
      return { ...req, headers: { ...headers, [renamed]: value } };
    }
  }
}

const partArb = fc.constantFrom<Part>('body', 'query', 'header-value', 'header-name', 'authorization');
const mutationArb = fc.tuple(partArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }));

describe('requests signed by the server signer (shared/marketplace/akskSigner.ts)', () => {
  it('are accepted by the verifier and by the fake: query order and usage push', async () => {
    const get = serverSignedQuery('orderId=MOCKONDEMAND&orderLineId=MOCKONDEMAND-000001');
    expect(verifyAkSk(get, { ak: AK, sk: SK, nowMs: NOW })).toMatchObject({ ok: true });
    const api = fake();
    const order = await api.handle(get);
    expect(order).toMatchObject({ status: 200, body: { resultCode: 'MKT.0000', orderInfo: { orderId: 'MOCKONDEMAND', orderLine: [{ chargingMode: 'ON_DEMAND' }] } } });
    const body = sortedJson({ usage_records: [{ instance_id: 'inst-1', metering_sn: 'sn-1', usage_value: '12.5', begin_time: wireTime(NOW - 7_200_000), end_time: wireTime(NOW - 3_600_000), record_time: wireTime(NOW) }] });
    const post = serverSignedUsage(body);
    expect(verifyAkSk(post, { ak: AK, sk: SK, nowMs: NOW })).toMatchObject({ ok: true, signedHeaders: ['content-type', 'host', 'nonce', 'signature', 'ts', 'x-sdk-date'] });
    expect(await api.handle(post)).toMatchObject({ status: 200, body: { error_code: 'MKT.0000', error_msg: 'success' } });
    expect(api.usage().records).toMatchObject([{ metering_sn: 'sn-1', usage_value: '12.5', duplicates: 0 }]);
  });

  it('agree with the verifier on any query (reserved, non-ASCII, repeated keys) and any JSON body', () => {
    const pairs = fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }), fc.string({ maxLength: 12, unit: 'grapheme' })), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(pairs, fc.json(), (list, json) => {
        const query = new URLSearchParams(list).toString();
        const body = JSON.stringify(JSON.parse(json));
        const data = JSON.parse(body) as unknown;
        fc.pre(data !== null && typeof data === 'object');
        const headers = signAkSk({ ak: AK, sk: SK, method: 'POST', url: `http://${HOST}/x/y?${query}`, headers: { 'content-type': 'application/json' }, body, date: sdkDate(NOW) });
        const req: FakeRequest = { method: 'POST', path: '/x/y', query, headers: lower(headers), body: Buffer.from(body, 'utf8') };
        expect(verifyAkSk(req, { ak: AK, sk: SK, nowMs: NOW })).toMatchObject({ ok: true });
      }),
      { numRuns: 500 },
    );
  });

  it('any one-byte change of the body, a signed header (value or name), the query or Authorization is refused by the verifier', () => {
    fc.assert(
      fc.property(fc.oneof(queryArb.map(serverSignedQuery), bodyArb.map((b) => serverSignedUsage(b))), mutationArb, (req, [part, pick, at, byte]) => {
        expect(verifyAkSk(req, { ak: AK, sk: SK, nowMs: NOW }).ok).toBe(true);
        const changed = mutated(req, part, pick, at, byte);
        fc.pre(changed !== undefined);
        expect(verifyAkSk(changed as FakeRequest, { ak: AK, sk: SK, nowMs: NOW }).ok).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });

  it('any one-byte change of a usage push is refused by the fake open API and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, mutationArb, async (body, [part, pick, at, byte]) => {
        const req = serverSignedUsage(body);
        const changed = mutated(req, part, pick, at, byte);
        fc.pre(changed !== undefined);
        const api = fake();
        const answer = await api.handle(changed as FakeRequest);
        expect(answer.status).not.toBe(200);
        expect(api.usage().records).toEqual([]);
        // The unchanged request is accepted.
        expect((await api.handle(req)).status).toBe(200);
      }),
      { numRuns: 500 },
    );
  });

  it('any one-byte change of an order query is refused by the fake open API', async () => {
    const api = fake();
    await fc.assert(
      fc.asyncProperty(mutationArb, fc.constantFrom('orderId=MOCKPERIODYEARNEW', 'orderId=MOCKONDEMAND&orderLineId=MOCKONDEMAND-000001'), async ([part, pick, at, byte], query) => {
        const req = serverSignedQuery(query);
        const changed = mutated(req, part, pick, at, byte);
        fc.pre(changed !== undefined);
        const answer = await api.handle(changed as FakeRequest);
        expect(answer.body).not.toMatchObject({ resultCode: 'MKT.0000' });
      }),
      { numRuns: 500 },
    );
  });
});
