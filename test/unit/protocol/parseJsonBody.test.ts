import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../../shared/protocol/parse';
import { rejection } from './support';

const LIMIT = 64;

describe('parseJsonBody', () => {
  it('returns the object of a JSON body', () => {
    expect(parseJsonBody(Buffer.from('{"activity":"newInstance","memo":"登录"}'), LIMIT)).toEqual({ activity: 'newInstance', memo: '登录' });
  });

  it('skips a leading UTF-8 byte-order mark', () => {
    expect(parseJsonBody(Buffer.from('\ufeff{"a":"1"}'), LIMIT)).toEqual({ a: '1' });
  });

  it('accepts a body of exactly the limit and rejects one byte more, naming the limit', () => {
    const exact = `{"a":"${'x'.repeat(LIMIT - 8)}"}`;
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    expect(parseJsonBody(Buffer.from(exact), LIMIT)).toEqual({ a: 'x'.repeat(LIMIT - 8) });
    expect(rejection(() => parseJsonBody(Buffer.from(`{"a":"${'x'.repeat(LIMIT - 7)}"}`), LIMIT))).toBe(`body: at most ${LIMIT} bytes`);
  });

  it('counts bytes, not characters', () => {
    const body = Buffer.from(`{"a":"${'登'.repeat(20)}"}`);
    expect(rejection(() => parseJsonBody(body, LIMIT))).toBe(`body: at most ${LIMIT} bytes`);
  });

  it.each([
    ['an empty body', '', 'body: must be valid JSON'],
    ['broken JSON', '{"a":', 'body: must be valid JSON'],
    ['JSON with a trailing comma', '{"a":"1",}', 'body: must be valid JSON'],
    ['an array', '[{"a":"1"}]', 'body: must be a JSON object'],
    ['null', 'null', 'body: must be a JSON object'],
    ['a string', '"text"', 'body: must be a JSON object'],
    ['a number', '42', 'body: must be a JSON object'],
  ])('rejects %s', (_label, text, message) => {
    expect(rejection(() => parseJsonBody(Buffer.from(text), LIMIT))).toBe(message);
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(rejection(() => parseJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), LIMIT))).toBe('body: must be UTF-8 text');
  });

  it('keeps a "__proto__" key as plain data', () => {
    const body = parseJsonBody(Buffer.from('{"__proto__":{"polluted":"yes"},"a":"1"}'), LIMIT);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
