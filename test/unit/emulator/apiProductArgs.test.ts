/**
 * `kg simulate --scenario api-product`: its options (--gateway-key, --gateway-header, --api-path), that it
 * runs without --key and under `all` only with a gateway key; and the emulator's own JWT signer against
 * the project's verifier (written apart, from the same reference).
 */
import { describe, expect, it } from 'vitest';
import { parseSimulateArgs } from '../../../infra/cli/commands/simulate';
import { main } from '../../../infra/cli/main';
import { sseData, usageProblems } from '../../../infra/emulator/apiProductChecks';
import { gatewayToken, parseGatewayKeyPair } from '../../../infra/emulator/gatewayJwt';
import { BASIC_SCENARIO_NAMES, SCENARIO_NAMES } from '../../../infra/emulator/scenarios/index';
import { GatewayAuthError } from '../../../shared/apiProduct/errors';
import { parseGatewayKeyRing, verifyGatewayJwt } from '../../../shared/apiProduct/jwt';
import { captureIo } from '../../support/simulateCli';

const URL_ARGS = ['--url', 'http://127.0.0.1:9/'];

describe('kg simulate --scenario api-product arguments', () => {
  it('needs no --key and reads the pair, the header and the path', () => {
    const { options, scenarios } = parseSimulateArgs([...URL_ARGS, '--scenario', 'api-product', '--gateway-key', 'ak-1:sk:with:colons', '--gateway-header', 'X-Gw-Token', '--api-path', '/api/v2/chat'], {});
    expect(scenarios).toEqual(['api-product']);
    expect(options.gateway).toEqual({ ak: 'ak-1', sk: 'sk:with:colons', header: 'X-Gw-Token', path: '/api/v2/chat' });
  });

  it('defaults to the first of KG_GATEWAY_KEYS, Authorization and /v1/chat/completions', () => {
    const { options } = parseSimulateArgs([...URL_ARGS, '--scenario', 'api-product'], { KG_GATEWAY_KEYS: 'new:s1, old:s2' });
    expect(options.gateway).toEqual({ ak: 'new', sk: 's1', header: 'Authorization', path: '/v1/chat/completions' });
  });

  it('leaves api-product out of "all" without a gateway key and puts it in with one', () => {
    expect(SCENARIO_NAMES).toContain('api-product');
    expect(BASIC_SCENARIO_NAMES).not.toContain('api-product');
    expect(parseSimulateArgs([...URL_ARGS, '--key', 'k'], {}).scenarios).not.toContain('api-product');
    expect(parseSimulateArgs([...URL_ARGS, '--key', 'k', '--gateway-key', 'a:b'], {}).scenarios).toEqual([...BASIC_SCENARIO_NAMES, 'api-product']);
    expect(parseSimulateArgs([...URL_ARGS, '--key', 'k', '--scenario', 'all'], { KG_GATEWAY_KEYS: 'a:b' }).scenarios).toContain('api-product');
  });

  it.each<[string, string[], NodeJS.ProcessEnv]>([
    ['api-product without a gateway key', [...URL_ARGS, '--scenario', 'api-product'], {}],
    ['a gateway key that is not ak:sk', [...URL_ARGS, '--scenario', 'api-product', '--gateway-key', 'just-ak'], {}],
    ['a gateway key without an SK', [...URL_ARGS, '--scenario', 'api-product', '--gateway-key', 'ak:'], {}],
    ['an empty gateway key', [...URL_ARGS, '--scenario', 'api-product', '--gateway-key', ''], {}],
    ['a header name with a space', [...URL_ARGS, '--scenario', 'api-product', '--gateway-key', 'a:b', '--gateway-header', 'X Token'], {}],
    ['a path without /', [...URL_ARGS, '--scenario', 'api-product', '--gateway-key', 'a:b', '--api-path', 'v1/chat'], {}],
    ['another scenario without --key', [...URL_ARGS, '--scenario', 'api-product,one-time', '--gateway-key', 'a:b'], {}],
  ])('exits 2 for %s', async (_what, args, env) => {
    const io = captureIo(env);
    expect(await main(['simulate', ...args], io)).toBe(2);
    expect(io.stderr).toMatch(/^kg simulate: /);
    expect(io.stderr).not.toContain(':b');
  });

  it('exits 1 naming the first step when nothing listens at the URL', async () => {
    const io = captureIo();
    const code = await main(['simulate', ...URL_ARGS, '--scenario', 'api-product', '--gateway-key', 'gw-ak:gw-secret', '--timeout', '2000', '--json'], io);
    expect(code).toBe(1);
    const report = JSON.parse(io.stdout) as { failures: Array<{ step: string; note: string }> };
    expect(report.failures).toEqual([expect.objectContaining({ step: 'chat completion', note: expect.stringMatching(/request failed/) })]);
    expect(io.stdout + io.stderr).not.toContain('gw-secret');
  });
});

describe('the emulator gateway signer', () => {
  const ring = parseGatewayKeyRing(['gw-ak:gw-sk']);
  const now = Date.now();
  const refusal = (t: string) => {
    try {
      verifyGatewayJwt(t, ring, now);
      return 'accepted';
    } catch (e) {
      return e instanceof GatewayAuthError ? e.reason : 'threw';
    }
  };

  it('makes tokens the project verifies, and the hostile variants it refuses for the right reason', () => {
    const spec = { ak: 'gw-ak', sk: 'gw-sk', timestampMs: now };
    expect(refusal(gatewayToken(spec))).toBe('accepted');
    expect(refusal(gatewayToken({ ...spec, sk: 'other' }))).toBe('bad-signature');
    expect(refusal(gatewayToken({ ...spec, alg: 'none', mac: 'none' }))).toBe('alg');
    expect(refusal(gatewayToken({ ...spec, alg: 'HS512', mac: 'sha512' }))).toBe('alg');
    expect(refusal(gatewayToken({ ...spec, tamper: { timestamp: now + 1000 } }))).toBe('bad-signature');
    expect(refusal(gatewayToken({ ...spec, timestampMs: now - 6 * 60_000 }))).toBe('expired');
    expect(refusal(gatewayToken({ ...spec, timestampMs: now + 6 * 60_000 }))).toBe('future');
  });

  it('parses ak:sk', () => {
    expect(parseGatewayKeyPair('a:b:c')).toEqual({ ak: 'a', sk: 'b:c' });
    expect(parseGatewayKeyPair(':b')).toBeUndefined();
    expect(parseGatewayKeyPair('a:')).toBeUndefined();
  });

  it('checks usage and reads event streams as the gateway would', () => {
    expect(usageProblems({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 })).toEqual([]);
    expect(usageProblems({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 4 })).toEqual([expect.stringMatching(/not prompt_tokens \+ completion_tokens/)]);
    expect(usageProblems({ input_tokens: 1, output_tokens: 2 })).toHaveLength(3);
    expect(sseData('data: {"a":1}\r\n\r\ndata: [DONE]\n\n')).toEqual(['{"a":1}', '[DONE]']);
  });
});
