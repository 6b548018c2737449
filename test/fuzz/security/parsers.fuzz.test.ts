import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidParamError } from '../../../shared/core/errors';
import { canonicalPayload } from '../../../shared/security/canonicalJson';
import { parseOrderedJson, type OrderedValue } from '../../../shared/security/orderedJson';

const RUNS = 10_000;

/** Converts an ordered value to what JSON.parse gives, for an independent comparison. */
function toPlain(v: OrderedValue): unknown {
  switch (v.kind) {
    case 'object': return Object.fromEntries(v.members.map((m) => [m.key, toPlain(m.value)]));
    case 'array': return v.items.map(toPlain);
    case 'number': return Number(v.literal);
    case 'null': return null;
    default: return v.value;
  }
}

/** Text that is often almost JSON: real JSON with one character changed, or arbitrary text. */
const nearJson = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })).map(([j, at, c]) => {
    const i = j.length === 0 ? 0 : at % j.length;
    return j.slice(0, i) + c + j.slice(i + 1);
  }),
  fc.json({ maxDepth: 3 }),
);

function throwsOnlyInvalidParam(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidParamError);
  }
}

describe('parseOrderedJson', () => {
  it('throws nothing but InvalidParamError on arbitrary and near-JSON text', () => {
    fc.assert(fc.property(nearJson, (text) => throwsOnlyInvalidParam(() => parseOrderedJson(text))), { numRuns: RUNS });
  });

  it('reads every valid JSON text as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        expect(toPlain(parseOrderedJson(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('canonicalPayload', () => {
  it('throws nothing but InvalidParamError on arbitrary and near-JSON text', () => {
    fc.assert(fc.property(nearJson, (text) => throwsOnlyInvalidParam(() => canonicalPayload(text))), { numRuns: RUNS });
  });

  it('keeps every non-null top-level member, sorted, and is idempotent', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }), (obj) => {
        const canonical = canonicalPayload(JSON.stringify(obj));
        const expected = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null));
        expect(JSON.parse(canonical)).toEqual(JSON.parse(JSON.stringify(expected)));
        const root = parseOrderedJson(canonical);
        const topKeys = root.kind === 'object' ? root.members.map((m) => m.key) : [];
        expect(topKeys).toEqual(Object.keys(expected).sort());
        expect(canonicalPayload(canonical)).toBe(canonical);
      }),
      { numRuns: RUNS },
    );
  });
});
