import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashSlot, hashedPart } from '../../../shared/store/hashSlot';
import { auditKey, escapeTagId, instanceIdOfTag, instanceTag, nonceKey, recordKey, sessionTag, tagOfKey, tenantTag, unescapeTagId } from '../../../shared/store/keys';

describe('escapeTagId', () => {
  it.each([
    ['abc', 'abc'],
    ['a{b', 'a%7Bb'],
    ['a}b', 'a%7Db'],
    ['100%', '100%25'],
    ['%7B', '%257B'],
    ['', '%'],
  ])('escapes %j as %j', (id, escaped) => {
    expect(escapeTagId(id)).toBe(escaped);
  });

  it('never outputs a brace and never maps two ids to the same text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(escapeTagId(a)).not.toMatch(/[{}]/);
        if (a !== b) expect(escapeTagId(a)).not.toBe(escapeTagId(b));
      }),
    );
  });
});

describe('recordKey', () => {
  it('names the documented layout kg:{<id>}:rec, :nonce:<nonce> and :log', () => {
    expect([recordKey('i-1'), nonceKey('i-1', 'n-9'), auditKey('i-1')]).toEqual([
      'kg:{i-1}:rec',
      'kg:{i-1}:nonce:n-9',
      'kg:{i-1}:log',
    ]);
  });

  it('hashes the whole id, so a crafted id cannot borrow another instance\'s tag', () => {
    expect(hashedPart(recordKey('victim}x'))).toBe('victim%7Dx');
    expect(hashedPart(recordKey('}x'))).toBe('%7Dx');
  });

  it('puts every key of any instance, crafted ids and nonces included, in one slot', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (id, nonce) => {
        const slot = hashSlot(recordKey(id));
        expect(hashSlot(nonceKey(id, nonce))).toBe(slot);
        expect(hashSlot(auditKey(id))).toBe(slot);
      }),
    );
  });
});

describe('tagOfKey', () => {
  it('reads back the tag of every record and audit key, whatever the id (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (tag) => {
        expect(unescapeTagId(escapeTagId(tag))).toBe(tag);
        expect(tagOfKey(recordKey(tag), 'record')).toBe(tag);
        expect(tagOfKey(auditKey(tag), 'audit')).toBe(tag);
        expect(tagOfKey(recordKey(tag), 'audit')).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('names no tag for the other keys a SCAN pattern may also match', () => {
    expect(tagOfKey(nonceKey('a', 'x}:rec'), 'record')).toBeUndefined();
    expect(tagOfKey('kg:{a}b}:rec', 'record')).toBeUndefined();
    expect(tagOfKey('kg:{}:rec', 'record')).toBeUndefined();
    expect(tagOfKey('kg:{usage}:ledger:rec', 'record')).toBeUndefined();
    expect(tagOfKey('other:{a}:rec', 'record')).toBeUndefined();
  });
});

describe('instanceIdOfTag', () => {
  it('gives the instance back for instance tags and nothing for tenants and sessions', () => {
    for (const id of ['abc', 'i:x', 't:y', 'tt:z', 's:w', 'ops:alerts', 'usage', '']) expect(instanceIdOfTag(instanceTag(id))).toBe(id);
    expect(instanceIdOfTag(tenantTag('t1'))).toBeUndefined();
    expect(instanceIdOfTag(tenantTag('t1', true))).toBeUndefined();
    expect(instanceIdOfTag(sessionTag('sid'))).toBeUndefined();
    expect(instanceIdOfTag('ops:alerts')).toBeUndefined();
  });
});
