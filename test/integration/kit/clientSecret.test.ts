/**
 * The applicationSync clientSecret round trip by an independent path, on MemoryStore, a standalone Redis and
 * a 3-master Redis Cluster: the RSA pair comes from `kg keygen rsa` (the CLI), the secret is encrypted by the
 * OpenSSL CLI with each OAEP variant the code supports (SHA-256/MGF1-SHA-256, SHA-256/MGF1-SHA-1, SHA-1), the
 * function decrypts it and seals it with the data key (opened here with shared/security/dataSeal), and the
 * clear secret is in no log line, no answer, no stored key or value (every key of the real Redis scanned)
 * and no `kg kit` output. A secret no configured key opens is refused with 000002 naming clientSecret.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationBody, newBinding, tenantBody } from '../../../infra/emulator/kitBodies';
import { readTenant, readTenantDoc } from '../../../shared/kit/read';
import { openSecret, parseDataKey } from '../../../shared/security/dataSeal';
import type { Store } from '../../../shared/store/Store';
import { auditOf, dumpRedis, kitHarness, kitTargets, type KitHarness } from './harness';

const ROOT = resolve(__dirname, '../../..');
const KG = join(ROOT, 'bin/kg.cjs');
const HAS_OPENSSL = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
if (!HAS_OPENSSL) console.warn('clientSecret round trip skipped: the `openssl` CLI is not on PATH (it is the independent encrypting side)');

/** The OAEP variants the function decrypts, as OpenSSL `pkeyutl` options. */
const VARIANTS = [
  { name: 'OAEP SHA-256 / MGF1-SHA-256', opts: ['rsa_oaep_md:sha256', 'rsa_mgf1_md:sha256'] },
  { name: 'OAEP SHA-256 / MGF1-SHA-1 (Java default)', opts: ['rsa_oaep_md:sha256', 'rsa_mgf1_md:sha1'] },
  { name: 'OAEP SHA-1', opts: ['rsa_oaep_md:sha1', 'rsa_mgf1_md:sha1'] },
] as const;

/** The environment of a fresh shell: no KG_* settings of the test runner leak in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KG_')) env[k] = v;
  return { ...env, ...extra };
}

function kg(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [KG, ...args], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `openssl pkeyutl -encrypt` of `secret` with `publicKeyFile`, base64. */
function opensslEncrypt(publicKeyFile: string, secret: string, pkeyopts: readonly string[], padding = 'oaep'): string {
  const args = ['pkeyutl', '-encrypt', '-pubin', '-inkey', publicKeyFile, '-pkeyopt', `rsa_padding_mode:${padding}`, ...pkeyopts.flatMap((o) => ['-pkeyopt', o])];
  const r = spawnSync('openssl', args, { input: Buffer.from(secret, 'utf8') });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout.toString('base64');
}

/** Key pairs from `kg keygen rsa`, made once for the three stores: the newest, an older one, a foreign one. */
let dir: string;
let publicKeyFile: string;
let olderPublicKeyFile: string;
let foreignPublicKeyFile: string;
let privateKeyRing: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kg-kit-secret-'));
  for (const sub of ['new', 'old', 'foreign']) {
    const made = kg(['keygen', 'rsa', '--out', join(dir, sub)]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/public key for 应用凭证管理/);
  }
  publicKeyFile = join(dir, 'new', 'kg-rsa-public.pem');
  olderPublicKeyFile = join(dir, 'old', 'kg-rsa-public.pem');
  foreignPublicKeyFile = join(dir, 'foreign', 'kg-rsa-public.pem');
  // The ring: the newest first, an older one still configured (rotation).
  privateKeyRing = `${readFileSync(join(dir, 'new', 'kg-rsa-private.pem'), 'utf8')}\n${readFileSync(join(dir, 'old', 'kg-rsa-private.pem'), 'utf8')}`;
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_OPENSSL).each(kitTargets())('kit clientSecret round trip on $name', (target) => {
  let store: Store;
  let kit: KitHarness;
  const secrets: string[] = [];
  /** Every tenant the suite touched. */
  const tenantIds = new Set<string>();

  beforeAll(async () => {
    await target.start();
    store = target.store();
    kit = kitHarness({ store, settings: { ...target.settings(), KG_RSA_PRIVATE_KEY: privateKeyRing } });
  });
  afterAll(async () => {
    await store?.close();
    await target.stop();
  });

  /** Opens a sealed value with the data key, as the SSO side will. */
  const unseal = (sealed: string): string => openSecret(parseDataKey(kit.settings.KG_DATA_KEY!), sealed);

  it('kg keygen rsa makes a pair of at least 3072 bits that OpenSSL reads', () => {
    const info = spawnSync('openssl', ['pkey', '-pubin', '-in', publicKeyFile, '-noout', '-text'], { encoding: 'utf8' });
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/Public-Key: \((\d+) bit\)/);
    expect(Number(/Public-Key: \((\d+) bit\)/.exec(info.stdout)![1])).toBeGreaterThanOrEqual(3072);
  });

  it('decrypts a secret OpenSSL encrypted with each OAEP variant, with the newest and the older key of the ring', async () => {
    const b = newBinding('inst-secret', 'CS-secret', 0);
    tenantIds.add(b.tenantId);
    expect((await kit.call('tenantSync', tenantBody(b, 1))).json.resultCode).toBe('000000');
    const expected: Array<[string, string]> = [];
    for (const [i, v] of VARIANTS.entries()) {
      for (const [keyName, file] of [['new', publicKeyFile], ['old', olderPublicKeyFile]] as const) {
        const secret = `Cs-${randomBytes(12).toString('hex')}-秘密-${i}${keyName}`;
        secrets.push(secret);
        const appId = `app-${i}-${keyName}`;
        const r = await kit.call('applicationSync', applicationBody({ ...b, appId }, 1, `client-${i}-${keyName}`, opensslEncrypt(file, secret, v.opts)));
        expect({ variant: v.name, keyName, ...r.json }).toEqual({ variant: v.name, keyName, resultCode: '000000', resultMsg: expect.any(String) });
        expected.push([appId, secret]);
      }
    }
    const doc = await readTenantDoc(store, b.tenantId);
    const opened = Object.values(doc!.applications).map((a) => [a.appId, unseal(a.clientSecretSealed)]).sort();
    expect(opened).toEqual(expected.sort());
    for (const a of Object.values(doc!.applications)) expect(a.clientSecretSealed).not.toContain(unseal(a.clientSecretSealed));
    expect((await readTenant(store, b.tenantId))?.applications.every((a) => a.clientSecretSet)).toBe(true);

    // A repeat of the same secret, encrypted anew, is recognised as the same: nothing written.
    const [appId, secret] = expected[0]!;
    const before = JSON.stringify(await readTenantDoc(store, b.tenantId));
    expect((await kit.call('applicationSync', applicationBody({ ...b, appId }, 1, `client-0-new`, opensslEncrypt(publicKeyFile, secret, VARIANTS[0].opts)))).json.resultCode).toBe('000000');
    expect(JSON.stringify(await readTenantDoc(store, b.tenantId))).toBe(before);
  });

  it('refuses a secret no configured key opens with 000002 naming clientSecret, and stores nothing', async () => {
    const b = newBinding('inst-secret-bad', 'CS-secret-bad', 0);
    tenantIds.add(b.tenantId);
    const secret = `never-${randomBytes(8).toString('hex')}`;
    secrets.push(secret);
    const refused = [
      ['another key pair', opensslEncrypt(foreignPublicKeyFile, secret, VARIANTS[0].opts)],
      ['PKCS#1 v1.5 padding', opensslEncrypt(publicKeyFile, secret, [], 'pkcs1')],
      ['OAEP SHA-512 (not a supported variant)', opensslEncrypt(publicKeyFile, secret, ['rsa_oaep_md:sha512', 'rsa_mgf1_md:sha512'])],
      ['OAEP with a label', opensslEncrypt(publicKeyFile, secret, ['rsa_oaep_md:sha256', 'rsa_oaep_label:6b67'])],
      ['a truncated ciphertext', opensslEncrypt(publicKeyFile, secret, VARIANTS[0].opts).slice(0, 100)],
      ['plain text', secret],
    ] as const;
    for (const [what, clientSecret] of refused) {
      const r = await kit.call('applicationSync', applicationBody(b, 1, 'client-bad', clientSecret));
      expect({ what, code: r.json.resultCode }).toEqual({ what, code: '000002' });
      expect(r.json.resultMsg).toMatch(/clientSecret/);
    }
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
  });

  it('never lets the clear secret into a log line, an answer, the stored data or kg kit output', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(VARIANTS.length * 2);
    const lines = kit.logs.filter((l) => l.includes('application-sync.done'));
    expect(lines.length).toBeGreaterThanOrEqual(VARIANTS.length * 2 + 1);
    const forms = secrets.flatMap((s) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('hex')]);
    for (const s of forms) {
      for (const l of kit.logs) expect(l).not.toContain(s);
      for (const a of kit.answers) expect(a).not.toContain(s);
    }
    // Through the store's own API: documents, audit logs and the failure stream.
    expect(tenantIds.size).toBe(2);
    const stored = JSON.stringify([
      ...(await Promise.all([...tenantIds].map((id) => readTenantDoc(store, id)))),
      ...(await Promise.all([...tenantIds].map((id) => auditOf(store, id)))),
      await store.listFailures({ limit: 10_000 }),
    ]);
    for (const s of forms) expect(stored).not.toContain(s);

    if (target.kind === 'memory') return; // Redis itself, and kg kit (which reads Redis), only for the real servers
    const dump = await dumpRedis(target.rawClients());
    expect(dump.length).toBeGreaterThan(5);
    expect(dump.some((e) => e.value.includes('clientSecretSealed'))).toBe(true);
    for (const s of forms) {
      for (const e of dump) {
        expect(e.key).not.toContain(s);
        expect(e.value).not.toContain(s);
      }
    }

    const env: Record<string, string> = target.kind === 'cluster' ? { KG_REDIS_CLUSTER_NODES: target.settings().KG_REDIS_CLUSTER_NODES! } : { KG_REDIS_URL: target.settings().KG_REDIS_URL! };
    const exists = kg(['kit', 'show', '--help'], env);
    if (exists.status !== 0 && /unknown command/i.test(exists.stderr)) {
      console.warn('kg kit show is not there yet: its part of the check is skipped');
      return;
    }
    for (const id of tenantIds) {
      const known = (await readTenantDoc(store, id)) !== null;
      for (const args of [['kit', 'show', '--tenant', id, '--json'], ['kit', 'show', '--tenant', id], ['kit', 'audit', '--tenant', id, '--json']]) {
        const out = kg(args, env);
        expect({ args, status: out.status }).toEqual({ args, status: known || args[1] === 'audit' ? 0 : 1 });
        const text = out.stdout + out.stderr;
        for (const s of forms) expect(text).not.toContain(s);
        if (known && args[1] === 'show' && args.includes('--json')) {
          const view = JSON.parse(out.stdout) as { applications: Array<Record<string, unknown>> };
          expect(view.applications).toHaveLength(VARIANTS.length * 2);
          for (const a of view.applications) {
            expect(a.clientSecretSet).toBe(true);
            expect(Object.keys(a).some((k) => /secret/i.test(k) && k !== 'clientSecretSet')).toBe(false);
          }
        }
      }
    }
    const list = kg(['kit', 'tenants', '--json'], env);
    expect(list.status).toBe(0);
    for (const s of forms) expect(list.stdout).not.toContain(s);
  }, 120_000);
});
