import { describe, expect, it } from 'vitest';
import { array, enum as oneOf, number, object, safeParse, string, maxLength, minLength } from 'zod/mini';
import { firstIssue, formatPath } from '../../../shared/protocol/issues';

const schema = object({
  name: string().check(minLength(1), maxLength(3)),
  tags: array(string()).check(maxLength(2)),
  kind: oneOf(['A', 'B']),
  count: number(),
  list: array(object({ code: string() })),
});
const VALID = { name: 'ab', tags: [], kind: 'A', count: 1, list: [] };

function messageFor(input: Record<string, unknown>): string {
  const result = safeParse(schema, { ...VALID, ...input }, { reportInput: true });
  if (result.success) throw new Error('expected a failure');
  return firstIssue(result.error);
}

describe('firstIssue', () => {
  it.each([
    [{ name: undefined }, 'name: required'],
    [{ name: 5 }, 'name: must be a string'],
    [{ name: 'abcd' }, 'name: at most 3 characters'],
    [{ name: '' }, 'name: must not be empty'],
    [{ tags: ['a', 'b', 'c'] }, 'tags: at most 2 items'],
    [{ tags: 'a' }, 'tags: must be an array'],
    [{ kind: 'C' }, 'kind: must be "A" or "B"'],
    [{ kind: undefined }, 'kind: required'],
    [{ count: 'x' }, 'count: must be a number'],
    [{ list: [{ code: 'a' }, {}] }, 'list[1].code: required'],
  ])('describes %j', (input, message) => {
    expect(messageFor(input)).toBe(message);
  });

  it('never quotes the received value', () => {
    expect(messageFor({ name: 'SECRET-VALUE' })).not.toContain('SECRET');
  });

  it('names the whole body when the root value is wrong', () => {
    const result = safeParse(schema, 'x', { reportInput: true });
    expect(result.success ? '' : firstIssue(result.error)).toBe('body: must be an object');
  });
});

describe('formatPath', () => {
  it.each([
    [['a'], 'a'],
    [['a', 0, 'b'], 'a[0].b'],
    [[2, 'x'], '[2].x'],
    [['k'.repeat(70)], `${'k'.repeat(64)}…`],
  ])('formats %j as %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
