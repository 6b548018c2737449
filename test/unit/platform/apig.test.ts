import { describe, expect, it } from 'vitest';
import { toApigResponse, toRequest } from '../../../shared/platform/apig';

describe('toRequest', () => {
  it('decodes a base64 body, the APIG default', () => {
    const req = toRequest({ body: Buffer.from('{"a":"中文"}').toString('base64'), isBase64Encoded: true, httpMethod: 'post' });
    expect(req.body.toString('utf8')).toBe('{"a":"中文"}');
    expect(req.method).toBe('POST');
  });

  it('keeps a plain body when isBase64Encoded is false', () => {
    expect(toRequest({ body: '{"a":1}', isBase64Encoded: false }).body.toString()).toBe('{"a":1}');
  });

  it('lower-cases header names and drops non-string values', () => {
    const req = toRequest({ headers: { 'X-Sign': 'abc', 'Content-Type': 'application/json', bad: undefined } });
    expect(req.headers).toEqual({ 'x-sign': 'abc', 'content-type': 'application/json' });
  });

  it('keeps query names as they are and drops non-string values', () => {
    const req = toRequest({ queryStringParameters: { timeStamp: '1', authToken: 'x', n: undefined } });
    expect(req.query).toEqual({ timeStamp: '1', authToken: 'x' });
  });

  it('takes the request id from requestContext, then x-request-id, then the context', () => {
    expect(toRequest({ requestContext: { requestId: 'rc' }, headers: { 'x-request-id': 'h' } }, 'ctx').requestId).toBe('rc');
    expect(toRequest({ headers: { 'X-Request-Id': 'h' } }, 'ctx').requestId).toBe('h');
    expect(toRequest({}, 'ctx').requestId).toBe('ctx');
  });

  it.each([null, undefined, 'text', 42, [], { body: 7, headers: 'x', queryStringParameters: [1] }])('never throws on an odd event (%j)', (event) => {
    const req = toRequest(event as never);
    expect(req.body.length).toBe(0);
    expect(req.headers).toEqual({});
  });
});

describe('toApigResponse', () => {
  it('returns the four fields APIG requires, with a string body', () => {
    const res = toApigResponse({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"resultCode":"000000"}' });
    expect(res).toEqual({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"resultCode":"000000"}', isBase64Encoded: false });
  });
});

describe('toRequest with a parameter named __proto__', () => {
  it('keeps it as an ordinary entry', () => {
    const req = toRequest({ queryStringParameters: JSON.parse('{"__proto__":"x","a":"1"}') as Record<string, string> });
    expect(Object.keys(req.query).sort()).toEqual(['__proto__', 'a']);
    expect(req.query['__proto__']).toBe('x');
  });
});
