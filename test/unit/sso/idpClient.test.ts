/**
 * The IdP client's validation of every answer, with a stand-in `fetch` (the integration suites use a real
 * HTTP stub): what is accepted, what becomes `failed`, `rejected`, `invalid_grant` or `timeout`, and what the
 * routes answer for each.
 */
import { describe, expect, it } from 'vitest';
import { createIdpClient, IdpError, MAX_IDP_ANSWER_BYTES, refusalOf } from '../../../shared/sso/idpClient';

const base = new URL('https://idp.example.com/');
const client = { clientId: 'c', clientSecret: 's' };
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers })) as unknown as typeof fetch;

describe('createIdpClient', () => {
  it.each([
    [{ access_token: 'a', expires_in: 7200, refresh_token: 'r' }, { accessToken: 'a', refreshToken: 'r', expiresInS: 7200 }],
    [{ access_token: 'a', expires_in: '3600', token_type: 'bearer' }, { accessToken: 'a', expiresInS: 3600 }],
    [{ access_token: 'a', refresh_token: null, expires_in: null, scope: null }, { accessToken: 'a', expiresInS: 7200 }],
  ])('reads the token answer %j', async (body, tokens) => {
    await expect(createIdpClient({ timeoutMs: 1000, fetch: answer(200, body) }).exchangeCode(base, client, 'code', 'https://app/cb')).resolves.toEqual(tokens);
  });

  it.each([
    ['no access_token', 200, { token_type: 'Bearer' }, 'failed'],
    ['a bad expires_in', 200, { access_token: 'a', expires_in: -5 }, 'failed'],
    ['an expires_in that is text', 200, { access_token: 'a', expires_in: 'soon' }, 'failed'],
    ['not JSON', 200, '<html>', 'failed'],
    ['an oversized answer', 200, 'x'.repeat(MAX_IDP_ANSWER_BYTES + 1), 'failed'],
    ['invalid_grant', 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' }, 'invalid_grant'],
    ['invalid_client', 401, { error: 'invalid_client', error_description: 'Bad client credentials' }, 'rejected'],
    ['HTTP 403 without a body', 403, '', 'rejected'],
    ['HTTP 503', 503, { error: 'x' }, 'failed'],
    ['a redirect', 302, '', 'failed'],
  ])('turns %s into %s', async (_what, status, body, kind) => {
    const err = await createIdpClient({ timeoutMs: 1000, fetch: answer(status as number, body) }).exchangeCode(base, client, 'code', 'cb').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdpError);
    expect((err as IdpError).kind).toBe(kind);
  });

  it('times out after its limit, or at once when the request deadline has passed', async () => {
    const hanging = ((_url: URL, init: { signal: AbortSignal }) => new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)))) as unknown as typeof fetch;
    const started = Date.now();
    const err = await createIdpClient({ timeoutMs: 100, fetch: hanging }).userinfo(base, 'a').catch((e: unknown) => e);
    expect((err as IdpError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
    const late = await createIdpClient({ timeoutMs: 5000, fetch: hanging }).userinfo(base, 'a', { deadlineAt: Date.now() - 1 }).catch((e: unknown) => e);
    expect((late as IdpError).kind).toBe('timeout');
  });

  it('reports an unreachable IdP as failed', async () => {
    const refused = (async () => { throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }); }) as unknown as typeof fetch;
    const err = await createIdpClient({ timeoutMs: 1000, fetch: refused }).userinfo(base, 'a').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'failed', message: expect.stringContaining('ECONNREFUSED') });
  });

  it.each([
    [{ userName: 'u', name: 'N', role: 'admin', organizationCode: 'o', tenant: 't', email: 'x' }, { userName: 'u', name: 'N', role: 'admin', organizationCode: 'o', tenant: 't' }],
    [{ loginName: 'u2', tenant: 42 }, { userName: 'u2', tenant: '42' }],
    [{ userName: 'u', tenant: null, name: null }, { userName: 'u' }],
  ])('reads userinfo %j', async (body, user) => {
    await expect(createIdpClient({ timeoutMs: 1000, fetch: answer(200, body) }).userinfo(base, 'a')).resolves.toEqual(user);
  });

  it.each([[{ name: 'no user name' }], [{ userName: 5 }], [[]]])('refuses userinfo %j as failed', async (body) => {
    const err = await createIdpClient({ timeoutMs: 1000, fetch: answer(200, body) }).userinfo(base, 'a').catch((e: unknown) => e);
    expect((err as IdpError).kind).toBe('failed');
  });

  it.each([
    ['invalid_grant', 'invalid_code', 400],
    ['rejected', 'idp_error', 502],
    ['failed', 'idp_error', 502],
    ['timeout', 'idp_timeout', 504],
  ] as const)('maps %s to %s (%i)', (kind, reason, status) => {
    expect(refusalOf(new IdpError(kind, 'm'), 'invalid_code')).toMatchObject({ reason, status });
  });
});
