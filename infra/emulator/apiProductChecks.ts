/**
 * What the Agents gateway needs from an API product's answers (platform-and-open-api.md §7.1-§7.2), as
 * functions returning the problems found (empty: fine): `usage` with non-negative integer `prompt_tokens`,
 * `completion_tokens` and `total_tokens` (their sum) at the top level of every 2xx JSON answer and in the
 * final JSON chunk of a stream; failures answered non-2xx (only 2xx is billed) as JSON.
 * @module
 */
import type { HttpAnswer } from './httpClient';

const snippet = (body: Buffer) => body.toString('utf8').replace(/\s+/g, ' ').slice(0, 120);

/** The problems of a `usage` value. */
export function usageProblems(usage: unknown, where = 'usage'): string[] {
  if (usage === undefined) return [`${where} missing`];
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return [`${where} is not an object`];
  const u = usage as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
    const v = u[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) problems.push(`${where}.${field} is ${v === undefined ? 'missing' : JSON.stringify(v)}, not a non-negative integer`);
  }
  if (problems.length === 0 && u.total_tokens !== (u.prompt_tokens as number) + (u.completion_tokens as number)) {
    problems.push(`${where}.total_tokens ${String(u.total_tokens)} is not prompt_tokens + completion_tokens`);
  }
  return problems;
}

/** The body as a JSON object, or the reason it is not one. */
export function jsonObject(answer: HttpAnswer): { value?: Record<string, unknown>; problem?: string } {
  const type = answer.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type.trim())) return { problem: `Content-Type "${type || '(none)'}" instead of application/json` };
  try {
    const v: unknown = JSON.parse(answer.body.toString('utf8'));
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return { value: v as Record<string, unknown> };
  } catch {
    // below
  }
  return { problem: `body is not a JSON object (${snippet(answer.body)})` };
}

/** A billed chat completion: 2xx JSON, top-level usage, an assistant message. */
export function completionProblems(answer: HttpAnswer): string[] {
  if (answer.error) return [answer.error];
  if (answer.status < 200 || answer.status > 299) return [`HTTP ${answer.status} where a 2xx answer is expected (${snippet(answer.body)})`];
  const { value, problem } = jsonObject(answer);
  if (!value) return [problem as string];
  const problems = usageProblems(value.usage);
  const choices = value.choices;
  const first = Array.isArray(choices) ? (choices[0] as { message?: { content?: unknown } } | undefined) : undefined;
  if (typeof first?.message?.content !== 'string') problems.push('choices[0].message.content missing (not an OpenAI chat.completion)');
  return problems;
}

/** The `data:` payloads of an event stream, in order. */
export function sseData(text: string): string[] {
  const out: string[] = [];
  for (const event of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    const lines = event.split(/\r\n|\n|\r/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
    if (lines.length > 0) out.push(lines.join('\n'));
  }
  return out;
}

/** A billed stream: 2xx `text/event-stream`, JSON chunks, `usage` in the final JSON chunk, then `[DONE]`. */
export function streamProblems(answer: HttpAnswer): string[] {
  if (answer.error) return [answer.error];
  if (answer.status < 200 || answer.status > 299) return [`HTTP ${answer.status} where a 2xx stream is expected (${snippet(answer.body)})`];
  const type = answer.headers['content-type'] ?? '';
  if (!/^text\/event-stream\b/i.test(type.trim())) return [`Content-Type "${type || '(none)'}" instead of text/event-stream`];
  const data = sseData(answer.body.toString('utf8'));
  const problems: string[] = [];
  if (data[data.length - 1] !== '[DONE]') problems.push('the stream does not end with data: [DONE]');
  const chunks: Array<Record<string, unknown>> = [];
  for (const [i, d] of data.entries()) {
    if (d === '[DONE]') continue;
    try {
      const v: unknown = JSON.parse(d);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) chunks.push(v as Record<string, unknown>);
      else problems.push(`event ${i + 1} is not a JSON object`);
    } catch {
      problems.push(`event ${i + 1} is not JSON`);
    }
  }
  const last = chunks[chunks.length - 1];
  if (!last) return [...problems, 'the stream has no JSON chunk'];
  problems.push(...usageProblems(last.usage, 'final chunk usage'));
  const text = chunks
    .flatMap((c) => (Array.isArray(c.choices) ? c.choices : []))
    .map((choice) => (choice as { delta?: { content?: unknown } })?.delta?.content)
    .filter((t): t is string => typeof t === 'string')
    .join('');
  if (text === '') problems.push('no choices[].delta.content in the stream (not an OpenAI chat.completion.chunk stream)');
  return problems;
}

/** An unbilled refusal: exactly `status` when given, else any 4xx; a JSON body either way. */
export function refusalProblems(answer: HttpAnswer, status?: number): string[] {
  if (answer.error) return [answer.error];
  const problems: string[] = [];
  if (status !== undefined ? answer.status !== status : answer.status < 400 || answer.status > 499) {
    const billed = answer.status >= 200 && answer.status <= 299 ? ' (a 2xx is billed)' : '';
    problems.push(`HTTP ${answer.status} where ${status ?? 'a 4xx'} is expected${billed}`);
  }
  const { problem } = jsonObject(answer);
  if (problem) problems.push(problem);
  return problems;
}
