import { describe, expect, it } from 'vitest';
import { applicationKey, departmentKey, emptyTenantDoc, splitKey, userKey } from '../../../shared/kit/model';
import { getOwn, jsonEqual, setOwn, toJsonObject, toJsonValue } from '../../../shared/kit/json';
import { FLAG } from '../../../shared/kit/rules/common';
import { applyTenantSync } from '../../../shared/kit/rules/tenantSync';
import { KIT_FLAG } from '../../../shared/protocol/schemas/kit';
import { T0, deepFreeze, envAt, expectPlainJson, run, tenantReq, written } from './support';

describe('composed keys', () => {
  it.each<[string, string, string, string]>([
    ['a:b', 'c', 'a', 'b:c'],
    ['a\u0000b', 'c', 'a', 'b\u0000c'],
    ['a","b', 'c', 'a', '","b","c'],
    ['', 'x', 'x', ''],
  ])('(%j, %j) and (%j, %j) never collide and split back', (a1, b1, a2, b2) => {
    for (const make of [applicationKey, userKey]) {
      expect(make(a1, b1)).not.toBe(make(a2, b2));
      expect(splitKey(make(a1, b1))).toEqual([a1, b1]);
      expect(splitKey(make(a2, b2))).toEqual([a2, b2]);
    }
  });

  it('a department key is the orgCode', () => {
    expect(departmentKey('10000')).toBe('10000');
  });

  it.each(['10000', '{"a":1}', '[1,2]', 'null'])('splitKey refuses %j', (key) => {
    expect(() => splitKey(key)).toThrow();
  });
});

describe('emptyTenantDoc', () => {
  it('is plain JSON with empty details and no entities', () => {
    const doc = emptyTenantDoc('t', T0, true);
    expectPlainJson(doc);
    expect(doc).toEqual({ tenantId: 't', tenantCode: '', name: '', domainName: '', test: true, instances: [], applications: {}, users: {}, departments: {}, createdAt: T0, updatedAt: T0 });
  });
});

describe('json helpers', () => {
  it.each<[unknown, unknown, boolean]>([
    [{ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1, c: 2 }, false],
    [[1, 2], [2, 1], false],
    [[1], { 0: 1 }, false],
    [null, {}, false],
    ['1', 1, false],
  ])('jsonEqual(%j, %j) = %s', (a, b, equal) => {
    expect(jsonEqual(toJsonValue(a), toJsonValue(b))).toBe(equal);
    expect(jsonEqual(toJsonValue(b), toJsonValue(a))).toBe(equal);
  });

  it('toJsonValue copies deeply and drops what JSON cannot hold', () => {
    const source = { a: [1, undefined, Number.NaN], b: { c: undefined, d: () => 1, e: 'x' }, f: 2n };
    const copy = toJsonValue(source);
    expect(copy).toStrictEqual({ a: [1, null, null], b: { e: 'x' } });
    expect(toJsonValue(undefined)).toBeUndefined();
  });

  it('setOwn/getOwn keep marketplace keys as data, never as prototype or inherited members', () => {
    const record: Record<string, number> = {};
    setOwn(record, '__proto__', 1);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(getOwn(record, '__proto__')).toBe(1);
    expect(getOwn(record, 'constructor')).toBeUndefined();
    expect(getOwn(record, 'toString')).toBeUndefined();
    expect(Object.keys(toJsonObject(record))).toEqual(['__proto__']);
  });
});

describe('FLAG', () => {
  it('matches the schema module\'s KIT_FLAG', () => {
    expect(FLAG).toEqual(KIT_FLAG);
  });
});

describe('the test harness can fail', () => {
  it('catches a rule that mutates its input document', () => {
    const doc = written(run(applyTenantSync, null, tenantReq(1), envAt(T0)));
    const mutating = (d: typeof doc | null) => {
      d!.instances.push('x');
      return { next: undefined, changes: [] };
    };
    expect(() => run(mutating, deepFreeze(structuredClone(doc)), null)).toThrow(TypeError);
  });

  it('catches a document that is not plain JSON', () => {
    expect(() => expectPlainJson({ a: undefined })).toThrow();
    expect(() => expectPlainJson({ a: new Date(0) })).toThrow();
    expect(() => expectPlainJson([1, Number.POSITIVE_INFINITY])).toThrow();
  });
});
