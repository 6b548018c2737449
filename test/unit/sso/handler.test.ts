/**
 * The SSO handler's own duties, on MemoryStore: a configuration error answers 500 `server_error` (HTML, or
 * JSON on /sso/session) and logs the setting's name; a store that fails gives the same, without detail.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defineMerchant } from '../../../shared/merchant';
import { ssoLoginHandler, ssoLogoutHandler } from '../../../shared/handlers';
import type { ApigEvent } from '../../../shared/platform/apig';
import { localContext } from '../../../shared/platform/context';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import type { Store } from '../../../shared/store/Store';

const event = (path: string, accept = 'text/html'): ApigEvent => ({ httpMethod: 'GET', path, headers: { accept, cookie: `kg_session=${'a'.repeat(43)}` }, queryStringParameters: { code: 'c', tenant: 't' }, body: '', isBase64Encoded: true });

describe('the SSO handler', () => {
  it.each([
    ['/sso/callback', 'text/html', /^text\/html/],
    ['/sso/session', 'text/html', /^application\/json/],
  ])('answers a missing KG_SSO_APP_ID on %s with 500 server_error and logs the setting name', async (path, accept, type) => {
    const logs: string[] = [];
    const merchant = defineMerchant({}, { settings: { KG_DATA_KEY: randomBytes(32).toString('base64'), KG_SSO_APP_URL: 'https://a.example/', KG_SSO_CALLBACK_URL: 'https://a.example/sso/callback' }, store: new MemoryStore() });
    const res = await ssoLoginHandler(merchant)(event(path, accept), localContext({ log: (l) => logs.push(l) }));
    expect(res.statusCode).toBe(500);
    expect(res.headers['Content-Type']).toMatch(type);
    expect(res.body).toContain('server_error');
    expect(res.body).not.toContain('KG_SSO_APP_ID');
    expect(logs.join('\n')).toContain('missing setting KG_SSO_APP_ID');
  });

  it('answers a failing store with 500 server_error, the error named in the log only', async () => {
    const broken = new Proxy(new MemoryStore(), {
      get(target, prop, receiver) {
        if (prop === 'begin' || prop === 'read') return async () => { throw Object.assign(new Error('connection refused 10.0.0.5:6379'), { name: 'StoreUnavailableError' }); };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    }) as Store;
    const logs: string[] = [];
    const merchant = defineMerchant({}, { settings: { KG_DATA_KEY: randomBytes(32).toString('base64'), KG_SSO_APP_ID: 'a', KG_SSO_APP_URL: 'https://a.example/', KG_SSO_CALLBACK_URL: 'https://a.example/sso/callback' }, store: broken });
    const res = await ssoLogoutHandler(merchant)({ ...event('/sso/logout'), httpMethod: 'GET' }, localContext({ log: (l) => logs.push(l) }));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('10.0.0.5');
    expect(logs.join('\n')).toContain('StoreUnavailableError');
  });
});
