/** The usage rules of an API product's billed answers (usage.ts). */
import { describe, expect, it } from 'vitest';
import { normalizeUsage } from '../../../shared/apiProduct/usage';

describe('normalizeUsage', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    ['the three canonical counts', { prompt_tokens: 31, completion_tokens: 217, total_tokens: 248 }, { prompt_tokens: 31, completion_tokens: 217, total_tokens: 248 }],
    ['no total (added)', { prompt_tokens: 31, completion_tokens: 217 }, { prompt_tokens: 31, completion_tokens: 217, total_tokens: 248 }],
    ['input_tokens / output_tokens (mapped, kept)', { input_tokens: 3, output_tokens: 4 }, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, input_tokens: 3, output_tokens: 4 }],
    ['both names of a pair, agreeing', { prompt_tokens: 3, input_tokens: 3, completion_tokens: 1 }, { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, input_tokens: 3 }],
    ['only prompt tokens (completion 0)', { prompt_tokens: 12 }, { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 }],
    ['only output tokens (prompt 0)', { output_tokens: 5 }, { prompt_tokens: 0, completion_tokens: 5, total_tokens: 5, output_tokens: 5 }],
    ['zeros', { prompt_tokens: 0, completion_tokens: 0 }, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }],
    ['digit strings (turned into numbers)', { prompt_tokens: '10', completion_tokens: '2', total_tokens: '12' }, { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }],
    ['other billing fields (kept as given)', { prompt_tokens: 1, completion_tokens: 1, image_count: 2, video_duration: 3.5 }, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, image_count: 2, video_duration: 3.5 }],
  ])('accepts %s', (_what, input, expected) => {
    expect(normalizeUsage(input)).toEqual({ ok: true, usage: expected });
  });

  it('puts the three canonical counts first', () => {
    const r = normalizeUsage({ image_count: 1, completion_tokens: 2, prompt_tokens: 1 });
    expect(r.ok && Object.keys(r.usage).slice(0, 3)).toEqual(['prompt_tokens', 'completion_tokens', 'total_tokens']);
  });

  it.each<[string, unknown, RegExp]>([
    ['undefined', undefined, /missing/],
    ['null', null, /missing/],
    ['a number', 42, /object/],
    ['an array', [1, 2], /object/],
    ['an empty object', {}, /neither/],
    ['only total_tokens', { total_tokens: 5 }, /neither/],
    ['a negative count', { prompt_tokens: -1, completion_tokens: 2 }, /prompt_tokens must be a non-negative integer/],
    ['a fractional count', { prompt_tokens: 1.5, completion_tokens: 2 }, /prompt_tokens must be/],
    ['NaN', { prompt_tokens: Number.NaN }, /prompt_tokens must be/],
    ['Infinity', { completion_tokens: Number.POSITIVE_INFINITY }, /completion_tokens must be/],
    ['an unsafe integer', { prompt_tokens: 2 ** 53 }, /prompt_tokens must be/],
    ['a count as a word', { prompt_tokens: 'ten' }, /prompt_tokens must be/],
    ['a count as a boolean', { output_tokens: true }, /output_tokens must be/],
    ['a wrong total', { prompt_tokens: 1, completion_tokens: 2, total_tokens: 4 }, /total_tokens 4 is not prompt_tokens \+ completion_tokens \(3\)/],
    ['a negative total', { prompt_tokens: 1, total_tokens: -1 }, /total_tokens must be/],
    ['disagreeing prompt_tokens and input_tokens', { prompt_tokens: 1, input_tokens: 2 }, /disagree/],
    ['disagreeing completion_tokens and output_tokens', { prompt_tokens: 1, completion_tokens: 1, output_tokens: 2 }, /disagree/],
    ['a sum past the safe integers', { prompt_tokens: 2 ** 52, completion_tokens: 2 ** 52 }, /too large/],
  ])('refuses %s', (_what, input, problem) => {
    const r = normalizeUsage(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });
});
