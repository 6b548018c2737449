import { describe, expect, it } from 'vitest';
import { InvalidParamError } from '../../../shared/core/errors';
import { MAX_JSON_DEPTH, parseOrderedJson } from '../../../shared/security/orderedJson';

describe('parseOrderedJson', () => {
  it('keeps member order, including integer-like keys JSON.parse would move', () => {
    const v = parseOrderedJson('{"b":1,"2":2,"a":3,"1":4}');
    expect(v.kind === 'object' && v.members.map((m) => m.key)).toEqual(['b', '2', 'a', '1']);
    expect(Object.keys(JSON.parse('{"b":1,"2":2,"a":3,"1":4}') as object)).toEqual(['1', '2', 'b', 'a']);
  });

  it.each(['1', '1.0', '-0', '1e2', '1E+2', '-1.25e-10', '12345678901234567890'])('keeps the number literal %s', (lit) => {
    expect(parseOrderedJson(lit)).toEqual({ kind: 'number', literal: lit });
  });

  it('decodes escapes, including a surrogate pair', () => {
    expect(parseOrderedJson('"\\ud83d\\ude00\\n\\/"')).toEqual({ kind: 'string', value: '😀\n/' });
  });

  it('tolerates a leading byte-order mark', () => {
    expect(parseOrderedJson('\ufeff{}')).toEqual({ kind: 'object', members: [] });
  });

  it(`accepts nesting ${MAX_JSON_DEPTH} deep and rejects ${MAX_JSON_DEPTH + 1}`, () => {
    expect(() => parseOrderedJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseOrderedJson('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toThrow(InvalidParamError);
  });

  it('rejects 100 000 nested arrays without overflowing the stack', () => {
    expect(() => parseOrderedJson('['.repeat(100_000))).toThrow(InvalidParamError);
  });

  it.each(['{"a":1,"a":2}', '{"a":{"b":1,"b":1}}'])('rejects duplicate member names in %s', (text) => {
    expect(() => parseOrderedJson(text)).toThrow(/duplicate/);
  });

  it('never puts the body content in its error message', () => {
    expect(() => parseOrderedJson('{"password":"hunter2"')).toThrow(/^(?!.*hunter2)/);
  });
});
