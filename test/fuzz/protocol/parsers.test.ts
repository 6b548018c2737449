import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidParamError } from '../../../shared/core/errors';
import { readLenientJson } from '../../../shared/protocol/lenientJson';
import { parseJsonBody, parseV1Basic, parseV2Basic } from '../../../shared/protocol/parse';
import { parseKit } from '../../../shared/protocol/parseKit';
import { KIT_NAMES, type KitName } from '../../../shared/protocol/schemas/kit';

const RUNS = 10_000;

/** Runs `fn`; it may return or throw an InvalidParamError with a short message, and nothing else. */
function onlyInvalidParam(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof InvalidParamError)) throw err;
    expect(err.resultCode).toBe('000002');
    expect(err.message.length).toBeLessThanOrEqual(200);
  }
}

const V2_BODIES: Array<Record<string, unknown>> = [
  { activity: 'newInstance', businessId: '87b94795-0603-4e24-8ae5-69420d60e3c8', orderId: 'CS2211181819B4LVS', orderLineId: 'CS2211181819B4LVS-000001', testFlag: '1' },
  { activity: 'queryInstance', instanceId: 'a,b,c', testFlag: '1' },
  { activity: 'refreshInstance', expireTime: '20221124023618256', instanceId: 'i', orderId: 'o', orderLineId: 'l', productId: 'p', scene: 'RENEWAL', testFlag: '1' },
  { activity: 'updateInstanceStatus', instanceId: 'i', status: 'FREEZE', testFlag: '1' },
  { activity: 'releaseInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l' },
  { activity: 'upgradeInstance', instanceId: 'i', orderId: 'o', orderLineId: 'l' },
  { activity: 'changeInstanceCheck', instanceId: 'i', productInfo: { productId: 'p', skuCode: 's', linearValue: 3, productName: 'n' } },
  { activity: 'changeInstanceCheck', instanceId: 'i', productInfo: '{"productId":"p","skuCode":"s","linearValue":"3","productName":"n"}' },
];

const V1_QUERIES: Array<Record<string, string>> = [
  { activity: 'newInstance', businessId: 'b', customerId: 'c', expireTime: '20200727153156', orderId: 'o', productId: 'p', testFlag: '1', timeStamp: '20200727073711903', amount: '12', orderAmount: '-1.5' },
  { activity: 'instanceStatus', instanceId: 'i', instanceStatus: 'FREEZE' },
  { activity: 'instanceStatus', instanceId: 'i', status: 'NORMAL' },
  { activity: 'queryInstance', instanceId: 'a,b' },
  { activity: 'upgrade', instanceId: 'i', skuCode: 's' },
  { activity: 'expireInstance', instanceId: 'i' },
];

const USER = { userName: 'u', name: 'n', orgCode: '1', role: 'user', enable: 'true', extension: { employeeType: '4' } };
const KIT_BODIES: Record<KitName, Record<string, unknown>> = {
  tenantSync: { instanceId: 'i', orderId: 'o', tenantId: 't', tenantCode: 'c', name: 'n', domainName: 'd', flag: 1, testFlag: 0, timeStamp: '20220413093539534' },
  applicationSync: { instanceId: 'i', tenantId: 't', appId: 'a', clientId: 'c', clientSecret: 's', flag: 1, testFlag: 0, timeStamp: '20220413093539534' },
  authSync: { instanceId: 'i', tenantId: 't', appId: 'a', userList: [USER], flag: 3, testFlag: 1, timeStamp: '20220413093539534' },
  singleOrgSync: { instanceId: 'i', tenantId: 't', orgCode: '1', OrgName: 'x', flag: 2, testFlag: '0', timeStamp: '20220413093539534' },
  allOrgSync: { instanceId: 'i', tenantId: 't', orgInfoList: '[{orgCode:"1", orgName:"x"}]', testFlag: 0, timeStamp: '20220413093539534' },
};

/** Any value a JSON body can hold, plus strings that look like the interesting cases. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('', '0', '1', '-1', '1.5', 'true', 'null', '[]', '{}', '[{a:"1"}]', '{"x":', '20221324000000', ','.repeat(101), 'x'.repeat(65)),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

/** A valid body with one field replaced, removed, or a random field added. */
function mutated<T extends Record<string, unknown>>(bodies: T[], value: fc.Arbitrary<unknown>) {
  return fc
    .tuple(fc.constantFrom(...bodies), fc.nat(), value, fc.constantFrom('replace', 'remove', 'add'), fc.string({ maxLength: 12 }))
    .map(([body, index, v, op, newKey]) => {
      const copy: Record<string, unknown> = structuredClone(body);
      const keys = Object.keys(copy);
      const key = keys[index % keys.length] as string;
      if (op === 'remove') delete copy[key];
      else if (op === 'replace') copy[key] = v;
      else Object.defineProperty(copy, newKey, { value: v, enumerable: true, writable: true, configurable: true });
      return copy;
    });
}

describe('parseJsonBody', () => {
  it('throws nothing but InvalidParamError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => onlyInvalidParam(() => parseJsonBody(Buffer.from(bytes), 200))),
      { numRuns: RUNS },
    );
  });

  it('throws nothing but InvalidParamError on random JSON text, and returns only objects', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ unit: 'binary' })), (text) =>
        onlyInvalidParam(() => {
          const body = parseJsonBody(Buffer.from(text, 'utf8'), 4096);
          expect(typeof body === 'object' && body !== null && !Array.isArray(body)).toBe(true);
        }),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('parseV2Basic', () => {
  it('throws nothing but InvalidParamError on random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (body) => onlyInvalidParam(() => parseV2Basic(body))), { numRuns: RUNS });
  });

  it('throws nothing but InvalidParamError on mutated valid bodies', () => {
    fc.assert(fc.property(mutated(V2_BODIES, jsonish), (body) => onlyInvalidParam(() => parseV2Basic(body))), { numRuns: RUNS });
  });

  it('returns a serialisable request for every body it accepts', () => {
    fc.assert(
      fc.property(mutated(V2_BODIES, jsonish), (body) =>
        onlyInvalidParam(() => {
          const parsed = parseV2Basic(body);
          expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
        }),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('parseV1Basic', () => {
  it('throws nothing but InvalidParamError on random parameter maps', () => {
    const params = fc.dictionary(fc.oneof(fc.constantFrom('activity', 'instanceId', 'instanceStatus', 'status', 'customerId', 'expireTime'), fc.string()), fc.string({ unit: 'binary' }));
    fc.assert(fc.property(params, (p) => onlyInvalidParam(() => parseV1Basic(p))), { numRuns: RUNS });
  });

  it('throws nothing but InvalidParamError on mutated valid queries', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('', 'FREEZE', 'UNFREEZE', '20200230000000', 'a,,b'));
    fc.assert(fc.property(mutated(V1_QUERIES, text), (p) => onlyInvalidParam(() => parseV1Basic(p as Record<string, string>))), { numRuns: RUNS });
  });
});

describe('parseKit', () => {
  it('throws nothing but InvalidParamError on random JSON values for every interface', () => {
    fc.assert(fc.property(fc.constantFrom(...KIT_NAMES), fc.jsonValue(), (name, body) => onlyInvalidParam(() => parseKit(name, body))), { numRuns: RUNS });
  });

  it('throws nothing but InvalidParamError on mutated valid bodies', () => {
    const bodies = KIT_NAMES.map((name) => ({ ...KIT_BODIES[name], __name: name }));
    fc.assert(
      fc.property(mutated(bodies, jsonish), (body) => {
        const name = (typeof body.__name === 'string' && (KIT_NAMES as string[]).includes(body.__name) ? body.__name : 'tenantSync') as KitName;
        onlyInvalidParam(() => parseKit(name, body));
      }),
      { numRuns: RUNS },
    );
  });

  it('throws nothing but InvalidParamError on random text in the list fields', () => {
    const listText = fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v).replace(/"(\w+)":/g, '$1:')));
    fc.assert(
      fc.property(listText, fc.boolean(), (text, users) =>
        onlyInvalidParam(() => (users ? parseKit('authSync', { ...KIT_BODIES.authSync, userList: text }) : parseKit('allOrgSync', { ...KIT_BODIES.allOrgSync, orgInfoList: text }))),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('readLenientJson', () => {
  it('never throws, and agrees with JSON.parse on standard JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ unit: 'binary' }), fc.jsonValue().map((v) => JSON.stringify(v).replace(/"(\w+)":/g, '$1:'))), (text) => {
        const result = readLenientJson(text);
        let standard: { ok: true; value: unknown } | undefined;
        try {
          standard = { ok: true, value: JSON.parse(text) };
        } catch {
          standard = undefined;
        }
        if (standard) expect(result).toEqual(standard);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads bare-key text as the JSON it abbreviates', () => {
    const bareKeyable = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('\\'));
    fc.assert(
      fc.property(bareKeyable, (v) => {
        const json = JSON.stringify(v);
        const text = json.replace(/"([A-Za-z_$][\w$]*)":/g, '$1:');
        expect(readLenientJson(text)).toEqual({ ok: true, value: JSON.parse(json) });
      }),
      { numRuns: RUNS },
    );
  });
});
