import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../infra/cli/main';
import { parseSimulateArgs } from '../../../infra/cli/commands/simulate';
import { BASIC_SCENARIO_NAMES, SCENARIO_NAMES } from '../../../infra/emulator/scenarios/index';
import { captureIo } from '../../support/simulateCli';

const BASE = ['--url', 'http://127.0.0.1:9/', '--key', 'k'];

describe('parseSimulateArgs', () => {
  it('runs every basic scenario by default, v1 included, and kit only with a kit key', () => {
    expect(parseSimulateArgs(BASE, {}).scenarios).toEqual(BASIC_SCENARIO_NAMES);
    expect(BASIC_SCENARIO_NAMES).toContain('v1');
    expect(BASIC_SCENARIO_NAMES).not.toContain('kit');
    expect(parseSimulateArgs([...BASE, '--kit-key', 'kk'], {}).scenarios).toEqual(SCENARIO_NAMES.filter((n) => n !== 'usage' && n !== 'api-product' && n !== 'ops'));
    expect(parseSimulateArgs([...BASE, '--scenario', 'all'], { KG_KIT_ACCESS_KEY: 'kk' }).scenarios).toEqual(SCENARIO_NAMES.filter((n) => n !== 'usage' && n !== 'api-product' && n !== 'ops'));
    expect(SCENARIO_NAMES.slice(-2)).toEqual(['kit', 'sso']);
    expect(BASIC_SCENARIO_NAMES).not.toContain('sso');
  });

  it('reads the kit key (newest of KG_KIT_ACCESS_KEY when --kit-key is absent) and the RSA public key file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-simargs-'));
    try {
      const file = join(dir, 'pub.pem');
      writeFileSync(file, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
      const { options, scenarios } = parseSimulateArgs([...BASE, '--scenario', 'kit', '--rsa-public-key', file], { KG_KIT_ACCESS_KEY: 'new, old' });
      expect(scenarios).toEqual(['kit']);
      expect(options.kitKey).toBe('new');
      expect(options.rsaPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(parseSimulateArgs(BASE, {}).options.kitKey).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--v1'], ['v1']],
    [['--scenario', 'hostile'], ['hostile']],
    [['--scenario', 'hostile', '--v1'], ['hostile', 'v1']],
    [['--scenario', 'trial,purchase'], ['purchase', 'trial']],
  ])('picks scenarios for %j', (extra, expected) => {
    expect(parseSimulateArgs([...BASE, ...extra], {}).scenarios).toEqual(expected);
  });

  it('takes the key from KG_ACCESS_KEY (newest first) when --key is absent', () => {
    expect(parseSimulateArgs(['--url', 'http://x/'], { KG_ACCESS_KEY: 'new, old' }).options.key).toBe('new');
  });

  it('reads numbers and bits', () => {
    const { options, json } = parseSimulateArgs([...BASE, '--bits', '128', '--concurrency', '7', '--timeout', '900', '--json'], {});
    expect(options).toMatchObject({ bits: 128, concurrency: 7, timeoutMs: 900 });
    expect(json).toBe(true);
  });

  it('reads --idp as the fake IdP base URL for sso', () => {
    const { options, scenarios } = parseSimulateArgs([...BASE, '--kit-key', 'kk', '--scenario', 'sso', '--idp', 'http://127.0.0.1:8090/'], {});
    expect(scenarios).toEqual(['sso']);
    expect(options.idpUrl).toBe('http://127.0.0.1:8090');
    expect(parseSimulateArgs(BASE, {}).options.idpUrl).toBeUndefined();
  });
});

describe('kg simulate', () => {
  it.each([
    ['no --url', ['--key', 'k']],
    ['no key anywhere', ['--url', 'http://x/']],
    ['a URL that is not http', ['--url', 'ftp://x/', '--key', 'k']],
    ['an unknown scenario', [...BASE, '--scenario', 'nope']],
    ['bits of 192', [...BASE, '--bits', '192']],
    ['concurrency 0', [...BASE, '--concurrency', '0']],
    ['an unknown option', [...BASE, '--frobnicate']],
    ['--scenario kit without a kit key', [...BASE, '--scenario', 'kit']],
    ['--scenario sso without a kit key', [...BASE, '--scenario', 'sso']],
    ['an --idp that is not a URL', [...BASE, '--kit-key', 'kk', '--idp', 'idp.local']],
    ['an --idp with a path', [...BASE, '--kit-key', 'kk', '--idp', 'http://127.0.0.1:8090/api/v1']],
    ['a kit key equal to the basic key', [...BASE, '--kit-key', 'k']],
    ['an empty --kit-key', [...BASE, '--kit-key', '']],
    ['an --rsa-public-key file that does not exist', [...BASE, '--kit-key', 'kk', '--rsa-public-key', '/nonexistent/kg-pub.pem']],
    ['an --rsa-public-key file that holds no RSA public key', [...BASE, '--kit-key', 'kk', '--rsa-public-key', __filename]],
  ])('exits 2 for %s', async (_name, args) => {
    const io = captureIo();
    expect(await main(['simulate', ...args], io)).toBe(2);
    expect(io.stderr).toMatch(/^kg simulate: /);
  });

  it('exits 1 and reports the failed step when nothing listens at the URL', async () => {
    const io = captureIo();
    const code = await main(['simulate', '--url', 'http://127.0.0.1:9/', '--key', 'k', '--scenario', 'one-time', '--timeout', '2000', '--json'], io);
    expect(code).toBe(1);
    const report = JSON.parse(io.stdout) as { ok: boolean; failures: Array<{ step: string; note: string }> };
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ step: 'newInstance' });
    expect(report.failures[0]?.note).toMatch(/request failed/);
    expect(io.stdout).not.toContain('"k"');
  });
});

describe('kg simulate --ops-redis', () => {
  const ARGS = ['--url', 'http://127.0.0.1:8080', '--key', 'k'];

  it('runs ops in all only with the server\'s Redis', () => {
    expect(parseSimulateArgs(ARGS, {}).scenarios).not.toContain('ops');
    const run = parseSimulateArgs([...ARGS, '--ops-redis', 'redis://127.0.0.1:6379'], {});
    expect(run.scenarios).toEqual([...BASIC_SCENARIO_NAMES, 'ops']);
    expect(run.options.ops).toEqual({ redisUrl: 'redis://127.0.0.1:6379' });
  });

  it('refuses --scenario ops without it, and a URL that is not redis', () => {
    expect(() => parseSimulateArgs([...ARGS, '--scenario', 'ops'], {})).toThrow(/--ops-redis/);
    expect(() => parseSimulateArgs([...ARGS, '--ops-redis', 'http://x'], {})).toThrow(/redis:\/\//);
  });
});
