/**
 * The zod-free reading of common V2 basic bodies (schemas/v2BasicFast.ts) against the zod schema it stands
 * in for: on 30,000 generated bodies, whenever the fast path answers, zod accepts the body too and answers
 * the very same request, keys in the same order; and it takes the ordinary bodies (else it would be dead).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/protocol/parse';
import { withoutNulls } from '../../../shared/protocol/schemas/fields';
import { V2_BASIC_SCHEMAS, type V2BasicRequest } from '../../../shared/protocol/schemas/v2Basic';
import { fastV2Basic } from '../../../shared/protocol/schemas/v2BasicFast';

const ACTIVITIES = Object.keys(V2_BASIC_SCHEMAS) as Array<keyof typeof V2_BASIC_SCHEMAS>;

/** zod's answer for a body, or 'refused'. */
function viaZod(activity: keyof typeof V2_BASIC_SCHEMAS, body: Record<string, unknown>): V2BasicRequest | 'refused' {
  try {
    return validate<V2BasicRequest>(V2_BASIC_SCHEMAS[activity], body);
  } catch {
    return 'refused';
  }
}

const text = fc.oneof(
  fc.string({ minLength: 0, maxLength: 70 }),
  fc.constantFrom('', ' ', 'a', 'x'.repeat(63) + '😀', 'x'.repeat(64), 'x'.repeat(65), 'é'.repeat(64), 'CS1', 'CS1-000001'),
);
const value = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, true, false, null, [], {}, '0', '1', '2', 'RENEWAL', 'FREEZE', 'UNFREEZE', 'TRIAL_TO_FORMAL', 'RENEWAL_CHANGE') },
  { weight: 1, arbitrary: fc.constantFrom('20991231235959', '20991231235959999', '20990230000000', '2099123123595', 'a,b', ' a , b ', 'a,,b', ',', Array.from({ length: 101 }, (_, i) => `i${i}`).join(',')) },
);
const FIELDS = ['orderId', 'orderLineId', 'businessId', 'instanceId', 'scene', 'expireTime', 'productId', 'status', 'testFlag', 'productInfo', 'extra'];
const body = fc.record({
  activity: fc.constantFrom(...ACTIVITIES, 'unknown', '__proto__', 'toString'),
  fields: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: FIELDS.length }),
});

describe('fastV2Basic', () => {
  it('answers only what zod answers, byte for byte and in the same key order (property)', () => {
    let taken = 0;
    fc.assert(
      fc.property(body, ({ activity, fields }) => {
        const clean = withoutNulls({ ...fields, activity });
        const fast = fastV2Basic(activity, clean);
        if (fast === undefined) return;
        taken += 1;
        const slow = viaZod(activity as keyof typeof V2_BASIC_SCHEMAS, clean);
        expect(slow).not.toBe('refused');
        expect(fast).toStrictEqual(slow);
        expect(Object.keys(fast)).toEqual(Object.keys(slow as object));
      }),
      { numRuns: 30_000 },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it.each([
    ['newInstance', { activity: 'newInstance', orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b-1' }],
    ['queryInstance', { activity: 'queryInstance', instanceId: 'a, b,c', testFlag: '1' }],
    ['refreshInstance', { activity: 'refreshInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', scene: 'RENEWAL', expireTime: '20991231235959', productId: '' }],
    ['updateInstanceStatus', { activity: 'updateInstanceStatus', instanceId: 'i', status: 'FREEZE', testFlag: 0 }],
    ['releaseInstance', { activity: 'releaseInstance', instanceId: 'i', orderId: 'o' }],
    ['upgradeInstance', { activity: 'upgradeInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', extra: 'ignored' }],
  ])('takes an ordinary %s body and answers as zod does', (activity, raw) => {
    const fast = fastV2Basic(activity, raw);
    expect(fast).toBeDefined();
    expect(fast).toStrictEqual(viaZod(activity as keyof typeof V2_BASIC_SCHEMAS, raw));
  });

  it('leaves to zod every body it would have to refuse or word', () => {
    const refused: Array<[string, Record<string, unknown>]> = [
      ['newInstance', { activity: 'newInstance', orderId: 'CS1', orderLineId: 'x'.repeat(65), businessId: 'b' }],
      ['newInstance', { activity: 'newInstance', orderId: 'CS1', orderLineId: 'l', businessId: 7 }],
      ['queryInstance', { activity: 'queryInstance', instanceId: 'a,,b' }],
      ['refreshInstance', { activity: 'refreshInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l', scene: 'RENEWAL', expireTime: '20990230000000' }],
      ['updateInstanceStatus', { activity: 'updateInstanceStatus', instanceId: 'i', status: 'FREEZE', testFlag: 'yes' }],
      ['changeInstanceCheck', { activity: 'changeInstanceCheck', instanceId: 'i', productInfo: {} }],
      ['unknown', { activity: 'unknown' }],
    ];
    for (const [activity, raw] of refused) expect(fastV2Basic(activity, raw)).toBeUndefined();
  });
});
