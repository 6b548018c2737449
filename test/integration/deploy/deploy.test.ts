import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENCRYPTED_SETTINGS } from '../../../infra/build/renderSyaml';
import { readHistory } from '../../../infra/build/serverlessDevs';
import type { CliIo } from '../../../infra/cli/command';
import { main } from '../../../infra/cli/main';
import { FUNCTIONS, goodSecrets, startFakeProject, type FakeProject } from './fakeServerlessDevs';

let p: FakeProject;
beforeEach(() => {
  p = startFakeProject();
});
afterEach(() => p.close());

async function kg(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    readStdin: async () => {
      throw new Error('kg must not read stdin (no prompt)');
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
  };
  const code = await main(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

const secrets = goodSecrets();
const secretValues = Object.values(secrets).filter((v) => v !== '');
const env = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({ ...p.baseEnv, ...secrets, ...extra });
const expectNoSecretIn = (text: string) => {
  for (const v of secretValues) expect(text).not.toContain(v);
};

describe('kg deploy with a stub s on PATH', () => {
  it('builds, then per function deploys once with every secret, applies config, publishes a version and moves live', async () => {
    const r = await kg(['deploy', '--version-name', 'v1'], env());
    expect(r.err).not.toMatch(/refused/);
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, 'dist', 'produce', 'index.js'))).toBe(true);
    const calls = p.calls();
    const syaml = join(p.root, 's.yaml');
    expect(calls.map((c) => c.args)).toEqual(
      FUNCTIONS.flatMap((f) => [
        [f, 'deploy', '-t', syaml],
        [f, 'deploy', '--type', 'config', '-t', syaml],
        [f, 'version', 'publish', '--version-name', 'v1', '--description', 'kg deploy v1', '-t', syaml],
        [f, 'alias', 'publish', '--alias-name', 'live', '--version-name', 'v1', '-t', syaml],
      ]),
    );
    for (const f of FUNCTIONS) {
      const deploys = calls.filter((c) => c.args[0] === f && c.args[1] === 'deploy' && !c.args.includes('--type'));
      expect(deploys).toHaveLength(1);
    }
    // Every call carries every secret exactly as exported (unused ones empty, never unset), and no input.
    for (const c of calls) {
      expect(c.secrets).toEqual(Object.fromEntries(ENCRYPTED_SETTINGS.map((k) => [k, secrets[k]])));
      expect(c.stdin).toBe('');
    }
    expect(readHistory(p.root)).toEqual({ produce: { versions: ['v1'], live: 'v1' }, 'provision-worker': { versions: ['v1'], live: 'v1' } });
    expectNoSecretIn(r.out + r.err);
  });

  it('deploys only the function named by --only', async () => {
    const r = await kg(['deploy', '--only', 'provision-worker', '--no-build', '--version-name', 'v7'], env());
    expect(r.code).toBe(0);
    expect(new Set(p.calls().map((c) => c.args[0]))).toEqual(new Set(['provision-worker']));
    expect(p.calls()).toHaveLength(4);
  });

  it.each(['KG_DATA_KEY', 'KG_OPENAPI_SK'])('refuses to start when %s is not exported, naming it and calling nothing', async (name) => {
    const r = await kg(['deploy', '--no-build'], env({ [name]: undefined }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`${name} is not set in the environment`));
    expect(r.err).toMatch(/refused/);
    expect(p.calls()).toEqual([]);
    expectNoSecretIn(r.out + r.err);
  });

  it('refuses a secret that holds an unexpanded placeholder', async () => {
    const r = await kg(['deploy', '--no-build'], env({ KG_ACCESS_KEY: '${env(KG_ACCESS_KEY)}' }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/KG_ACCESS_KEY holds an unexpanded \$\{\.\.\.\} placeholder/);
    expect(p.calls()).toEqual([]);
  });

  it('refuses an empty required secret and a var still holding a template placeholder', async () => {
    const s = join(p.root, 's.yaml');
    writeFileSync(s, readFileSync(s, 'utf8').replace('vpcId: vpc-0123', 'vpcId: "<vpc-id>"'));
    const r = await kg(['deploy', '--no-build'], env({ KG_DATA_KEY: '' }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/KG_DATA_KEY is missing/);
    expect(r.err).toMatch(/vars\.vpcId still holds the template placeholder/);
    expect(p.calls()).toEqual([]);
  });

  it('refuses an s.yaml whose generated part is stale, calling nothing', async () => {
    const s = join(p.root, 's.yaml');
    writeFileSync(s, readFileSync(s, 'utf8').replace('memorySize: 256', 'memorySize: 512'));
    const r = await kg(['deploy', '--no-build'], env());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/kg build --write-syaml/);
    expect(p.calls()).toEqual([]);
  });

  it('--dry-run prints the plan and each setting with secrets masked, and calls nothing', async () => {
    const r = await kg(['deploy', '--dry-run', '--version-name', 'v3'], env());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/produce: kg-produce in cn-north-4, version v3, alias live/);
    expect(r.out).toMatch(/secret KG_DATA_KEY = \*{6} \(44 chars\) +<- environment KG_DATA_KEY/);
    expect(r.out).toMatch(/plain  KG_REDIS_URL = "redis:\/\/10\.0\.0\.5:6379" +<- s\.yaml vars\.redisUrl/);
    expect(r.out).toMatch(/\$ s provision-worker alias publish --alias-name live --version-name v3/);
    expectNoSecretIn(r.out + r.err);
    expect(p.calls()).toEqual([]);
    expect(existsSync(join(p.root, 'dist'))).toBe(false);
  });

  it('stops at the first failing s call and says which functions were deployed', async () => {
    const r = await kg(['deploy', '--no-build', '--version-name', 'v1'], env({ STUB_S_FAIL: 'provision-worker' }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/failed \(exit 1\) for provision-worker; deployed before it: produce/);
    expect(readHistory(p.root)).toEqual({ produce: { versions: ['v1'], live: 'v1' } });
  });
});

describe('kg rollback with a stub s on PATH', () => {
  it('moves live back to the previous version, then to a given one', async () => {
    expect((await kg(['deploy', '--no-build', '--version-name', 'v1'], env())).code).toBe(0);
    expect((await kg(['deploy', '--no-build', '--version-name', 'v2'], env())).code).toBe(0);
    const before = p.calls().length;
    const r = await kg(['rollback'], env());
    expect(r.code).toBe(0);
    const syaml = join(p.root, 's.yaml');
    expect(p.calls().slice(before).map((c) => c.args)).toEqual(FUNCTIONS.map((f) => [f, 'alias', 'publish', '--alias-name', 'live', '--version-name', 'v1', '-t', syaml]));
    expect(readHistory(p.root).produce).toEqual({ versions: ['v1', 'v2'], live: 'v1' });
    expect(r.out).toMatch(/moving produce live: v2 -> v1/);

    // Nothing older than v1: refused without a call.
    const again = await kg(['rollback', '--only', 'produce'], env());
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/no earlier version recorded/);

    const forward = await kg(['rollback', '--only', 'produce', '--to', 'v2'], env());
    expect(forward.code).toBe(0);
    expect(p.calls().at(-1)!.args).toEqual(['produce', 'alias', 'publish', '--alias-name', 'live', '--version-name', 'v2', '-t', syaml]);
    expect(readHistory(p.root).produce!.live).toBe('v2');
  });

  it('--dry-run says what would move and calls nothing', async () => {
    await kg(['deploy', '--no-build', '--version-name', 'v1'], env());
    await kg(['deploy', '--no-build', '--version-name', 'v2'], env());
    const before = p.calls().length;
    const r = await kg(['rollback', '--dry-run'], env());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/would move provision-worker live: v2 -> v1/);
    expect(p.calls()).toHaveLength(before);
  });
});

describe('kg doctor on the deployment', () => {
  it('passes on good vars and secrets, saying where each value came from and never printing one', async () => {
    const r = await kg(['doctor'], env());
    expect(r.out).toMatch(/0 error\(s\)/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/source: KG_DATA_KEY set, from environment KG_DATA_KEY/);
    expect(r.out).toMatch(/source: KG_PRODUCTION_URL set, from s\.yaml vars\.domain/);
    expect(r.out).toMatch(/source: KG_OPENAPI_AK empty \(not used\), from environment KG_OPENAPI_AK/);
    expectNoSecretIn(r.out);
  });

  it('rejects a placeholder and a missing secret', async () => {
    const r = await kg(['doctor'], env({ KG_REDIS_PASSWORD: '${env(REDIS_PW)}', KG_ACCESS_KEY: undefined }));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[error\] deployment: KG_REDIS_PASSWORD holds an unexpanded/);
    expect(r.out).toMatch(/\[error\] secrets: KG_ACCESS_KEY is not set in the environment \(all functions\)/);
  });
});
