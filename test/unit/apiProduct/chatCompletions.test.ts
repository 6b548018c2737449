/** The template API product: POST /v1/chat/completions answered with text statistics and their token counts. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { conversationStats, countTokens, describeStats, wordsOf } from '../../../shared/apiProduct/textStats';
import { agentApiExampleHandler } from '../../../shared/handlers';
import { defineMerchant } from '../../../shared/merchant';
import type { ApigEvent } from '../../../shared/platform/apig';
import { localContext } from '../../../shared/platform/context';
import { functionFor } from '../../../shared/routeTable';

const NOW = 1_767_225_600_000;
const handler = agentApiExampleHandler(defineMerchant({}, { settings: { KG_GATEWAY_KEYS: 'gw-ak:gw-sk' }, clock: () => NOW }));

function token(): string {
  const b = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b({ alg: 'HS256', sign_type: 'SIGN' })}.${b({ api_key: 'gw-ak', timestamp: NOW })}`;
  return `${input}.${createHmac('sha256', 'gw-sk').update(input).digest('base64url')}`;
}

async function post(body: unknown, method = 'POST') {
  const ev: ApigEvent = {
    httpMethod: method,
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token()}`, 'x-request-id': 'req-1' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
  };
  return handler(ev, localContext());
}

describe('text statistics', () => {
  it.each<[string, string[], number]>([
    ['Hello, world!', ['Hello', 'world'], 4],
    ['你好世界', ['你', '好', '世', '界'], 4],
    ['abc中文 x2', ['abc', '中', '文', 'x2'], 4],
    ['', [], 0],
    ['  \n ', [], 0],
  ])('splits %j into words %j and %i tokens', (text, words, tokens) => {
    expect(wordsOf(text)).toEqual(words);
    expect(countTokens(text)).toBe(tokens);
  });

  it('describes a conversation deterministically', () => {
    const stats = conversationStats([
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'The cat and the hat.\nThe end' },
    ]);
    expect(describeStats(stats)).toBe(
      'Text statistics of 2 messages (system 1, user 1): 9 words, 37 characters, 3 lines. The last user message has 7 words and 28 characters; its most frequent word is "the" (3 times).',
    );
  });
});

describe('agent-api-example (POST /v1/chat/completions)', () => {
  it('is routed by the route table', () => {
    expect(functionFor('POST', '/v1/chat/completions')).toBe('agent-api-example');
  });

  it('answers a chat.completion with the statistics and their token counts as usage', async () => {
    const res = await post({ model: 'm', messages: [{ role: 'user', content: 'one two two' }] });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    const content = 'Text statistics of 1 message (user 1): 3 words, 11 characters, 1 line. The last user message has 3 words and 11 characters; its most frequent word is "two" (2 times).';
    expect(body).toMatchObject({
      object: 'chat.completion', model: 'm', created: NOW / 1000,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: countTokens(content), total_tokens: 3 + countTokens(content) },
    });
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
  });

  it('reads OpenAI content parts and null content', async () => {
    const res = await post({ messages: [{ role: 'assistant', content: null }, { role: 'user', content: [{ type: 'text', text: 'a b' }, { type: 'image_url', image_url: {} }] }] });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).choices[0].message.content).toContain('The last user message has 2 words');
  });

  it('streams chat.completion.chunks that join to the same reply, usage in the final chunk', async () => {
    const messages = [{ role: 'user', content: 'one two two' }];
    const plain = JSON.parse((await post({ messages })).body) as { choices: Array<{ message: { content: string } }>; usage: unknown };
    const res = await post({ messages, stream: true });
    expect(res.headers['Content-Type']).toMatch(/^text\/event-stream/);
    const data = res.body.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { object: string; choices: Array<{ delta: { content?: string } }>; usage?: unknown });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.flatMap((c) => c.choices.map((x) => x.delta.content ?? '')).join('')).toBe(plain.choices[0]?.message.content);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: plain.usage });
    expect(chunks.slice(0, -1).some((c) => 'usage' in c)).toBe(false);
  });

  it.each<[string, unknown, RegExp]>([
    ['no messages', { model: 'm' }, /^messages/],
    ['empty messages', { messages: [] }, /^messages/],
    ['a message without role', { messages: [{ content: 'x' }] }, /^messages\.0\.role/],
    ['a numeric content', { messages: [{ role: 'user', content: 5 }] }, /^messages\.0\.content/],
    ['stream as a string', { messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, /^stream/],
    ['a body that is not JSON', '{"messages":', /JSON object/],
    ['an empty body', '', /JSON object/],
    ['a JSON array', [1], /body|expected object/i],
  ])('answers 400 for %s', async (_what, body, message) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    const json = JSON.parse(res.body) as { error: { message: string; type: string } };
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message).toMatch(message);
  });

  it('answers 405 for another method', async () => {
    expect((await post({ messages: [{ role: 'user', content: 'x' }] }, 'GET')).statusCode).toBe(405);
  });
});
