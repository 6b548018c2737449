import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseModel } from '../../../shared/lifecycle/types';
import { AuthError, InvalidParamError, StoreUnavailableError, toResult } from '../../../shared/core/errors';
import { encodeV1Body, escapeNonAscii, responseHeaders, serializeResponse, type V1ResponseOptions } from '../../../shared/protocol/respond';

// The one way answers are built: an encoder for the body, then headers (Body-Sign) over those exact bytes.
const respondV2 = (model: ResponseModel, options: { signKey?: string } = {}) => {
  const body = serializeResponse(model);
  return { body, headers: responseHeaders(body, options.signKey) };
};
const respondV1 = (model: ResponseModel, options: V1ResponseOptions) => {
  const body = encodeV1Body(model, options);
  return { body, headers: responseHeaders(body, options.key) };
};
const errorModel = toResult;
import { decryptCredential } from '../../../shared/security/credentialCipher';

const KEY = 'test-access-key-0001';
const CONTENT_TYPE = 'application/json;charset=UTF-8';

/** Body-Sign computed here with node:crypto, independently of shared/security. */
function expectedBodySign(key: string, body: string): string {
  return `sign_type="HMAC-SHA256", signature="${createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(body, 'utf8')).digest('base64')}"`;
}

/** Hands out the given IVs in order, one per encrypted field. */
function ivs(...values: string[]): () => string {
  const queue = [...values];
  return () => {
    const next = queue.shift();
    if (next === undefined) throw new Error('more IVs requested than supplied');
    return next;
  };
}

const QUERY_EXAMPLE: ResponseModel = {
  resultCode: '000000',
  resultMsg: 'success.',
  info: [
    {
      instanceId: '03pf80c2bae96vc49b80b917bea776d7',
      appInfo: { frontEndUrl: 'https://app.example.com', adminUrl: 'https://admin.example.com', userName: 'admin01', password: 'P@ssw0rd!', memo: '登录说明' },
    },
  ],
};

describe('respondV2', () => {
  it.each<[string, ResponseModel, string]>([
    [
      'the newInstance example',
      { resultCode: '000000', resultMsg: 'success.', instanceId: '03pf80c2bae96vc49b80b917bea776d7' },
      '{"resultCode":"000000","resultMsg":"success.","instanceId":"03pf80c2bae96vc49b80b917bea776d7"}',
    ],
    [
      'the queryInstance example (memo as \\u escapes)',
      QUERY_EXAMPLE,
      '{"resultCode":"000000","resultMsg":"success.","info":[{"instanceId":"03pf80c2bae96vc49b80b917bea776d7","appInfo":{"frontEndUrl":"https://app.example.com","adminUrl":"https://admin.example.com","userName":"admin01","password":"P@ssw0rd!","memo":"\\u767b\\u5f55\\u8bf4\\u660e"}}]}',
    ],
    [
      'an asynchronous create',
      { resultCode: '000004', resultMsg: 'request is processing', instanceId: 'i-1' },
      '{"resultCode":"000004","resultMsg":"request is processing","instanceId":"i-1"}',
    ],
    [
      'usage figures in documented key order',
      {
        resultCode: '000000',
        resultMsg: 'success.',
        info: [{ instanceId: 'i-1', usageInfo: [{ dashboardUrl: 'https://d.example.com', statisticalTime: '20240101010000000', usageValue: 12.5, relatedInstanceId: 'pkg-1' }] }],
      },
      '{"resultCode":"000000","resultMsg":"success.","info":[{"instanceId":"i-1","usageInfo":[{"relatedInstanceId":"pkg-1","usageValue":12.5,"statisticalTime":"20240101010000000","dashboardUrl":"https://d.example.com"}]}]}',
    ],
    ['an empty info list', { resultCode: '000000', resultMsg: 'success.', info: [] }, '{"resultCode":"000000","resultMsg":"success.","info":[]}'],
  ])('writes %s byte for byte', (_label, model, body) => {
    expect(respondV2(model)).toEqual({ body, headers: { 'Content-Type': CONTENT_TYPE } });
  });

  it('writes the keys in protocol order whatever the order of the model', () => {
    const model = { info: [{ appInfo: { memo: 'm', frontEndUrl: 'u' }, instanceId: 'i' }], instanceId: 'i', resultMsg: 'success.', resultCode: '000000' } as ResponseModel;
    expect(respondV2(model).body).toBe('{"resultCode":"000000","resultMsg":"success.","instanceId":"i","info":[{"instanceId":"i","appInfo":{"frontEndUrl":"u","memo":"m"}}]}');
  });

  it('writes only the known fields', () => {
    const model = { resultCode: '000000', resultMsg: 'success.', secret: 'k', appInfo: { frontEndUrl: 'u', token: 't' } } as unknown as ResponseModel;
    expect(respondV2(model).body).toBe('{"resultCode":"000000","resultMsg":"success.","appInfo":{"frontEndUrl":"u"}}');
  });

  it('escapes non-ASCII only in memo and keeps other text as UTF-8', () => {
    const body = respondV2({ resultCode: '000000', resultMsg: '成功', appInfo: { frontEndUrl: 'https://例子.cn', memo: 'é😀"\n' } }).body;
    expect(body).toBe('{"resultCode":"000000","resultMsg":"成功","appInfo":{"frontEndUrl":"https://例子.cn","memo":"\\u00e9\\ud83d\\ude00\\"\\n"}}');
    expect(JSON.parse(body).appInfo.memo).toBe('é😀"\n');
  });

  it('clips resultMsg to 255 characters without splitting a surrogate pair', () => {
    const long = `${'a'.repeat(254)}😀tail`;
    const msg = JSON.parse(respondV2({ resultCode: '000005', resultMsg: long }).body).resultMsg as string;
    expect(msg).toBe('a'.repeat(254));
    expect(JSON.parse(respondV2({ resultCode: '000005', resultMsg: 'b'.repeat(300) }).body).resultMsg).toBe('b'.repeat(255));
  });

  it('adds a Body-Sign header over the exact body when given a key', () => {
    const { body, headers } = respondV2(QUERY_EXAMPLE, { signKey: KEY });
    expect(headers).toEqual({ 'Content-Type': CONTENT_TYPE, 'Body-Sign': expectedBodySign(KEY, body) });
  });
});

describe('respondV1', () => {
  it('signs a body without credentials and adds no encryptType (reference vector V1-C)', () => {
    const { body, headers } = respondV1({ resultCode: '000000', resultMsg: 'success.', instanceId: '87b94795-0603-4e24-8ae5-69420d60e3c8' }, { key: KEY });
    expect(body).toBe('{"resultCode":"000000","resultMsg":"success.","instanceId":"87b94795-0603-4e24-8ae5-69420d60e3c8"}');
    expect(headers).toEqual({ 'Content-Type': CONTENT_TYPE, 'Body-Sign': 'sign_type="HMAC-SHA256", signature="FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU="' });
    expect(headers['Body-Sign']).toBe(expectedBodySign(KEY, body));
  });

  it.each([
    ['1', undefined, 'AbCdEf0123456789We/3PQJmOEsA2sMQgtDRAw==', '0123456789abcdefbXkTxCXeW44rSuoEGzP0TQ=='],
    ['1', '1', 'AbCdEf0123456789We/3PQJmOEsA2sMQgtDRAw==', '0123456789abcdefbXkTxCXeW44rSuoEGzP0TQ=='],
    ['2', '2', 'AbCdEf0123456789X5wYvuMV2C73Uls+aItuyw==', '0123456789abcdefDc5/DV6uP2NDHdCMlpUEOw=='],
  ] as const)('encrypts the newInstance credentials with encryptType %s (option %s) to the reference vectors', (written, option, userName, password) => {
    const model: ResponseModel = { resultCode: '000000', resultMsg: 'success.', instanceId: 'i-1', appInfo: { frontEndUrl: 'https://app.example.com', userName: 'admin', password: 'Huawei@12345', memo: '说明' } };
    const { body, headers } = respondV1(model, { key: KEY, iv: ivs('AbCdEf0123456789', '0123456789abcdef'), ...(option ? { encryptType: option } : {}) });
    expect(body).toBe(
      `{"resultCode":"000000","resultMsg":"success.","instanceId":"i-1","encryptType":"${written}","appInfo":{"frontEndUrl":"https://app.example.com","userName":"${userName}","password":"${password}","memo":"\\u8bf4\\u660e"}}`,
    );
    expect(headers['Body-Sign']).toBe(expectedBodySign(KEY, body));
  });

  it('encrypts the credentials of every queryInstance entry, and they decrypt back', () => {
    const model: ResponseModel = {
      resultCode: '000000',
      resultMsg: 'success.',
      info: [
        { instanceId: 'a', appInfo: { frontEndUrl: 'u', userName: 'admin', password: 'pw-a' } },
        { instanceId: 'b' },
        { instanceId: 'c', appInfo: { frontEndUrl: 'u', userName: '用户名' } },
      ],
    };
    const { body } = respondV1(model, { key: KEY });
    const parsed = JSON.parse(body) as { encryptType: string; info: Array<{ appInfo?: { userName?: string; password?: string } }> };
    expect(parsed.encryptType).toBe('1');
    const open = (field: string | undefined) => decryptCredential({ key: KEY, field: field ?? '', bits: 256 }).text;
    expect(open(parsed.info[0]?.appInfo?.userName)).toBe('admin');
    expect(open(parsed.info[0]?.appInfo?.password)).toBe('pw-a');
    expect(parsed.info[1]).toEqual({ instanceId: 'b' });
    expect(open(parsed.info[2]?.appInfo?.userName)).toBe('用户名');
    expect(body).not.toContain('pw-a');
  });

  it('uses a fresh IV for each field by default', () => {
    const { body } = respondV1({ resultCode: '000000', resultMsg: 'success.', appInfo: { frontEndUrl: 'u', userName: 'same', password: 'same' } }, { key: KEY });
    const { userName, password } = JSON.parse(body).appInfo as { userName: string; password: string };
    expect(userName.slice(0, 16)).not.toBe(password.slice(0, 16));
  });

  it('does not change the model it was given', () => {
    const model: ResponseModel = { resultCode: '000000', resultMsg: 'success.', appInfo: { frontEndUrl: 'u', userName: 'admin', password: 'pw' } };
    respondV1(model, { key: KEY });
    expect(model.appInfo).toEqual({ frontEndUrl: 'u', userName: 'admin', password: 'pw' });
  });
});

describe('errorModel', () => {
  it.each<[string, unknown, string]>([
    ['an InvalidParamError with its message', new InvalidParamError('orderId: required'), '{"resultCode":"000002","resultMsg":"orderId: required"}'],
    ['an AuthError', new AuthError(), '{"resultCode":"000001","resultMsg":"token is invalid"}'],
    ['a hidden store failure', new StoreUnavailableError('redis at 10.0.0.1:6379 refused AUTH s3cret'), '{"resultCode":"000005","resultMsg":"other inner error"}'],
    ['a plain Error', new Error('key=abc123 leaked'), '{"resultCode":"000005","resultMsg":"other inner error"}'],
    ['a thrown string', 'boom', '{"resultCode":"000005","resultMsg":"other inner error"}'],
  ])('answers %s', (_label, err, body) => {
    expect(serializeResponse(errorModel(err))).toBe(body);
  });

  it('gives a model that respondV1 can sign', () => {
    const { body, headers } = respondV1(errorModel(new InvalidParamError('activity: required')), { key: KEY });
    expect(body).toBe('{"resultCode":"000002","resultMsg":"activity: required"}');
    expect(headers['Body-Sign']).toBe(expectedBodySign(KEY, body));
  });
});

describe('escapeNonAscii', () => {
  it.each([
    ['"ascii"', '"ascii"'],
    ['"登录"', '"\\u767b\\u5f55"'],
    ['"\u2028"', '"\\u2028"'],
    ['"\u007f\u0080"', '"\u007f\\u0080"'],
  ])('writes %s as %s', (json, escaped) => {
    expect(escapeNonAscii(json)).toBe(escaped);
  });

  it('keeps the value when parsed back', () => {
    const value = 'Grüße, 世界 😀';
    expect(JSON.parse(escapeNonAscii(JSON.stringify(value)))).toBe(value);
  });
});

describe('serializeResponse', () => {
  it('places encryptType between instanceId and appInfo', () => {
    expect(serializeResponse({ resultCode: '000000', resultMsg: 'success.', appInfo: { frontEndUrl: 'u' }, instanceId: 'i' }, '2')).toBe(
      '{"resultCode":"000000","resultMsg":"success.","instanceId":"i","encryptType":"2","appInfo":{"frontEndUrl":"u"}}',
    );
  });
});

describe('serializeResponse, any model', () => {
  const text = fc.string({ unit: 'binary', maxLength: 20 });
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const appInfo = fc.record({ frontEndUrl: text, adminUrl: opt(text), userName: opt(text), password: opt(text), memo: opt(text) });
  const usage = fc.record({ relatedInstanceId: opt(text), usageValue: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), statisticalTime: opt(text), dashboardUrl: opt(text) });
  const model = fc.record({
    resultCode: text, resultMsg: text, instanceId: opt(text), appInfo: opt(appInfo),
    info: opt(fc.array(fc.record({ instanceId: text, appInfo: opt(appInfo), usageInfo: opt(fc.array(usage, { maxLength: 2 })) }), { maxLength: 3 })),
  }) as fc.Arbitrary<ResponseModel>;
  const ORDER = ['resultCode', 'resultMsg', 'instanceId', 'encryptType', 'appInfo', 'info'];
  /** The model as JSON.stringify writes it with protocol key order and undefined members left out. */
  const expected = (m: ResponseModel, encryptType?: string): string => {
    const ordered = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
    const app = (a: Record<string, unknown>) => ordered(a, ['frontEndUrl', 'adminUrl', 'userName', 'password', 'memo']);
    const top = { ...m, encryptType } as Record<string, unknown>;
    if (m.appInfo) top.appInfo = app(m.appInfo as unknown as Record<string, unknown>);
    if (m.info) top.info = m.info.map((e) => ordered({ ...e, appInfo: e.appInfo && app(e.appInfo as unknown as Record<string, unknown>),
      usageInfo: e.usageInfo?.map((u) => ordered(u as unknown as Record<string, unknown>, ['relatedInstanceId', 'usageValue', 'statisticalTime', 'dashboardUrl'])) }, ['instanceId', 'appInfo', 'usageInfo']));
    return JSON.stringify(ordered(top, ORDER));
  };

  it('writes what JSON.stringify writes in protocol order, but for memo escapes (same value parsed back)', () => {
    fc.assert(
      fc.property(model, fc.constantFrom(undefined, '1', '2'), (m, encryptType) => {
        const body = serializeResponse(m, encryptType as '1' | '2' | undefined);
        // resultMsg stays under the 255-unit clip here (its own test above covers clipping).
        expect(JSON.parse(body)).toEqual(JSON.parse(expected(m, encryptType)));
        const hasMemo = m.appInfo?.memo !== undefined || (m.info ?? []).some((e) => e.appInfo?.memo !== undefined);
        if (!hasMemo) expect(body).toBe(expected(m, encryptType));
      }),
      { numRuns: 1000 },
    );
  });
});
