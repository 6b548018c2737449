/**
 * `kg kit show|tenants|audit` as real processes (`node bin/kg.cjs`) on a real redis-server, reading what
 * the real kit functions wrote: signed calls through kitHandler, applicationSync with an RSA-OAEP
 * (SHA-256) clientSecret. The clear secret, its ciphertext, its sealed form and its digest never appear
 * in any output.
 */
import { spawn } from 'node:child_process';
import { constants, generateKeyPairSync, publicEncrypt, randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from '../../../shared/callback/handler';
import { kitHandler } from '../../../shared/handlers';
import { readTenantDoc } from '../../../shared/kit/read';
import { defineMerchant } from '../../../shared/merchant';
import type { ApigEvent } from '../../../shared/platform/apig';
import { loadConfig, settingSource } from '../../../shared/platform/config';
import type { KitName } from '../../../shared/protocol/schemas/kit';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { signKitRequest } from '../../../shared/testing';
import { invoke } from '../../support/produceClient';
import { startRedis, withAdmin, type RedisServer } from '../../support/redis';

const ROOT = resolve(__dirname, '../../..');
const KG = resolve(ROOT, 'bin/kg.cjs');
const KIT_KEY = 'test-kit-access-key-0001';
const TIME_STAMP = '20220413093539534';

const TENANT = randomBytes(16).toString('hex');
/** A tenant that only has seller test data. */
const TEST_ONLY = randomBytes(16).toString('hex');
/** A tenant that is bound and then unbound (removed; its audit stays). */
const GONE = randomBytes(16).toString('hex');
const I1 = 'huaiweitest123456';
const I2 = 'instance-two-0001';
const APP = 'app-8a2b';
const CLIENT_ID = 'client-id-4f1c';
const CLEAR_SECRET = `clear-secret-${randomBytes(12).toString('hex')}`;
const TEST_SECRET = `test-secret-${randomBytes(12).toString('hex')}`;
/** A display name that tries to forge a line of output (and clear the screen) when printed raw. */
const HOSTILE_NAME = 'Mallory\nusers (0): none\u001b[2J';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a fresh shell: no KG_* settings leak in from the test runner. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KG_')) env[k] = v;
  return { ...env, ...extra };
}

describe('kg kit', () => {
  let redis: RedisServer;
  let store: Store;
  let handlers: Record<KitName, Handler>;
  /** Every value that must never be printed, filled in beforeAll. */
  const secrets: string[] = [CLEAR_SECRET, TEST_SECRET];
  /** Every output of every run, checked once more at the end. */
  const outputs: string[] = [];

  /** Runs `node bin/kg.cjs <args>` with KG_REDIS_URL set; checks no secret is in what it printed. */
  function kg(args: string[], env: Record<string, string> = { KG_REDIS_URL: redis.url }): Promise<Run> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [KG, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        outputs.push(stdout, stderr);
        for (const s of secrets) expect(stdout + stderr).not.toContain(s);
        done({ code, stdout, stderr });
      });
    });
  }

  /** One signed V2 kit call through the real handler; expects 000000. */
  async function call(name: KitName, body: Record<string, unknown>): Promise<void> {
    const text = JSON.stringify({ timeStamp: TIME_STAMP, ...body });
    const event: ApigEvent = {
      httpMethod: 'POST',
      path: `/produceAPI/v2/${name}`,
      headers: { ...signKitRequest({ key: KIT_KEY, body: text }), 'content-type': 'application/json' },
      body: Buffer.from(text, 'utf8').toString('base64'),
      isBase64Encoded: true,
      requestContext: { requestId: randomUUID() },
    };
    const answer = await invoke(handlers[name], event);
    expect({ name, ...answer.json }).toEqual({ name, resultCode: '000000', resultMsg: expect.any(String) });
  }

  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const settings = {
      KG_KIT_ACCESS_KEY: KIT_KEY,
      KG_DATA_KEY: randomBytes(32).toString('base64'),
      KG_REDIS_URL: redis.url,
      KG_RSA_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    store = createStore(loadConfig(settingSource(settings)), { allowMemory: false });
    const merchant = defineMerchant({}, { settings, store });
    handlers = {
      tenantSync: kitHandler(merchant, 'tenantSync'),
      applicationSync: kitHandler(merchant, 'applicationSync'),
      authSync: kitHandler(merchant, 'authSync'),
      singleOrgSync: kitHandler(merchant, 'singleOrgSync'),
      allOrgSync: kitHandler(merchant, 'allOrgSync'),
    };
    const encrypt = (secret: string): string =>
      publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(secret, 'utf8')).toString('base64');
    const ciphertext = encrypt(CLEAR_SECRET);
    const testCiphertext = encrypt(TEST_SECRET);
    secrets.push(ciphertext, testCiphertext);

    // Production: one tenant bound to two instances, one application, three users (one cancelled, one
    // disabled), and a department tree of two roots.
    const tenant = { tenantId: TENANT, tenantCode: 'huawei', name: '华为测试企业', domainName: 'https://example.tenantaccount.com', testFlag: 0 };
    await call('tenantSync', { ...tenant, instanceId: I1, orderId: 'CS1906666666ABCDE', flag: 1 });
    await call('tenantSync', { ...tenant, instanceId: I2, orderId: 'CS1906666666ABCDF', flag: 1 });
    await call('applicationSync', { tenantId: TENANT, instanceId: I1, appId: APP, clientId: CLIENT_ID, clientSecret: ciphertext, flag: 1, testFlag: 0 });
    const user = (userName: string, extra: Record<string, unknown>) => ({ userName, name: userName, orgCode: '', role: 'user', enable: 'true', ...extra });
    await call('authSync', {
      tenantId: TENANT, instanceId: I1, appId: APP, flag: 1, testFlag: 0,
      userList: [
        user('zhangsan', { name: '张三', role: 'admin', orgCode: '10001', email: 'zs@example.com' }),
        user('lisi', { name: '李四', enable: 'false', orgCode: '10002' }),
        user('wangwu', { name: '王五' }),
        user('mallory', { name: HOSTILE_NAME, orgCode: '99999' }),
      ],
    });
    await call('authSync', { tenantId: TENANT, instanceId: I1, appId: APP, flag: 3, testFlag: 0, userList: [user('wangwu', { name: '王五' })] });
    await call('allOrgSync', {
      tenantId: TENANT, instanceId: I1, testFlag: 0,
      orgInfoList: [
        { orgCode: '10000', orgName: '总部' },
        { orgCode: '10001', orgName: '开发部', parentCode: '10000' },
        { orgCode: '10002', orgName: '测试组', parentCode: '10001' },
        { orgCode: '20000', orgName: '分公司' },
      ],
    });

    // The seller's test data for the same tenantId (testFlag 1, empty instanceId and orderId), and a
    // tenant that only has test data.
    const testTenant = { tenantCode: 'seller', name: '卖家测试', domainName: 'https://seller.tenantaccount.com', testFlag: 1, instanceId: '', orderId: '', flag: 1 };
    await call('tenantSync', { ...testTenant, tenantId: TENANT });
    await call('applicationSync', { tenantId: TENANT, instanceId: '', appId: APP, clientId: 'seller-client', clientSecret: testCiphertext, flag: 1, testFlag: 1 });
    await call('tenantSync', { ...testTenant, tenantId: TEST_ONLY });

    // A tenant bound and unbound again: removed, its audit kept.
    const gone = { tenantId: GONE, tenantCode: 'gone', name: 'gone', domainName: 'https://gone.example.com', testFlag: 0, instanceId: I1, orderId: 'CS1' };
    await call('tenantSync', { ...gone, flag: 1 });
    await call('tenantSync', { ...gone, flag: 0 });

    // What is stored: the sealed secret (and its digest) must exist, differ from the clear text, and never be shown.
    for (const test of [false, true]) {
      const doc = await readTenantDoc(store, TENANT, { test });
      const bindings = Object.values(doc?.applications ?? {});
      expect(bindings).toHaveLength(1);
      for (const b of bindings) {
        expect(b.clientSecretSealed).not.toBe('');
        expect(b.clientSecretSealed).not.toContain(test ? TEST_SECRET : CLEAR_SECRET);
        secrets.push(b.clientSecretSealed, ...(b.clientSecretDigest ? [b.clientSecretDigest] : []));
      }
    }
    // Nor is the clear secret anywhere in Redis, whatever the key type.
    const dump = await withAdmin(redis.port, async (r) => {
      const keys = await r.keys('*');
      const values = await Promise.all(keys.map(async (k) => {
        const type = await r.type(k);
        const value: unknown =
          type === 'hash' ? await r.hgetall(k)
          : type === 'list' ? await r.lrange(k, 0, -1)
          : type === 'set' ? await r.smembers(k)
          : type === 'zset' ? await r.zrange(k, 0, '-1')
          : type === 'string' ? await r.get(k)
          : `unexpected type ${type}`;
        return `${k} ${JSON.stringify(value)}`;
      }));
      return values.join('\n');
    });
    expect(dump).toContain(`kg:{t:${TENANT}}:rec`);
    expect(dump).not.toContain('unexpected type');
    expect(dump).not.toContain(CLEAR_SECRET);
    expect(dump).not.toContain(TEST_SECRET);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('kg --help lists kit, and kg kit --help shows the three sub-commands', async () => {
    const help = await kg(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^\s+kit\s+\S/m);
    const usage = await kg(['kit', '--help']);
    expect(usage.code).toBe(0);
    for (const sub of ['kg kit show --tenant', 'kg kit tenants', 'kg kit audit --tenant']) expect(usage.stdout).toContain(sub);
  }, 90_000);

  it('show --json prints the tenant under the marketplace field names, with exactly the five keys', async () => {
    const r = await kg(['kit', 'show', '--tenant', TENANT, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const view = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(view)).toEqual(['tenant', 'instances', 'applications', 'users', 'departments']);
    expect(view.tenant).toEqual({ tenantId: TENANT, tenantCode: 'huawei', name: '华为测试企业', domainName: 'https://example.tenantaccount.com', test: false });
    expect(view.instances).toEqual([I1, I2]);
    expect(view.applications).toEqual([{ instanceId: I1, appId: APP, clientId: CLIENT_ID, clientSecretSet: true, updatedAt: expect.any(Number) }]);
    expect(r.stdout).not.toMatch(/clientSecret(?!Set)/);
    expect(r.stdout).not.toMatch(/sealed|digest/i);
    const users = view.users as Array<Record<string, unknown>>;
    expect(users.map((u) => u.userName)).toEqual(['lisi', 'mallory', 'wangwu', 'zhangsan']);
    expect(users.find((u) => u.userName === 'zhangsan')).toMatchObject({ appId: APP, name: '张三', role: 'admin', enable: true, authorized: true, orgCode: '10001', email: 'zs@example.com' });
    expect(users.find((u) => u.userName === 'lisi')).toMatchObject({ enable: false, authorized: true, orgCode: '10002' });
    expect(users.find((u) => u.userName === 'wangwu')).toMatchObject({ enable: true, authorized: false, orgCode: '' });
    expect(users.find((u) => u.userName === 'mallory')).toMatchObject({ name: HOSTILE_NAME });
    expect(view.departments).toEqual([
      { orgCode: '10000', orgName: '总部', parentCode: '' },
      { orgCode: '10001', orgName: '开发部', parentCode: '10000' },
      { orgCode: '10002', orgName: '测试组', parentCode: '10001' },
      { orgCode: '20000', orgName: '分公司', parentCode: '' },
    ]);
  });

  it('show prints a readable summary: tenant, instances, applications, users, the department tree', async () => {
    const r = await kg(['kit', 'show', '--tenant', TENANT]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(new RegExp(`^tenant ${TENANT}: 华为测试企业 +code huawei +domain https://example.tenantaccount.com\n`));
    expect(out).toContain(`instances (2):\n  ${I1}\n  ${I2}\n`);
    expect(out).toMatch(new RegExp(`app ${APP} +instance ${I1} +clientId ${CLIENT_ID} +client secret set`));
    expect(out).toMatch(/zhangsan +张三 +app \S+ +role admin +enabled +authorized +department 10001 开发部/);
    expect(out).toMatch(/lisi +李四 .*role user +disabled +authorized +department 10002 测试组/);
    expect(out).toMatch(/wangwu +王五 .* enabled +authorization cancelled +department \(root\)/);
    expect(out).toContain('departments (4):\n  总部 (10000)\n    开发部 (10001)\n      测试组 (10002)\n  分公司 (20000)\n');
    // The hostile name is escaped: no forged line, no raw escape sequence.
    expect(out).toContain('Mallory\\u000ausers (0): none\\u001b[2J');
    expect(out).not.toContain('\u001b');
    expect(out.split('\n').filter((l) => l.startsWith('users ('))).toEqual(['users (4):']);
    expect(out).toMatch(/mallory .* department 99999 \(not delivered\)/);
  });

  it('--test reads the seller test data namespace, apart from production', async () => {
    const json = await kg(['kit', 'show', '--tenant', TENANT, '--test', '--json']);
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(view.tenant).toMatchObject({ tenantId: TENANT, tenantCode: 'seller', name: '卖家测试', test: true });
    expect(view.instances).toEqual(['']);
    expect(view.applications).toEqual([{ instanceId: '', appId: APP, clientId: 'seller-client', clientSecretSet: true, updatedAt: expect.any(Number) }]);
    expect(view.users).toEqual([]);
    expect(view.departments).toEqual([]);
    const text = await kg(['kit', 'show', '--tenant', TENANT, '--test']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^tenant ${TENANT} \\(seller test data\\): 卖家测试`));
    expect(text.stdout).toContain('instances (1):\n  (none: seller test data)\n');
    expect(text.stdout).toContain('users (0): none\n');
  });

  it('an unknown tenant is one clear line on stderr and exit 1, hinting at --test when only the other namespace has it', async () => {
    const unknown = await kg(['kit', 'show', '--tenant', 'no-such-tenant', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe('kg kit: no tenant "no-such-tenant" in production data\n');
    const onlyTest = await kg(['kit', 'show', '--tenant', TEST_ONLY]);
    expect(onlyTest.code).toBe(1);
    expect(onlyTest.stdout).toBe('');
    expect(onlyTest.stderr).toBe(`kg kit: no tenant "${TEST_ONLY}" in production data (it has seller test data: add --test)\n`);
    expect((await kg(['kit', 'show', '--tenant', TEST_ONLY, '--test'])).code).toBe(0);
    const removed = await kg(['kit', 'show', '--tenant', GONE]);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain(`no tenant "${GONE}"`);
  });

  it('tenants --json lists every tenant once per namespace, test data marked "test": true', async () => {
    const r = await kg(['kit', 'tenants', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Array.isArray(list)).toBe(true);
    const key = (e: Record<string, unknown>) => `${String(e.tenantId)}/${String(e.test)}`;
    expect(list.map(key).sort()).toEqual([`${TENANT}/false`, `${TENANT}/true`, `${TEST_ONLY}/true`].sort());
    expect(list.find((e) => e.tenantId === TENANT && e.test === false)).toEqual({
      tenantId: TENANT, tenantCode: 'huawei', name: '华为测试企业', domainName: 'https://example.tenantaccount.com', test: false,
      instances: [I1, I2], users: 4, departments: 4, updatedAt: expect.any(Number),
    });
    expect(list.find((e) => e.tenantId === TENANT && e.test === true)).toMatchObject({ test: true, instances: [''], users: 0 });
    expect(list.find((e) => e.tenantId === TEST_ONLY)).toMatchObject({ test: true });
    expect(list.some((e) => e.tenantId === GONE)).toBe(false);
  });

  it('tenants prints a table, the test data marked', async () => {
    const r = await kg(['kit', 'tenants']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TENANT +DATA +INSTANCES +USERS +DEPARTMENTS +UPDATED +CODE +NAME$/);
    expect(lines).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith(TENANT))).toEqual([
      expect.stringMatching(new RegExp(`^${TENANT} +production +2 +4 +4 +\\S+Z +huawei +华为测试企业$`)),
      expect.stringMatching(new RegExp(`^${TENANT} +test +1 +0 +0 +\\S+Z +seller +卖家测试$`)),
    ]);
    expect(lines.find((l) => l.startsWith(TEST_ONLY))).toMatch(/ test /);
  });

  it('audit lists the tenant calls newest first, per namespace, and outlives a removed tenant', async () => {
    const r = await kg(['kit', 'audit', '--tenant', TENANT, '--json']);
    expect(r.code).toBe(0);
    const { tenantId, test, audit } = JSON.parse(r.stdout) as { tenantId: string; test: boolean; audit: Array<{ at: number; activity: string; resultCode: string; test?: boolean }> };
    expect({ tenantId, test }).toEqual({ tenantId: TENANT, test: false });
    expect(audit.map((e) => e.activity)).toEqual(['allOrgSync', 'authSync', 'authSync', 'applicationSync', 'tenantSync', 'tenantSync']);
    expect(audit.every((e) => e.resultCode === '000000' && e.test === undefined)).toBe(true);
    expect(audit.map((e) => e.at)).toEqual([...audit.map((e) => e.at)].sort((a, b) => b - a));
    const limited = await kg(['kit', 'audit', '--tenant', TENANT, '--json', '--limit', '2']);
    expect((JSON.parse(limited.stdout) as { audit: unknown[] }).audit.map((e) => (e as { activity: string }).activity)).toEqual(['allOrgSync', 'authSync']);

    const testAudit = await kg(['kit', 'audit', '--tenant', TENANT, '--test']);
    expect(testAudit.code).toBe(0);
    expect(testAudit.stdout).toMatch(new RegExp(`^tenant ${TENANT} \\(seller test data\\): 2 audit entries, newest first\n`));
    expect(testAudit.stdout).toMatch(/applicationSync +000000 \(test\)/);
    expect(testAudit.stdout).toMatch(/tenantSync +000000 \(test\)/);

    const gone = await kg(['kit', 'audit', '--tenant', GONE]);
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(/tenantSync +000000 .*instance unbound/);
    expect(gone.stdout).toMatch(/tenant removed/);
    const none = await kg(['kit', 'audit', '--tenant', 'no-such-tenant']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('tenant no-such-tenant (production data): no audit entries\n');
  });

  it.each([
    [['kit']],
    [['kit', 'bogus']],
    [['kit', 'show']],
    [['kit', 'show', '--tenant']],
    [['kit', 'show', '--tenant', '']],
    [['kit', 'show', '--tenant', 'x', '--bogus']],
    [['kit', 'tenants', '--test']],
    [['kit', 'audit', '--tenant', 'x', '--limit', '0']],
  ])('exits 2 with one line on stderr for %j', async (args) => {
    const r = await kg(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^kg kit: /);
  });

  it('asks for Redis when none is configured', async () => {
    const r = await kg(['kit', 'tenants'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KG_REDIS_URL');
    const viaFlag = await kg(['kit', 'tenants', '--json', '--redis', redis.url], {});
    expect(viaFlag.code).toBe(0);
    expect(JSON.parse(viaFlag.stdout)).toHaveLength(3);
  });

  it('no secret, sealed or clear, appeared in any output', () => {
    expect(outputs.length).toBeGreaterThan(20);
    const all = outputs.join('\n');
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const s of secrets) expect(all).not.toContain(s);
  });
});
