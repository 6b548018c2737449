/**
 * The `usage` object the gateway bills from (platform-and-open-api.md §7.2): a top-level object of every
 * billed answer with `prompt_tokens`, `completion_tokens` and `total_tokens`; the gateway also reads
 * `input_tokens` / `output_tokens` in their place.
 *
 * Rules (a handler's usage that breaks one is never sent: the wrapper answers 500 instead, unbilled):
 * - every count is a non-negative integer (a JSON number, or a string of digits, which is turned into a number);
 * - `input_tokens` stands for `prompt_tokens` and `output_tokens` for `completion_tokens`; when both names of a
 *   pair are given they must agree;
 * - at least one of the pairs is given; the other counts 0 (an embeddings-style API has no completion);
 * - `total_tokens` is `prompt_tokens + completion_tokens`, added when missing, refused when different;
 * - every other field (`input_tokens`, `image_count`, `video_duration`...) is kept as given, so a billing item
 *   configured on another path still finds it.
 * Pure computation.
 * @module
 */

/** Token counts as the gateway reads them. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [other: string]: unknown;
}

/** What a handler may give: the canonical names, the `input_`/`output_` ones, counts as numbers or digit strings. */
export interface UsageInput {
  prompt_tokens?: number | string;
  completion_tokens?: number | string;
  total_tokens?: number | string;
  input_tokens?: number | string;
  output_tokens?: number | string;
  [other: string]: unknown;
}

/** The usage to send, or why there is none. */
export type UsageCheck = { ok: true; usage: TokenUsage } | { ok: false; problem: string };

/** A usage of zero tokens: what unbilled error answers carry (so a reader that expects `usage` finds one). */
export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

type Count = { ok: true; value: number | undefined } | { ok: false; problem: string };

function count(obj: Record<string, unknown>, name: string): Count {
  const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
  if (v === undefined || v === null) return { ok: true, value: undefined };
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) return { ok: false, problem: `usage.${name} must be a non-negative integer` };
  return { ok: true, value: n };
}

/** One side of the usage from its two names, or why it is wrong. */
function side(obj: Record<string, unknown>, main: string, alias: string): Count {
  const a = count(obj, main);
  if (!a.ok) return a;
  const b = count(obj, alias);
  if (!b.ok) return b;
  if (a.value !== undefined && b.value !== undefined && a.value !== b.value) return { ok: false, problem: `usage.${main} and usage.${alias} disagree` };
  return { ok: true, value: a.value ?? b.value };
}

/**
 * Checks and completes a handler's usage.
 * @example
 * normalizeUsage({ input_tokens: 31, output_tokens: 217 });
 * // { ok: true, usage: { prompt_tokens: 31, completion_tokens: 217, total_tokens: 248, input_tokens: 31, output_tokens: 217 } }
 */
export function normalizeUsage(raw: unknown): UsageCheck {
  if (raw === undefined || raw === null) return { ok: false, problem: 'usage is missing' };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problem: 'usage must be an object' };
  const obj = raw as Record<string, unknown>;
  const prompt = side(obj, 'prompt_tokens', 'input_tokens');
  if (!prompt.ok) return prompt;
  const completion = side(obj, 'completion_tokens', 'output_tokens');
  if (!completion.ok) return completion;
  if (prompt.value === undefined && completion.value === undefined) {
    return { ok: false, problem: 'usage has neither prompt_tokens (input_tokens) nor completion_tokens (output_tokens)' };
  }
  const p = prompt.value ?? 0;
  const c = completion.value ?? 0;
  const sum = p + c;
  if (!Number.isSafeInteger(sum)) return { ok: false, problem: 'usage.total_tokens is too large' };
  const total = count(obj, 'total_tokens');
  if (!total.ok) return total;
  if (total.value !== undefined && total.value !== sum) return { ok: false, problem: `usage.total_tokens ${total.value} is not prompt_tokens + completion_tokens (${sum})` };
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'prompt_tokens' || k === 'completion_tokens' || k === 'total_tokens' || v === undefined) continue;
    Object.defineProperty(rest, k, { value: k === 'input_tokens' ? p : k === 'output_tokens' ? c : v, enumerable: true, writable: true, configurable: true });
  }
  return { ok: true, usage: { prompt_tokens: p, completion_tokens: c, total_tokens: sum, ...rest } };
}
