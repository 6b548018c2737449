/**
 * Server-Sent Events for streamed answers. FunctionGraph behind APIG answers with one buffered string, so
 * a "stream" here is the whole `text/event-stream` body at once: one `data: <json>\n\n` event per chunk,
 * the final JSON chunk carrying `usage` (OpenAI `stream_options.include_usage` style, which is what
 * platform-and-open-api.md §7.2 asks for), then `data: [DONE]\n\n`. A client reading it as a stream sees the
 * same events, just all at once.
 * @module
 */
import type { TokenUsage } from './usage';

/** The content type of a streamed answer. */
export const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/** The end-of-stream marker OpenAI-compatible clients wait for. */
export const SSE_DONE = '[DONE]';

/**
 * The event-stream body: each chunk as one `data:` event, `usage` set on the last chunk, then `[DONE]`.
 * Throws what JSON.stringify throws (a cycle, a BigInt); `chunks` must not be empty.
 * @example
 * encodeSse([{ choices: [{ delta: { content: 'Hi' } }] }, { choices: [] }], usage);
 * // 'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {"choices":[],"usage":{...}}\n\ndata: [DONE]\n\n'
 */
export function encodeSse(chunks: ReadonlyArray<Record<string, unknown>>, usage: TokenUsage): string {
  if (chunks.length === 0) throw new RangeError('a stream needs at least one chunk');
  const last = chunks.length - 1;
  // JSON text has no raw line breaks (they are escaped in strings), so one `data:` line per event is enough.
  const events = chunks.map((chunk, i) => {
    const text: unknown = JSON.stringify(i === last ? { ...chunk, usage } : chunk);
    if (typeof text !== 'string') throw new TypeError(`stream chunk ${i} is not JSON`);
    return `data: ${text}\n\n`;
  });
  return `${events.join('')}data: ${SSE_DONE}\n\n`;
}
