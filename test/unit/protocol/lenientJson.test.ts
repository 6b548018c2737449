import { describe, expect, it } from 'vitest';
import { readLenientJson } from '../../../shared/protocol/lenientJson';

describe('readLenientJson', () => {
  it.each([
    ['standard JSON', '[{"orgCode":"1","orgName":"x"}]', [{ orgCode: '1', orgName: 'x' }]],
    ['bare keys (V2 allOrgSync example)', '[{orgCode:"00000001", orgName:"产品部", parentCode:"265789314" }]', [{ orgCode: '00000001', orgName: '产品部', parentCode: '265789314' }]],
    ['bare and quoted keys mixed', '{a:1,"b":[true,false,null],$c_1:-2.5e3}', { a: 1, b: [true, false, null], $c_1: -2500 }],
    ['trailing commas', '[{a:"1",},]', [{ a: '1' }]],
    ['escapes inside strings', '{k:"a\\"b\\u767b{x:1}"}', { k: 'a"b登{x:1}' }],
    ['blank space around tokens', ' \n[ { a : "1" } ] \t', [{ a: '1' }]],
    ['empty containers', '{a:[],b:{}}', { a: [], b: {} }],
    ['bare-key nesting 32 deep', `${'{a:'.repeat(32)}1${'}'.repeat(32)}`, JSON.parse(`${'{"a":'.repeat(32)}1${'}'.repeat(32)}`)],
  ])('reads %s', (_label, text, value) => {
    expect(readLenientJson(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['unterminated', '[{a:"1"'],
    ['a missing colon', '{a "1"}'],
    ['a missing comma', '[{a:"1" b:"2"}]'],
    ['single quotes', "{a:'1'}"],
    ['a key starting with a digit', '{1a:"x"}'],
    ['text after the value', '{a:1} x'],
    ['a bare word value', '{a:yes}'],
    ['a lone comma', '[,]'],
    ['bare-key nesting deeper than 32', `${'{a:'.repeat(40)}1${'}'.repeat(40)}`],
    ['empty text', ''],
  ])('refuses %s without throwing', (_label, text) => {
    expect(readLenientJson(text)).toEqual({ ok: false });
  });

  it('defines a "__proto__" key as an own property instead of changing the prototype', () => {
    const result = readLenientJson('{__proto__:{polluted:"yes"}, a:"1"}');
    expect(result.ok).toBe(true);
    const value = (result as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
  });
});
