/**
 * `api-product`: plays the Agents gateway in front of an API product (platform-and-open-api.md §7.2,
 * issue 13) at `<url><path>` (default `/v1/chat/completions`): every call carries the gateway's HS256 JWT
 * (signed here with `--gateway-key ak:sk`, infra/emulator/gatewayJwt.ts) and the buyer headers
 * (`X-Request-Id`, `X-Customer-Id`, `X-Customer-Name`). It expects `usage` in every 2xx answer, plain and
 * streamed; bad requests answered 4xx JSON (unbilled); and every bad, stale, future, wrong-key, unknown-key,
 * unsigned (`alg: none`), other-algorithm, tampered or malformed token refused with 401 JSON.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { completionProblems, refusalProblems, streamProblems } from '../apiProductChecks';
import { httpResult, type GatewayOptions, type ProbeResult, type ScenarioContext } from '../context';
import { gatewayToken, type GatewayTokenSpec } from '../gatewayJwt';
import { sendHttp, type HttpAnswer } from '../httpClient';

const MINUTE = 60_000;

/** What one call sends. */
interface CallSpec {
  /** The token to send; undefined: no credentials header at all. */
  token?: string;
  body: string | Buffer;
}

/** The chat request every billed step sends. */
function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: 'kg-emulator',
    messages: [
      { role: 'system', content: 'You count words.' },
      { role: 'user', content: 'The quick brown fox jumps over the lazy dog, and the dog sleeps.' },
    ],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

function apiUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A JWT of the configured pair, `ageMs` old, with `variant` on top. */
function token(g: GatewayOptions, ageMs = 0, variant: Partial<GatewayTokenSpec> = {}): string {
  return gatewayToken({ ak: g.ak, sk: g.sk, timestampMs: Date.now() - ageMs, ...variant });
}

export async function apiProduct(ctx: ScenarioContext): Promise<void> {
  const g = ctx.options.gateway;
  if (!g) {
    ctx.skip('api-product', 'needs --gateway-key ak:sk (the key pair of KG_GATEWAY_KEYS)');
    return;
  }
  const url = apiUrl(ctx.options.url, g.path);
  const customerId = randomBytes(16).toString('hex');
  const send = (spec: CallSpec): Promise<HttpAnswer> => {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Request-Id': randomUUID(),
      'X-Customer-Id': customerId,
      'X-Customer-Name': 'kg-emulator-buyer',
    };
    if (spec.token !== undefined) headers[g.header] = g.header.toLowerCase() === 'authorization' ? `Bearer ${spec.token}` : spec.token;
    return sendHttp({ method: 'POST', url, headers, body: spec.body, timeoutMs: ctx.options.timeoutMs });
  };
  let lastStatus = 0;
  const probe = (name: string, expect: string, spec: CallSpec, problemsOf: (a: HttpAnswer) => string[]) =>
    ctx.probe({
      name,
      expect: [expect],
      run: async (): Promise<ProbeResult> => {
        const a = await send(spec);
        lastStatus = a.status;
        return httpResult(a, problemsOf(a));
      },
    });

  // Billed calls: 2xx with usage.
  await probe('chat completion', 'HTTP 2xx with usage', { token: token(g), body: chatBody(false) }, completionProblems);
  // Not even a 2xx (a wrong key pair, a wrong path, nothing listening): every later step would fail the same way.
  if (lastStatus < 200 || lastStatus > 299) ctx.abort('the first billed call got no 2xx answer; the rest would say nothing new');
  await probe('streamed chat completion', 'HTTP 2xx event stream, usage in the final chunk', { token: token(g), body: chatBody(true) }, streamProblems);
  await probe('JWT 4 minutes old (inside the 5-minute validity)', 'HTTP 2xx with usage', { token: token(g, 4 * MINUTE), body: chatBody(false) }, completionProblems);

  // Failed calls: non-2xx JSON, never billed.
  await probe('request without messages', 'HTTP 4xx JSON', { token: token(g), body: JSON.stringify({ model: 'kg-emulator' }) }, (a) => refusalProblems(a));
  await probe('body that is not JSON', 'HTTP 4xx JSON', { token: token(g), body: '{"messages": [' }, (a) => refusalProblems(a));
  await probe('message without a role', 'HTTP 4xx JSON', { token: token(g), body: JSON.stringify({ messages: [{ content: 'hi' }] }) }, (a) => refusalProblems(a));

  // Calls that are not the gateway's: 401 JSON.
  const refused: Array<[string, string | undefined]> = [
    ['no credentials header', undefined],
    ['JWT signed with a wrong SK', token(g, 0, { sk: `${g.sk}-wrong` })],
    ['JWT of an unknown api_key', token(g, 0, { ak: `${g.ak}-unknown` })],
    ['JWT 6 minutes old (stale)', token(g, 6 * MINUTE)],
    ['JWT 6 minutes ahead (future)', token(g, -6 * MINUTE)],
    ['JWT with alg none and no signature', token(g, 0, { alg: 'none', mac: 'none' })],
    ['JWT with alg HS512', token(g, 0, { alg: 'HS512', mac: 'sha512' })],
    ['JWT payload changed after signing', token(g, 0, { tamper: { api_key: g.ak, timestamp: Date.now() + 1_000 } })],
    ['credentials that are not a JWT', 'not-a-jwt'],
  ];
  for (const [name, t] of refused) {
    await probe(name, 'HTTP 401 JSON', { ...(t !== undefined ? { token: t } : {}), body: chatBody(false) }, (a) => refusalProblems(a, 401));
  }
}
