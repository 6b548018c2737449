/**
 * The template of an API product: an OpenAI-compatible `POST /v1/chat/completions` whose "model" is text
 * statistics of the messages (textStats.ts), with its token counts as `usage`. Copy this file next to your
 * function, replace {@link answerMessages} with your model call, keep the rest (docs/api-products.md).
 *
 * Request: `{"model"?: string, "messages": [{"role": string, "content": string | [{"type": "text", "text"}] | null}],
 * "stream"?: boolean}`. Answer: a `chat.completion` object, or with `stream: true` a `text/event-stream` of
 * `chat.completion.chunk`s whose final chunk (`choices: []`) carries `usage`, as OpenAI's
 * `stream_options.include_usage` does (always on here: the gateway bills from it).
 * @module
 */
import { createHash } from 'node:crypto';
import { array, boolean, looseObject, maxLength, minLength, nullable, optional, safeParse, string, union } from 'zod/mini';
import { ApiProductError } from './errors';
import type { ApiCall, ApiReply } from './handler';
import { conversationStats, countTokens, describeStats, type TextMessage } from './textStats';

/** The model name answered when the request names none. */
export const EXAMPLE_MODEL = 'text-stats-1';

const textPart = looseObject({ type: string(), text: optional(string()) });
const message = looseObject({
  role: string().check(minLength(1), maxLength(64)),
  content: optional(nullable(union([string(), array(textPart)]))),
});
const chatRequest = looseObject({
  model: optional(nullable(string().check(maxLength(256)))),
  messages: array(message).check(minLength(1), maxLength(2048)),
  stream: optional(nullable(boolean())),
});

/** A request the template understands. */
interface ChatRequest {
  model: string;
  messages: TextMessage[];
  stream: boolean;
}

/** Reads the request; throws a 400 {@link ApiProductError} that says what is wrong. */
function parseChatRequest(json: unknown): ChatRequest {
  if (json === undefined) throw new ApiProductError(400, 'the body must be a JSON object', 'invalid_request_error', 'invalid_json');
  const parsed = safeParse(chatRequest, json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    throw new ApiProductError(400, `${where}: ${issue?.message ?? 'invalid request'}`, 'invalid_request_error', 'invalid_request');
  }
  const d = parsed.data;
  return {
    model: d.model || EXAMPLE_MODEL,
    messages: d.messages.map((m) => ({
      role: m.role,
      text: typeof m.content === 'string' ? m.content : (m.content ?? []).filter((p) => p.type === 'text' && typeof p.text === 'string').map((p) => p.text).join('\n'),
    })),
    stream: d.stream === true,
  };
}

/** The model: the reply text and its token counts. Replace this with your own model call. */
export function answerMessages(messages: readonly TextMessage[]): { content: string; promptTokens: number; completionTokens: number } {
  const content = describeStats(conversationStats(messages));
  return { content, promptTokens: messages.reduce((n, m) => n + countTokens(m.text), 0), completionTokens: countTokens(content) };
}

/** Pieces of `text` of about `words` words each, spaces kept, so the pieces join back to `text`. */
function pieces(text: string, words = 4): string[] {
  const tokens = text.match(/\s*\S+/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += words) out.push(tokens.slice(i, i + words).join(''));
  return out;
}

/**
 * The template's handler: `POST /v1/chat/completions` answered with text statistics.
 * @example
 * // functions/my-api/index.ts (after copying this file to functions/my-api/chat.ts)
 * import { apiProductHandler } from '../../shared';
 * import { merchant } from '../merchant';
 * import { chatCompletions } from './chat';
 * export const handler = apiProductHandler(chatCompletions, { ...merchant.runtime, name: 'my-api' });
 */
export function chatCompletions(call: ApiCall): ApiReply {
  if (call.method !== 'POST') throw new ApiProductError(405, 'use POST', 'invalid_request_error', 'method_not_allowed');
  const request = parseChatRequest(call.json);
  const answer = answerMessages(request.messages);
  const usage = { prompt_tokens: answer.promptTokens, completion_tokens: answer.completionTokens };
  const id = `chatcmpl-${createHash('sha256').update(`${call.buyer.requestId}|${call.receivedAt}`).digest('hex').slice(0, 24)}`;
  const base = { id, created: Math.floor(call.receivedAt / 1000), model: request.model };
  call.logger.debug('chat.answered', { messages: request.messages.length, stream: request.stream });
  if (!request.stream) {
    return {
      json: {
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: answer.content }, finish_reason: 'stop' }],
      },
      usage,
    };
  }
  const chunk = (choices: unknown[]) => ({ ...base, object: 'chat.completion.chunk', choices });
  return {
    events: [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      ...pieces(answer.content).map((content) => chunk([{ index: 0, delta: { content }, finish_reason: null }])),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      // The final chunk: no choices, the usage (the wrapper sets it here).
      chunk([]),
    ],
    usage,
  };
}
