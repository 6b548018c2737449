/**
 * fast-check inputs through apiProductHandler: hostile events (odd shapes, random methods, bodies in and out
 * of base64), random and mutated headers (credentials, buyer headers), and merchant handlers that return or
 * throw anything. No exception may escape; every answer has an integer status 200-599 and is JSON (an object)
 * or an event stream of JSON chunks ending in [DONE]; every 2xx carries valid usage (total = sum); a call
 * without the gateway's valid token is never 2xx. The template (chat completions) gets random bodies too.
 */
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chatCompletions } from '../../../shared/apiProduct/chatCompletions';
import { ApiProductError } from '../../../shared/apiProduct/errors';
import { apiProductHandler, type ApiHandler } from '../../../shared/apiProduct/handler';
import type { ApigEvent, ApigResponse } from '../../../shared/platform/apig';
import { localContext } from '../../../shared/platform/context';

const RUNS = 5_000;
const NOW = 1_767_225_600_000;
const SETTINGS = { KG_GATEWAY_KEYS: 'fuzz-ak:fuzz-sk,fuzz-ak-old:fuzz-sk-old' };

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
function token(payload: unknown, sk = 'fuzz-sk', header: unknown = { alg: 'HS256', sign_type: 'SIGN' }): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', sk).update(input).digest('base64url')}`;
}
const GOOD = token({ api_key: 'fuzz-ak', timestamp: NOW });

// ---------------------------------------------------------------- values

const junk = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '__proto__', 'constructor', '{', '[]', '{}', 'null', '1e999', '-0', '\u0000', '\ud800', 'Bearer', 'Bearer '),
);

/** Credentials: the good token, tokens with a broken part, other claims, other algorithms, junk. */
const credential = fc.oneof(
  { weight: 4, arbitrary: fc.constant(`Bearer ${GOOD}`) },
  { weight: 1, arbitrary: fc.constant(GOOD) },
  { weight: 2, arbitrary: fc.record({ api_key: junk, timestamp: junk }, { requiredKeys: [] }).map((p) => `Bearer ${token(p)}`) },
  { weight: 2, arbitrary: fc.record({ alg: junk, typ: junk }, { requiredKeys: [] }).map((h) => `Bearer ${token({ api_key: 'fuzz-ak', timestamp: NOW }, 'fuzz-sk', h)}`) },
  { weight: 2, arbitrary: fc.tuple(fc.nat({ max: 2 }), fc.string({ maxLength: 12 })).map(([i, s]) => { const p = GOOD.split('.'); p[i] = s; return `Bearer ${p.join('.')}`; }) },
  { weight: 1, arbitrary: fc.integer({ min: -3_600_000, max: 3_600_000 }).map((d) => `Bearer ${token({ api_key: 'fuzz-ak', timestamp: NOW + d })}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

const headerName = fc.oneof(fc.constantFrom('authorization', 'Authorization', 'x-customer-id', 'X-Customer-Name', 'x-request-id', 'content-type', '__proto__', 'constructor'), fc.string({ maxLength: 10 }));
const headers = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(credential, fc.dictionary(headerName, fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 }), junk), { maxKeys: 5 })).map(([auth, rest]) => ({ ...rest, authorization: auth })) },
  { weight: 1, arbitrary: fc.dictionary(headerName, junk, { maxKeys: 5 }) },
  { weight: 1, arbitrary: junk },
);

const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.record({ messages: fc.array(fc.record({ role: junk, content: fc.oneof(junk, fc.array(fc.record({ type: junk, text: junk }, { requiredKeys: [] }), { maxLength: 3 })) }, { requiredKeys: [] }), { maxLength: 4 }), stream: junk, model: junk }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.constantFrom('', '{}', '[]', 'null', '{"messages":[{"role":"user","content":"hi"}]}', '{"messages":[{"role":"user","content":"hi"}],"stream":true}'),
);

const event: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ httpMethod: fc.oneof(fc.constantFrom('POST', 'GET', 'post', 'PUT'), junk), path: fc.oneof(fc.constant('/v1/chat/completions'), junk), headers, body, isBase64Encoded: fc.boolean(), requestContext: fc.option(fc.record({ requestId: junk }, { requiredKeys: [] })) }, { requiredKeys: ['headers', 'body'] })
    .map((e) => (e.isBase64Encoded && typeof e.body === 'string' ? { ...e, body: Buffer.from(e.body).toString('base64') } : e)) },
  { weight: 1, arbitrary: junk },
);

/** What a merchant's handler may do: return good or bad replies, or throw anything. */
const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const goodUsage = fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat() });
const behaviour: fc.Arbitrary<ApiHandler> = fc.oneof(
  // Well-formed replies (billed when the call is the gateway's), plain and streamed.
  fc.record({ json: jsonObject, usage: goodUsage }).map((r) => (() => r) as ApiHandler),
  fc.record({ events: fc.array(jsonObject, { minLength: 1, maxLength: 4 }), usage: goodUsage }).map((r) => (async () => r) as ApiHandler),
  // Anything else.
  fc.record({ status: fc.option(fc.oneof(fc.integer({ min: 100, max: 700 }), junk)), json: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), junk), usage: fc.oneof(fc.record({ prompt_tokens: fc.oneof(fc.nat(), junk), completion_tokens: fc.oneof(fc.nat(), junk), total_tokens: junk, input_tokens: junk }, { requiredKeys: [] }), junk) }, { requiredKeys: ['json'] })
    .map((r) => (() => r) as unknown as ApiHandler),
  fc.record({ status: fc.option(fc.integer({ min: 100, max: 700 })), events: fc.oneof(fc.array(fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), junk), { maxLength: 4 }), junk), usage: fc.oneof(fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat() }), junk) }, { requiredKeys: ['events'] })
    .map((r) => (async () => r) as unknown as ApiHandler),
  fc.tuple(fc.integer({ min: 0, max: 700 }), fc.string({ maxLength: 20 }), junk).map(([s, m, c]) => (() => { throw new ApiProductError(s, m, undefined, c as string); }) as ApiHandler),
  junk.map((v) => (() => { throw v; }) as ApiHandler),
  junk.map((v) => (() => Promise.reject(v)) as ApiHandler),
  junk.map((v) => (() => v) as unknown as ApiHandler),
  fc.constant(chatCompletions),
);

// ---------------------------------------------------------------- the invariants

function validUsage(u: unknown): boolean {
  if (u === null || typeof u !== 'object') return false;
  const { prompt_tokens: p, completion_tokens: c, total_tokens: t } = u as Record<string, unknown>;
  return [p, c, t].every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) && t === (p as number) + (c as number);
}

/** Checks one answer; returns the payload whose usage a 2xx must carry. */
function checkAnswer(res: ApigResponse): void {
  expect(Number.isInteger(res.statusCode)).toBe(true);
  expect(res.statusCode).toBeGreaterThanOrEqual(200);
  expect(res.statusCode).toBeLessThanOrEqual(599);
  expect(typeof res.body).toBe('string');
  expect(res.isBase64Encoded).toBe(false);
  const type = res.headers['Content-Type'] ?? '';
  const billed = res.statusCode < 300;
  if (type.startsWith('text/event-stream')) {
    expect(billed).toBe(true);
    expect(res.body.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = res.body.split('\n\n').slice(0, -1);
    expect(events.every((e) => e.startsWith('data: ') && !e.includes('\n'))).toBe(true);
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as unknown);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c))).toBe(true);
    expect(validUsage((chunks.at(-1) as Record<string, unknown>).usage)).toBe(true);
    return;
  }
  expect(type).toMatch(/^application\/json/);
  const json = JSON.parse(res.body) as unknown;
  expect(json !== null && typeof json === 'object' && !Array.isArray(json)).toBe(true);
  if (billed) expect(validUsage((json as Record<string, unknown>).usage)).toBe(true);
}

/** Whether the event's credentials are a valid token, checked here by hand (reference §7.2, 5 minutes both ways). */
function hasGoodToken(e: unknown): boolean {
  const h = (e as { headers?: unknown } | null)?.headers;
  if (h === null || typeof h !== 'object') return false;
  // As the APIG adapter reads headers: names lower-cased, non-string values skipped, the last one kept.
  const v = Object.entries(h).filter(([k, x]) => k.toLowerCase() === 'authorization' && typeof x === 'string').map(([, x]) => x as string).at(-1);
  if (v === undefined) return false;
  const parts = v.trim().replace(/^bearer\s+/i, '').split('.');
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString()) as { alg?: unknown };
    const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString()) as { api_key?: unknown; timestamp?: unknown };
    const sk = payload.api_key === 'fuzz-ak' ? 'fuzz-sk' : payload.api_key === 'fuzz-ak-old' ? 'fuzz-sk-old' : undefined;
    const ts = typeof payload.timestamp === 'number' ? payload.timestamp : typeof payload.timestamp === 'string' && /^\d+$/.test(payload.timestamp.trim()) ? Number(payload.timestamp) : Number.NaN;
    const ms = ts < 1e11 ? ts * 1000 : ts;
    const mac = sk ? createHmac('sha256', sk).update(`${parts[0]}.${parts[1]}`).digest('base64url') : '';
    return header?.alg === 'HS256' && sk !== undefined && Number.isSafeInteger(ts) && ts >= 0 && Math.abs(ms - NOW) <= 300_000
      && (parts[2] as string).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') === mac;
  } catch {
    return false;
  }
}

describe('apiProductHandler under fuzzing', () => {
  it(`never throws and always answers JSON or SSE with a status; 2xx only with usage (${RUNS} runs)`, async () => {
    const seen = { billed: 0, streamed: 0, unauthorized: 0, otherErrors: 0 };
    await fc.assert(
      fc.asyncProperty(event, behaviour, async (ev, merchantHandler) => {
        const handler = apiProductHandler(merchantHandler, { settings: SETTINGS, clock: () => NOW });
        const res = await handler(ev as ApigEvent, localContext());
        checkAnswer(res);
        if (!hasGoodToken(ev)) expect(res.statusCode >= 300).toBe(true);
        if (res.statusCode < 300) seen.billed++;
        if (res.headers['Content-Type']?.startsWith('text/event-stream')) seen.streamed++;
        if (res.statusCode === 401) seen.unauthorized++;
        else if (res.statusCode >= 300) seen.otherErrors++;
      }),
      { numRuns: RUNS },
    );
    // The inputs reach every kind of answer, not only the 401 in front.
    for (const [kind, n] of Object.entries(seen)) expect(n, kind).toBeGreaterThan(RUNS / 100);
  }, 120_000);

  it(`answers the template's random bodies with a well-formed answer (${RUNS} runs)`, async () => {
    const handler = apiProductHandler(chatCompletions, { settings: SETTINGS, clock: () => NOW });
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, stream) => {
        const payload = stream ? text.replace(/^\{/, '{"stream":true,') : text;
        const res = await handler({ httpMethod: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${GOOD}` }, body: payload }, localContext());
        checkAnswer(res);
        expect([200, 400]).toContain(res.statusCode);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('never throws on a context that cannot say anything', async () => {
    const broken = {
      getRequestID: () => { throw new Error('x'); },
      getRemainingTimeInMilliSeconds: () => { throw new Error('x'); },
      getUserData: () => undefined,
      getLogger: () => { throw new Error('x'); },
    };
    const res = await apiProductHandler(chatCompletions, { settings: SETTINGS, clock: () => NOW })({ headers: { authorization: GOOD }, body: '{"messages":[{"role":"user","content":"a"}]}' }, broken);
    checkAnswer(res);
    expect(res.statusCode).toBe(200);
  });
});
