import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkConfig, loadForDoctor } from '../../../infra/build/doctor/configChecks';
import type { Finding } from '../../../infra/build/doctor/finding';
import { checkProductionUrl } from '../../../infra/build/doctor/productionUrl';
import type { CliIo } from '../../../infra/cli/command';
import { command as doctor } from '../../../infra/cli/commands/doctor';

const BASIC = 'basic-key-0123456789abcdef0123456789';
const KIT = 'kit-key-0123456789abcdef0123456789ab';
const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
// The kit functions need the 应用凭证 private key as soon as a kit key is set.
const RSA_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const GOOD: NodeJS.ProcessEnv = {
  KG_ACCESS_KEY: BASIC,
  KG_KIT_ACCESS_KEY: KIT,
  KG_RSA_PRIVATE_KEY: RSA_PEM,
  KG_DATA_KEY: DATA_KEY,
  KG_FRONTEND_URL_TEMPLATE: 'https://app.merchant.cn/t/{instanceId}',
  KG_ADMIN_URL_TEMPLATE: 'https://admin.merchant.cn/t/{instanceId}',
  KG_REDIS_URL: 'redis://10.0.0.5:6379',
  KG_REDIS_PASSWORD: 'redis-password-value',
  KG_PRODUCTION_URL: 'https://saas.merchant.cn',
};

function configFindings(env: NodeJS.ProcessEnv): Finding[] {
  const { config, findings } = loadForDoctor(env);
  return config ? [...findings, ...checkConfig(config)] : findings;
}
const errorsOf = (fs: Finding[]) => fs.filter((f) => f.level === 'error');
const warningsOf = (fs: Finding[]) => fs.filter((f) => f.level === 'warn');

describe('checkProductionUrl', () => {
  it('accepts https on 443 with a domain name', () => {
    expect(checkProductionUrl('https://saas.merchant.cn', 'KG_PRODUCTION_URL')).toEqual([expect.objectContaining({ level: 'ok' })]);
    expect(checkProductionUrl('https://saas.merchant.cn:443/', 'x')[0]!.level).toBe('ok');
  });

  it.each([
    ['plain http', 'http://saas.merchant.cn', /https only/],
    ['another port', 'https://saas.merchant.cn:8443', /port 8443/],
    ['an IPv4 address', 'https://203.0.113.7', /IP address/],
    ['an IPv6 address', 'https://[2001:db8::1]', /IP address/],
    ['a query string', 'https://saas.merchant.cn/?a=1', /query string/],
    ['localhost', 'https://localhost', /not a public domain/],
    ['the placeholder domain', 'https://saas.example.com', /placeholder/],
    ['user information', 'https://u:p@saas.merchant.cn', /user information/],
    ['text that is no URL', 'saas merchant', /not a URL/],
  ])('rejects %s', (_what, url, message) => {
    const errors = errorsOf(checkProductionUrl(url, 'KG_PRODUCTION_URL'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.what).join(' ')).toMatch(message);
    expect(errors.every((e) => e.fix.length > 0)).toBe(true);
  });

  it('warns about a path and about a missing address', () => {
    expect(checkProductionUrl('https://saas.merchant.cn/kg', 'x')).toEqual([expect.objectContaining({ level: 'warn' })]);
    expect(checkProductionUrl(undefined, 'x')).toEqual([expect.objectContaining({ level: 'warn' })]);
  });
});

describe('checkConfig', () => {
  it('finds no error or warning in a complete configuration', () => {
    const fs = configFindings(GOOD);
    expect(errorsOf(fs)).toEqual([]);
    expect(warningsOf(fs)).toEqual([]);
  });

  it.each([
    ['a missing basic key', { KG_ACCESS_KEY: undefined }, 'error', /KG_ACCESS_KEY is missing/],
    ['one key bound to both interface types', { KG_KIT_ACCESS_KEY: BASIC }, 'error', /same key/],
    ['a short key', { KG_ACCESS_KEY: `${BASIC},short` }, 'warn', /shorter than 16/],
    ['a missing data key', { KG_DATA_KEY: undefined }, 'error', /KG_DATA_KEY is missing/],
    ['a data key of the wrong size', { KG_DATA_KEY: Buffer.alloc(16).toString('base64') }, 'error', /not 32 bytes/],
    ['the example URL template', { KG_FRONTEND_URL_TEMPLATE: 'https://app.example.com/{instanceId}' }, 'warn', /example address/],
    ['no frontEndUrl template', { KG_FRONTEND_URL_TEMPLATE: undefined }, 'warn', /KG_FRONTEND_URL_TEMPLATE is not set: buyers get the placeholder/],
    ['no Redis setting at all', { KG_REDIS_URL: undefined }, 'error', /missing setting KG_REDIS_URL or KG_REDIS_CLUSTER_NODES/],
    ['KG_STORE=memory in a deployment', { KG_STORE: 'memory' }, 'error', /KG_STORE=memory/],
    ['the memory store allowed for a demo', { KG_REDIS_URL: undefined, KG_ALLOW_MEMORY_STORE: '1' }, 'warn', /memory store allowed/],
    ['malformed cluster seeds', { KG_REDIS_URL: undefined, KG_REDIS_CLUSTER_NODES: '10.0.0.5:notaport' }, 'error', /KG_REDIS_CLUSTER_NODES/],
    ['the http provisioner without URL', { KG_PROVISIONER: 'http', KG_PROVISIONER_SECRET: 'x'.repeat(40) }, 'error', /without KG_PROVISIONER_URL/],
    ['the http provisioner without secret', { KG_PROVISIONER: 'http', KG_PROVISIONER_URL: 'https://b.merchant.cn' }, 'error', /without KG_PROVISIONER_SECRET/],
    ['a budget longer than the APIG timeout', { KG_PROVISION_BUDGET_MS: '6000' }, 'warn', /budget|5000 ms/],
    ['a placeholder Redis URL', { KG_REDIS_URL: 'redis://<dcs-address>:6379' }, 'error', /placeholder/],
    ['a password inside the Redis URL', { KG_REDIS_URL: 'redis://:pw@10.0.0.5:6379' }, 'warn', /carries a password/],
    ['an unparsable setting', { KG_CLOCK_SKEW_MS: 'soon' }, 'error', /KG_CLOCK_SKEW_MS/],
  ])('reports %s', (_what, change, level, message) => {
    const fs = configFindings({ ...GOOD, ...change });
    const hits = fs.filter((f) => f.level === level && message.test(f.what));
    expect(hits).toHaveLength(1);
  });

  it('neither warns nor errs about settings that are optional: no kit key, no adminUrl template', () => {
    const fs = configFindings({ ...GOOD, KG_KIT_ACCESS_KEY: undefined, KG_ADMIN_URL_TEMPLATE: undefined });
    expect(errorsOf(fs)).toEqual([]);
    expect(warningsOf(fs)).toEqual([]);
  });

  it('never echoes a key, password or data key', () => {
    const fs = configFindings({ ...GOOD, KG_KIT_ACCESS_KEY: BASIC, KG_REDIS_URL: 'redis://:pw-secret@10.0.0.5:6379', KG_DATA_KEY: 'not-a-key-secret' });
    const text = JSON.stringify(fs);
    for (const secret of [BASIC, 'pw-secret', 'not-a-key-secret', 'redis-password-value']) expect(text).not.toContain(secret);
  });
});

describe('kg doctor', () => {
  function run(env: NodeJS.ProcessEnv, args: string[]) {
    const out: string[] = [];
    const io: CliIo = { readStdin: async () => Buffer.alloc(0), out: (t) => out.push(t), err: (t) => out.push(t), env };
    return doctor.run(['--env', ...args], io).then((code) => ({ code, text: out.join('') }));
  }

  it('exits 0 with only ok lines for a sound configuration (Redis skipped)', async () => {
    const { code, text } = await run(GOOD, ['--skip-redis']);
    expect(code).toBe(0);
    expect(text).toMatch(/0 error\(s\), 0 warning\(s\)/);
  });

  it('exits 1 and prints the fix when the production address is an IP', async () => {
    const { code, text } = await run(GOOD, ['--skip-redis', '--url', 'https://203.0.113.7']);
    expect(code).toBe(1);
    expect(text).toMatch(/\[error\] production-url: --url is an IP address/);
    expect(text).toMatch(/fix: bind a domain/);
  });

  it('reads settings from RUNTIME_USERDATA like a deployed function and prints JSON', async () => {
    const { code, text } = await run({ RUNTIME_USERDATA: JSON.stringify(GOOD) }, ['--skip-redis', '--json']);
    expect(code).toBe(0);
    const findings = JSON.parse(text) as Finding[];
    expect(findings.find((f) => f.area === 'production-url')?.level).toBe('ok');
  });

  it('exits 1 without touching Redis when no Redis is configured, reporting it once', async () => {
    const { code, text } = await run({ ...GOOD, KG_REDIS_URL: undefined }, []);
    expect(code).toBe(1);
    expect(text.match(/\[error\] redis: missing setting KG_REDIS_URL or KG_REDIS_CLUSTER_NODES/g)).toHaveLength(1);
  });

  it('exits 1 on a missing Redis setting with --skip-redis too (settings only is still a settings check)', async () => {
    const { code, text } = await run({ ...GOOD, KG_REDIS_URL: undefined }, ['--skip-redis']);
    expect(code).toBe(1);
    expect(text).toMatch(/\[error\] redis: missing setting KG_REDIS_URL or KG_REDIS_CLUSTER_NODES/);
  });
});
