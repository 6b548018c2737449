/**
 * 10,000 fast-check inputs per 联营 kit interface through the real function (kitHandler, MemoryStore, every
 * dependency configured): correctly signed V2 and V1 calls with random bodies (valid-looking and hostile
 * fields, lists as arrays or JSON text, unknown members, `__proto__`), and calls with mutated signatures,
 * keys, headers, timestamps, bodies and replayed nonces. No exception may escape; every answer is HTTP 200
 * JSON with a six-digit resultCode; every refusal is 000001 or 000002 (never 000005: nothing is missing);
 * a correctly signed call is never refused as 000001, a broken one never accepted.
 */
import fc from 'fast-check';
import { constants, generateKeyPairSync, publicEncrypt, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Handler } from '../../../shared/callback/handler';
import { kitHandler } from '../../../shared/handlers';
import { defineMerchant } from '../../../shared/merchant';
import type { ApigEvent } from '../../../shared/platform/apig';
import { localContext } from '../../../shared/platform/context';
import type { KitName } from '../../../shared/protocol/schemas/kit';
import { signV1PostAuthToken } from '../../../shared/security/v1AuthToken';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { signKitRequest } from '../../../shared/testing';
import { signKitRequest as signRawKit } from '../../../infra/emulator/kitSigner';

const RUNS = 10_000;
const KIT_KEY = 'fuzz-kit-key-0001';
const OLD_KIT_KEY = 'fuzz-kit-key-0000';
const BASIC_KEY = 'fuzz-basic-key-0001';

// 2048 bits keeps 10,000 decryptions fast; the 3072-bit path is covered by the clientSecret round trip.
const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CIPHERTEXTS = ['s', 'secret-2', '秘密', 'x'.repeat(180)].map((s) =>
  publicEncrypt({ key: pair.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(s)).toString('base64'));

const SETTINGS = {
  KG_ACCESS_KEY: BASIC_KEY,
  KG_KIT_ACCESS_KEY: `${KIT_KEY},${OLD_KIT_KEY}`,
  KG_DATA_KEY: randomBytes(32).toString('base64'),
  KG_RSA_PRIVATE_KEY: PRIVATE_PEM,
};

// ---------------------------------------------------------------- values

const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom('', ' ', '__proto__', 'constructor', '{', '[]', '{}', 'null', '1e999', '-0', '\u0000', '\ud800', 'true', 'false'),
);
/** Mostly a plausible string of at most `max` characters; sometimes too long, empty or another type. */
const text = (max: number) => fc.oneof(
  { weight: 24, arbitrary: fc.string({ minLength: 1, maxLength: Math.min(max, 16) }) },
  { weight: 1, arbitrary: fc.string({ minLength: max + 1, maxLength: max + 2 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'toString', '%', '{t}') },
  { weight: 1, arbitrary: junk },
);
const pick = <T>(values: readonly T[]) => fc.oneof({ weight: 24, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: junk });
const id = (pool: string[]) => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool) }, { weight: 2, arbitrary: text(64) });
const flag = (values: number[]) => fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...values, ...values.map(String)) }, { weight: 1, arbitrary: pick([9, -1, '1.0', ' 1']) });
const testFlag = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(0, 1, '0', '1') }, { weight: 1, arbitrary: pick([2, -1]) });
const timeStamp = pick(['20220413093539534', '20240101000000000']);
const extras = fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'extra', 'unknownField', 'x-sign', 'authToken'), junk, { maxKeys: 2 });

/** A record with some keys dropped now and then, plus unknown members. */
function body(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  const drop = fc.oneof({ weight: 12, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray(keys, { maxLength: 2 }) });
  return fc.tuple(fc.record(fields), drop, extras).map(([r, dropped, more]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(more)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    for (const [k, v] of Object.entries(r)) if (!dropped.includes(k)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/** A list as an array, as JSON text, as the bare-key text of the V2 example, or junk. */
function listOf(item: fc.Arbitrary<Record<string, unknown>>, maxLength: number): fc.Arbitrary<unknown> {
  const arr = fc.array(item, { maxLength });
  return fc.oneof(
    { weight: 5, arbitrary: arr },
    { weight: 2, arbitrary: arr.map((a) => JSON.stringify(a)) },
    { weight: 1, arbitrary: arr.map((a) => `[${a.map((o) => `{${Object.entries(o).map(([k, v]) => `${k}:${JSON.stringify(v) ?? 'null'}`).join(', ')}}`).join(', ')}]`) },
    { weight: 1, arbitrary: junk },
  );
}

const TENANTS = ['tenant-a', 'tenant-b', '__proto__', '{t}', 't:x'];
const INSTANCES = ['inst-1', 'inst-2', ''];
const APPS = ['app-1', 'app-2'];
const ORGS = ['10000', '10001', '10002', '__proto__'];

const user = body({
  userName: id(['zhangsan', 'lisi', '__proto__', 'constructor']), name: text(64), orgCode: id(['', ...ORGS]), position: text(64), employeeCode: text(64),
  employeeType: pick([1, 2, 3, 4, '1', '4', 0, 5]), role: pick(['admin', 'user']), enable: pick(['true', 'false', true, false]),
  mobile: text(32), email: text(128), workPlace: text(64), entryDate: pick(['2022-11-9', '2023-01-15']),
  extension: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 3 }), fc.constant({ entryDate: '2022-11-9', employeeType: '4', workPlace: '南京' }), junk),
});
const org = fc.tuple(
  body({ orgCode: id(ORGS), parentCode: id(['', ...ORGS]) }),
  fc.constantFrom('orgName', 'OrgName', 'name'),
  text(128),
).map(([o, key, name]) => ({ ...o, [key]: name }));

const BODIES: Record<KitName, fc.Arbitrary<Record<string, unknown>>> = {
  tenantSync: body({
    instanceId: id(INSTANCES), orderId: id(['CS1', '']), tenantId: id(TENANTS), tenantCode: text(64), name: text(255), domainName: text(255),
    flag: flag([0, 1, 2]), testFlag, timeStamp,
  }),
  applicationSync: body({
    instanceId: id(INSTANCES), tenantId: id(TENANTS), appId: id(APPS), clientId: text(64),
    clientSecret: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CIPHERTEXTS) }, { weight: 1, arbitrary: fc.base64String({ maxLength: 400 }) }, { weight: 1, arbitrary: text(2048) }),
    flag: flag([0, 1, 2]), testFlag, timeStamp,
  }),
  authSync: body({
    instanceId: id(INSTANCES), tenantId: id(TENANTS), appId: id(APPS), userList: listOf(user, 4), currentSyncTime: timeStamp,
    flag: flag([0, 1, 2, 3]), testFlag, timeStamp,
  }),
  singleOrgSync: fc.tuple(
    body({ instanceId: id(INSTANCES), tenantId: id(TENANTS), orgCode: id(ORGS), parentCode: id(['', ...ORGS]), flag: flag([0, 1, 2]), testFlag, timeStamp }),
    fc.constantFrom('orgName', 'OrgName', 'name'),
    text(128),
  ).map(([o, key, name]) => ({ ...o, [key]: name })),
  allOrgSync: fc.tuple(
    body({ instanceId: id(INSTANCES), tenantId: id(TENANTS), testFlag, timeStamp, flag: pick([1]) }),
    fc.constantFrom('orgInfoList', 'orgInfo'),
    listOf(org, 5),
  ).map(([o, key, list]) => ({ ...o, [key]: list })),
};

// ---------------------------------------------------------------- requests

type Form = 'v2' | 'v1' | 'v1-form' | 'flip-sign' | 'wrong-key' | 'basic-key' | 'old-key' | 'no-sign' | 'no-nonce' | 'no-timestamp'
  | 'stale' | 'future' | 'body-changed' | 'v1-bad-token' | 'v1-no-token' | 'garbage-headers' | 'not-json' | 'replay';
const FORMS: Form[] = ['v2', 'v1', 'v1-form', 'flip-sign', 'wrong-key', 'basic-key', 'old-key', 'no-sign', 'no-nonce', 'no-timestamp', 'stale', 'future',
  'body-changed', 'v1-bad-token', 'v1-no-token', 'garbage-headers', 'not-json', 'replay'];
/** Correctly signed with a kit key: may be refused only as invalid (000002), never as unauthenticated. */
const SIGNED: ReadonlySet<Form> = new Set(['v2', 'v1', 'v1-form', 'old-key', 'replay']);
/** Signature broken: never accepted. */
const BROKEN: ReadonlySet<Form> = new Set(['flip-sign', 'wrong-key', 'basic-key', 'no-sign', 'body-changed', 'v1-bad-token', 'v1-no-token', 'no-nonce', 'no-timestamp', 'stale', 'future', 'not-json']);
/** Refused with 000002 whatever else is wrong (the clock and nonce are checked first). */
const PARAM: ReadonlySet<Form> = new Set(['no-nonce', 'no-timestamp', 'stale', 'future', 'not-json']);

function event(path: string, headers: Record<string, string>, text: string): ApigEvent {
  return {
    httpMethod: 'POST', path, headers, queryStringParameters: {},
    body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true, requestContext: { requestId: randomUUID() },
  };
}

/**
 * A V2 event: signed over the canonical payload (shared/testing), or with `raw` over the exact text (the
 * emulator's signer), which the server also accepts and which works for text that is not JSON.
 */
function v2(name: KitName, text: string, key: string, opts: { timestamp?: number; raw?: boolean; tamper?: (h: Record<string, string>) => void } = {}): ApigEvent {
  const nowMs = opts.timestamp ?? Date.now();
  const nonce = randomBytes(16).toString('hex');
  const signed = opts.raw
    ? { 'x-sign': signRawKit({ key, nonce, timestamp: String(nowMs), payload: text }), 'x-timestamp': String(nowMs), 'x-nonce': nonce }
    : signKitRequest({ key, body: text, nowMs, nonce });
  const headers: Record<string, string> = { 'content-type': 'application/json', ...signed };
  opts.tamper?.(headers);
  return event(`/produceAPI/v2/${name}`, headers, text);
}

/** V1 JSON or form body with authToken; `token` overrides (null = leave the header out). */
function v1(name: KitName, input: Record<string, unknown>, form: boolean, token?: string | null): ApigEvent {
  // Sign what goes on the wire (JSON turns Infinity into null, -0 into 0).
  const b = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  let authToken: string | undefined;
  try {
    authToken = token === null ? undefined : token ?? signV1PostAuthToken({ key: KIT_KEY, body: b });
  } catch {
    authToken = token ?? 'no-timeStamp';
  }
  const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  const text = form ? new URLSearchParams(Object.entries(b).map(([k, v]): [string, string] => [k, asText(v)])).toString() : JSON.stringify(b);
  const headers: Record<string, string> = { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' };
  if (authToken !== undefined) headers.authToken = authToken;
  // A form body carries text only: sign what the server will read.
  if (form && token === undefined) {
    const sent = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, asText(v)]));
    try {
      headers.authToken = signV1PostAuthToken({ key: KIT_KEY, body: sent });
    } catch {
      // no timeStamp: refused as 000002 either way
    }
  }
  return event(`/produceAPI/${name}`, headers, text);
}

function build(name: KitName, form: Form, b: Record<string, unknown>, garbage: Record<string, string>): ApigEvent[] {
  const text = JSON.stringify(b);
  switch (form) {
    case 'v2': return [v2(name, text, KIT_KEY)];
    case 'old-key': return [v2(name, text, OLD_KIT_KEY)];
    case 'replay': {
      const e = v2(name, text, KIT_KEY);
      return [e, e];
    }
    case 'v1': return [v1(name, b, false)];
    case 'v1-form': return [v1(name, b, true)];
    case 'v1-bad-token': return [v1(name, { ...b, timeStamp: '20240101000000000' }, false, 'dG9rZW4=')];
    case 'v1-no-token': return [v1(name, { ...b, timeStamp: '20240101000000000' }, false, null)];
    case 'flip-sign': return [v2(name, text, KIT_KEY, { tamper: (h) => { h['x-sign'] = h['x-sign']!.replace(/^./, (c) => (c === '0' ? '1' : '0')); } })];
    case 'wrong-key': return [v2(name, text, 'not-the-kit-key')];
    case 'basic-key': return [v2(name, text, BASIC_KEY)];
    case 'no-sign': return [v2(name, text, KIT_KEY, { tamper: (h) => { delete h['x-sign']; } })];
    case 'no-nonce': return [v2(name, text, KIT_KEY, { tamper: (h) => { delete h['x-nonce']; } })];
    case 'no-timestamp': return [v2(name, text, KIT_KEY, { tamper: (h) => { delete h['x-timestamp']; } })];
    case 'stale': return [v2(name, text, KIT_KEY, { timestamp: Date.now() - 61_000 - Math.floor(Math.random() * 1e9) })];
    case 'future': return [v2(name, text, KIT_KEY, { timestamp: Date.now() + 61_000 + Math.floor(Math.random() * 1e9) })];
    case 'body-changed': {
      const e = v2(name, text, KIT_KEY);
      return [{ ...e, body: Buffer.from(JSON.stringify({ ...b, fuzzTampered: 1 }), 'utf8').toString('base64') }];
    }
    case 'garbage-headers': return [v2(name, text, KIT_KEY, { tamper: (h) => Object.assign(h, garbage) })];
    case 'not-json': return [v2(name, text.slice(0, -1), KIT_KEY, { raw: true })];
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

const garbageHeaders = fc.dictionary(
  fc.constantFrom('x-sign', 'x-nonce', 'x-timestamp', 'authtoken', 'content-type', 'x-request-id'),
  fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[0-9a-f]{64}$/), fc.constant(String(Date.now())), fc.constant('')),
  { maxKeys: 3 },
);

describe.each(['tenantSync', 'applicationSync', 'authSync', 'singleOrgSync', 'allOrgSync'] as const)('kit handler fuzz: %s', (name) => {
  it(`answers ${RUNS} random and mutated calls with HTTP 200 JSON; refusals only 000001/000002`, async () => {
    const errors: string[] = [];
    const handler: Handler = kitHandler(defineMerchant({}, { settings: { ...SETTINGS, KG_LOG_LEVEL: 'error' }, store: new MemoryStore() }), name);
    const context = localContext({ log: (l) => { if (errors.length < 20) errors.push(l); } });
    const seen = new Map<string, number>();
    let handlerMs = 0;
    const started = performance.now();

    await fc.assert(
      fc.asyncProperty(BODIES[name], fc.constantFrom(...FORMS), garbageHeaders, async (b, form, garbage) => {
        const events = build(name, form, b, garbage);
        const codes: string[] = [];
        for (const e of events) {
          const t0 = performance.now();
          const res = await handler(e, context);
          handlerMs += performance.now() - t0;
          // Plain checks in the hot loop (an expect per call costs more than the call); `check` throws.
          check(res.statusCode === 200, `HTTP ${res.statusCode}`);
          check(res.isBase64Encoded === false, 'isBase64Encoded');
          check(/^application\/json/.test(res.headers['Content-Type'] ?? ''), `Content-Type ${res.headers['Content-Type']}`);
          const answer = JSON.parse(res.body) as { resultCode: unknown; resultMsg: unknown };
          check(typeof answer.resultCode === 'string' && /^\d{6}$/.test(answer.resultCode), `resultCode ${String(answer.resultCode)}`);
          check(typeof answer.resultMsg === 'string', 'resultMsg');
          codes.push(answer.resultCode as string);
        }
        const code = codes[0]!;
        seen.set(`${form} ${code}`, (seen.get(`${form} ${code}`) ?? 0) + 1);
        for (const c of codes) check(c === '000000' || c === '000001' || c === '000002', `${form}: ${c}\n${errors.join('\n')}`);
        if (SIGNED.has(form)) check(code !== '000001', `${form}: correctly signed, refused as 000001`);
        if (BROKEN.has(form)) check(code !== '000000', `${form}: accepted`);
        if (PARAM.has(form)) check(code === '000002', `${form}: ${code}, not 000002`);
        if (form === 'replay') check(codes[1] === '000002', `replayed nonce: ${codes[1]}`);
      }),
      { numRuns: RUNS },
    );
    if (process.env.KG_FUZZ_STATS) console.log(name, Math.round(handlerMs), Math.round(performance.now() - started), JSON.stringify([...seen].sort()));
    // The generators reach the accepting path and every refusal, not only the parser's front door.
    expect(seen.get('v2 000000') ?? 0).toBeGreaterThan(RUNS / 100);
    expect(seen.get('v1 000000') ?? 0).toBeGreaterThan(RUNS / 100);
    expect(seen.get('v1-form 000000') ?? 0).toBeGreaterThan(RUNS / 100);
    expect(seen.get('v2 000002') ?? 0).toBeGreaterThan(0);
    expect(errors.filter((l) => /"level":"error"/.test(l))).toEqual([]);
  }, 600_000);
});
