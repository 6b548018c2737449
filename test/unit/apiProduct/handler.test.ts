/**
 * apiProductHandler: 401 before the handler for a call that is not the gateway's, the buyer headers handed
 * over, usage in every 2xx (or a 500 instead), handler failures as non-2xx JSON, streams as one
 * text/event-stream body with usage in the final chunk.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { ApiProductError } from '../../../shared/apiProduct/errors';
import { apiProductHandler, type ApiCall, type ApiHandler, type ApiReply } from '../../../shared/apiProduct/handler';
import type { ApigEvent, ApigResponse } from '../../../shared/platform/apig';
import { localContext } from '../../../shared/platform/context';

const NOW = 1_767_225_600_000;
const SETTINGS = { KG_GATEWAY_KEYS: 'gw-ak:gw-sk' };

function token(timestamp = NOW, sk = 'gw-sk', ak = 'gw-ak'): string {
  const b = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b({ alg: 'HS256', sign_type: 'SIGN' })}.${b({ api_key: ak, timestamp })}`;
  return `${input}.${createHmac('sha256', sk).update(input).digest('base64url')}`;
}

function event(body: unknown = { q: 1 }, headers: Record<string, string> = {}): ApigEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    httpMethod: 'POST',
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json', ...headers },
    body: Buffer.from(text).toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId: 'apig-req-1' },
  };
}

async function call(handler: ApiHandler, ev: ApigEvent = event(), settings: Record<string, string> = SETTINGS, ctx = localContext()): Promise<ApigResponse & { json: Record<string, unknown> }> {
  const h = apiProductHandler(handler, { settings, clock: () => NOW });
  const res = await h(ev, ctx);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    // a stream
  }
  return { ...res, json };
}

const ok: ApiHandler = () => ({ json: { data: 'x' }, usage: { prompt_tokens: 1, completion_tokens: 2 } });

describe('apiProductHandler: the gateway check', () => {
  it.each<[string, ApigEvent]>([
    ['no Authorization', event({}, { authorization: '' })],
    ['a stale token', event({}, { authorization: `Bearer ${token(NOW - 6 * 60_000)}` })],
    ['a future token', event({}, { authorization: `Bearer ${token(NOW + 6 * 60_000)}` })],
    ['a wrong SK', event({}, { authorization: `Bearer ${token(NOW, 'other')}` })],
    ['garbage', event({}, { authorization: 'Bearer abc' })],
  ])('answers 401 JSON with zero usage and never runs the handler: %s', async (_what, ev) => {
    const handler = vi.fn(ok);
    const res = await call(handler, ev);
    expect(res.statusCode).toBe(401);
    expect(res.headers['Content-Type']).toMatch(/^application\/json/);
    expect(res.headers['WWW-Authenticate']).toBe('Bearer');
    expect(res.json).toMatchObject({ error: { type: 'authentication_error' }, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 500 JSON (not configured) without KG_GATEWAY_KEYS, and logs the setting name only', async () => {
    const lines: string[] = [];
    const res = await call(ok, event(), {}, localContext({ log: (l) => lines.push(l) }));
    expect(res.statusCode).toBe(500);
    expect(res.json).toMatchObject({ error: { code: 'not_configured' } });
    expect(res.body).not.toContain('KG_GATEWAY_KEYS');
    expect(lines.join('\n')).toContain('KG_GATEWAY_KEYS');
  });

  it('lets a constant-header call in, in constant mode', async () => {
    const res = await call(ok, event({}, { authorization: '', 'x-backend-auth': 'let-me-in' }), {
      KG_GATEWAY_AUTH_MODE: 'constant', KG_GATEWAY_AUTH_HEADER: 'X-Backend-Auth', KG_GATEWAY_AUTH_VALUES: 'let-me-in',
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('apiProductHandler: what the handler gets', () => {
  it('hands over the buyer, the request id, the AK and the parsed body', async () => {
    let seen: ApiCall | undefined;
    await call((c) => { seen = c; return ok(c); }, event({ hello: 'world' }, {
      'x-customer-id': 'dom-123', 'x-customer-name': '%E5%BC%A0%E4%B8%89', 'x-request-id': 'gw-req-9',
    }));
    expect(seen?.buyer).toEqual({ customerId: 'dom-123', customerName: '张三', requestId: 'gw-req-9' });
    expect(seen?.apiKey).toBe('gw-ak');
    expect(seen?.json).toEqual({ hello: 'world' });
    expect(seen?.receivedAt).toBe(NOW);
    expect(seen?.signal.aborted).toBe(false);
  });

  it('falls back to the APIG request id and leaves absent buyer headers undefined', async () => {
    let seen: ApiCall | undefined;
    const res = await call((c) => { seen = c; return ok(c); }, event({}));
    expect(seen?.buyer).toEqual({ requestId: 'apig-req-1' });
    expect(res.headers['X-Request-Id']).toBe('apig-req-1');
  });

  it('gives json undefined for a body that is not JSON', async () => {
    let seen: ApiCall | undefined;
    await call((c) => { seen = c; return ok(c); }, event('{"a":'));
    expect(seen?.json).toBeUndefined();
    expect(seen?.body.toString()).toBe('{"a":');
  });
});

describe('apiProductHandler: usage and errors', () => {
  it('puts the normalised usage at the top level of a 2xx answer', async () => {
    const res = await call(() => ({ status: 201, json: { data: { a: 1 } }, usage: { input_tokens: 4, output_tokens: 6 } }));
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ data: { a: 1 }, usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10, input_tokens: 4, output_tokens: 6 } });
  });

  it('takes usage from the json when the reply gives none separately', async () => {
    const res = await call(() => ({ json: { data: 1, usage: { prompt_tokens: 2, completion_tokens: 0 } } }));
    expect(res.json.usage).toEqual({ prompt_tokens: 2, completion_tokens: 0, total_tokens: 2 });
  });

  it.each<[string, ApiReply]>([
    ['no usage', { json: { data: 1 } }],
    ['a wrong total', { json: { data: 1 }, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 3 } }],
    ['a negative count', { json: { data: 1 }, usage: { prompt_tokens: -1, completion_tokens: 1 } }],
    ['a stream without usage', { events: [{ a: 1 }] }],
  ])('never sends a 2xx with %s: answers 500 JSON instead', async (_what, reply) => {
    const lines: string[] = [];
    const res = await call(() => reply, event(), SETTINGS, localContext({ log: (l) => lines.push(l) }));
    expect(res.statusCode).toBe(500);
    expect(res.json).toMatchObject({ error: { code: 'invalid_usage' }, usage: { total_tokens: 0 } });
    expect(lines.join('\n')).toContain('api.usage_refused');
  });

  it.each<[string, ApiHandler, number, string]>([
    ['an ApiProductError', () => { throw new ApiProductError(422, 'no such model', 'invalid_request_error', 'model_not_found'); }, 422, 'model_not_found'],
    ['an ApiProductError with a 2xx status (made 500)', () => { throw new ApiProductError(200, 'odd'); }, 500, 'null'],
    ['an Error', () => { throw new Error('secret detail'); }, 500, 'internal_error'],
    ['a rejected promise', () => Promise.reject(new TypeError('x')), 500, 'internal_error'],
    ['a thrown string', () => { throw 'boom'; }, 500, 'internal_error'],
    ['no reply', () => undefined as unknown as ApiReply, 500, 'invalid_reply'],
    ['a reply with status 99', () => ({ status: 99, json: {} }), 500, 'invalid_reply'],
    ['a reply with status 204', () => ({ status: 204, json: {}, usage: { prompt_tokens: 0 } }), 500, 'invalid_reply'],
    ['a json array', () => ({ json: [1, 2] as unknown as Record<string, unknown>, usage: { prompt_tokens: 1 } }), 500, 'invalid_reply'],
    ['a stream with a 4xx status', () => ({ status: 400, events: [{ a: 1 }] }), 500, 'invalid_reply'],
    ['an empty stream', () => ({ events: [], usage: { prompt_tokens: 1 } }), 500, 'invalid_reply'],
    ['a circular json', () => { const o: Record<string, unknown> = {}; o.self = o; return { json: o, usage: { prompt_tokens: 1 } }; }, 500, 'invalid_reply'],
  ])('turns %s into a non-2xx JSON error', async (_what, handler, status, code) => {
    const res = await call(handler);
    expect(res.statusCode).toBe(status);
    expect(res.headers['Content-Type']).toMatch(/^application\/json/);
    expect(String((res.json.error as { code: unknown }).code)).toBe(code);
    expect(res.body).not.toContain('secret detail');
  });

  it('passes a handler error reply through with zero usage added', async () => {
    const res = await call(() => ({ status: 429, json: { error: { message: 'slow down' } } }));
    expect(res.statusCode).toBe(429);
    expect(res.json).toEqual({ error: { message: 'slow down' }, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
  });

  it('answers 504 when the handler outlives the function, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const res = await call((c) => { signal = c.signal; return new Promise<ApiReply>(() => undefined); }, event(), SETTINGS, localContext({ timeoutMs: 400 }));
    expect(res.statusCode).toBe(504);
    expect(res.json).toMatchObject({ error: { type: 'timeout' } });
    expect(signal?.aborted).toBe(true);
  });

  it('answers 413 for a body over 4 MB', async () => {
    const res = await call(ok, event('x'.repeat(4 * 1024 * 1024 + 1)));
    expect(res.statusCode).toBe(413);
  });

  it('keeps the handler headers except the ones it sets itself', async () => {
    const res = await call(() => ({ json: {}, usage: { prompt_tokens: 1 }, headers: { 'X-Model': 'm1', 'content-type': 'text/plain', 'Bad Header': 'x', 'X-Split': 'a\r\nb' } }));
    expect(res.headers).toMatchObject({ 'X-Model': 'm1', 'Content-Type': 'application/json; charset=utf-8' });
    expect(Object.keys(res.headers)).not.toContain('content-type');
    expect(Object.keys(res.headers)).not.toContain('Bad Header');
    expect(Object.keys(res.headers)).not.toContain('X-Split');
  });
});

describe('apiProductHandler: streams', () => {
  it('sends one text/event-stream body: data events, usage in the final chunk, then [DONE]', async () => {
    const res = await call(() => ({ events: [{ n: 1 }, { n: 2, usage: null }, { n: 3 }], usage: { prompt_tokens: 5, completion_tokens: 7 } }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/event-stream; charset=utf-8');
    expect(res.body).toBe([
      'data: {"n":1}', '', 'data: {"n":2,"usage":null}', '',
      'data: {"n":3,"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}', '', 'data: [DONE]', '', '',
    ].join('\n'));
  });

  it("takes the stream's usage from its last chunk when the reply gives none", async () => {
    const res = await call(() => ({ events: [{ n: 1 }, { usage: { output_tokens: 2 } }] }));
    expect(res.body).toContain('data: {"usage":{"prompt_tokens":0,"completion_tokens":2,"total_tokens":2,"output_tokens":2}}');
  });

  it('keeps line breaks inside strings on one data line', async () => {
    const res = await call(() => ({ events: [{ text: 'a\nb\r\nc' }], usage: { prompt_tokens: 1 } }));
    expect(res.body.split('\n\n')[0]).toBe('data: {"text":"a\\nb\\r\\nc","usage":{"prompt_tokens":1,"completion_tokens":0,"total_tokens":1}}');
  });
});
