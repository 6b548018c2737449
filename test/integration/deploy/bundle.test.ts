import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, type BundleReport } from '../../../infra/build/bundle';
import { listFunctionNames } from '../../../infra/build/functionNames';
import type { ApigEvent, ApigResponse } from '../../../shared/platform/apig';
import { generateKeyPairSync } from 'node:crypto';
import { runSimulation, DEFAULTS } from '../../../infra/emulator/runner';
import { startBundleGateway } from '../../support/bundleGateway';
import { v2Event } from '../../support/produceClient';
import { startRedis, type RedisServer } from '../../support/redis';

const root = resolve(__dirname, '../../..');
const functionsDir = join(root, 'functions');
const names = listFunctionNames(functionsDir);
const KEY = `bundle-test-${randomBytes(12).toString('hex')}`;
const KIT_KEY = `bundle-kit-${randomBytes(12).toString('hex')}`;
const RSA = generateKeyPairSync('rsa', { modulusLength: 3072 });
const GATEWAY = { ak: `bundle-gw-${randomBytes(4).toString('hex')}`, sk: randomBytes(16).toString('hex') };

/** Runs in a child node: requires the bundle, calls handler(event, context) like FunctionGraph, prints the result. */
const RUNNER = `
const [bundle, eventFile, userDataJson] = process.argv.slice(2);
const userData = JSON.parse(userDataJson);
const logger = { info: (...a) => process.stderr.write(a.join(' ') + '\\n') };
const started = Date.now();
const context = {
  getRequestID: () => 'req-' + started,
  getRemainingTimeInMilliSeconds: () => Math.max(0, 10000 - (Date.now() - started)),
  getUserData: (k) => userData[k],
  getLogger: () => logger,
  getFunctionName: () => 'kg-produce',
};
const mod = require(bundle);
Promise.resolve(mod.handler(JSON.parse(require('fs').readFileSync(eventFile, 'utf8')), context))
  .then((r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); })
  .catch((e) => { process.stdout.write(JSON.stringify({ thrown: String(e && e.name) })); process.exit(0); });
`;

describe.skipIf(names.length === 0)('function bundles', () => {
  let outDir = '';
  let report: BundleReport;
  let redis: RedisServer;
  let userData: Record<string, string>;

  beforeAll(async () => {
    // Inside the repository, whose package.json says "type": "module", like `dist/` itself: proves the
    // bundles load with `node -e "require('./dist/<f>/index.js')"` there, not only in a neutral temp dir.
    const cache = join(root, '.cache');
    mkdirSync(cache, { recursive: true });
    outDir = mkdtempSync(join(cache, 'kg-bundle-'));
    writeFileSync(join(outDir, 'runner.cjs'), RUNNER);
    [report, redis] = await Promise.all([bundleFunctions({ functionsDir, outDir }), startRedis({ appendonly: false })]);
    userData = {
      KG_ACCESS_KEY: KEY,
      KG_DATA_KEY: randomBytes(32).toString('base64'),
      KG_REDIS_URL: redis.url,
      KG_FRONTEND_URL_TEMPLATE: 'https://app.merchant.invalid/{instanceId}',
      KG_ADMIN_URL_TEMPLATE: 'https://admin.merchant.invalid/{instanceId}',
      KG_KIT_ACCESS_KEY: KIT_KEY,
      KG_RSA_PRIVATE_KEY: RSA.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }, 120_000);
  afterAll(async () => {
    await redis?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes one index.js per function folder and a report with sizes', () => {
    expect(report.functions.map((f) => f.name)).toEqual(names);
    for (const f of report.functions) {
      expect(f.file).toBe(`${f.name}/index.js`);
      expect(f.bytes).toBeGreaterThan(0);
      expect(f.gzipBytes).toBeLessThan(f.bytes);
    }
  });

  it.each(names)('loads %s alone with node and exports handler', (name) => {
    const bundle = join(outDir, name, 'index.js');
    const kind = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(bundle)}).handler);process.exit(0)`], {
      encoding: 'utf8',
      // No project node_modules on the path: the bundle must carry its packages.
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(kind).toBe('function');
  });

  function invokeProduce(event: ApigEvent): ApigResponse & { thrown?: string } {
    const eventFile = join(outDir, `event-${randomUUID()}.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    const out = execFileSync(process.execPath, [join(outDir, 'runner.cjs'), join(outDir, 'produce', 'index.js'), eventFile, JSON.stringify(userData)], {
      encoding: 'utf8',
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out) as ApigResponse & { thrown?: string };
  }

  it.skipIf(!names.includes('produce'))('answers a signed APIG newInstance with the APIG shape and 000000, same instance across processes', () => {
    const orderId = `CSBUNDLE${randomBytes(4).toString('hex').toUpperCase()}`;
    const order = { orderId, orderLineId: `${orderId}-000001` };
    const first = invokeProduce(v2Event(KEY, { activity: 'newInstance', businessId: randomUUID(), ...order }));
    expect(first.thrown).toBeUndefined();
    expect(first).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(typeof first.body).toBe('string');
    expect(Object.entries(first.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1]).toMatch(/^application\/json/);
    const answer = JSON.parse(first.body) as { resultCode: string; instanceId?: string };
    expect(answer.resultCode).toBe('000000');
    expect(answer.instanceId).toMatch(/^\S{1,64}$/);

    // A retry in another process (a cold instance) finds the record in Redis: same instanceId.
    const retry = JSON.parse(invokeProduce(v2Event(KEY, { activity: 'newInstance', businessId: randomUUID(), ...order })).body) as { resultCode: string; instanceId?: string };
    expect(retry).toMatchObject({ resultCode: '000000', instanceId: answer.instanceId });

    const query = JSON.parse(invokeProduce(v2Event(KEY, { activity: 'queryInstance', instanceId: answer.instanceId! })).body) as { resultCode: string; info?: Array<{ instanceId: string }> };
    expect(query.resultCode).toBe('000000');
    expect(query.info?.[0]?.instanceId).toBe(answer.instanceId);
  });

  it.skipIf(!names.includes('produce'))('answers a wrongly signed event with 000001 in the APIG shape, without throwing', () => {
    const res = invokeProduce(v2Event('not-the-key-0123456789', { activity: 'queryInstance', instanceId: 'x' }));
    expect(res.thrown).toBeUndefined();
    expect(res).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(JSON.parse(res.body)).toMatchObject({ resultCode: '000001' });
  });

  it.skipIf(!names.includes('tenant-sync'))('passes kg simulate (purchase, kit, sso, api-product) through the bundles behind a gateway, each call answered by its own function', async () => {
    const gateway = await startBundleGateway(outDir, userData);
    try {
      // The SSO functions send the browser back to themselves: their addresses are the gateway's.
      Object.assign(userData, {
        KG_SSO_APP_ID: 'bundle-sso-app',
        KG_SSO_CALLBACK_URL: `${gateway.url}/sso/callback`,
        KG_SSO_APP_URL: `${gateway.url}/`,
        KG_GATEWAY_KEYS: `${GATEWAY.ak}:${GATEWAY.sk}`,
      });
      const publicKeyPem = RSA.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const report = await runSimulation({
        ...DEFAULTS, url: gateway.url, key: KEY, kitKey: KIT_KEY, rsaPublicKey: publicKeyPem, pollIntervalMs: 50, pollLimit: 100,
        gateway: { ...GATEWAY, header: 'Authorization', path: '/v1/chat/completions' },
      }, ['purchase', 'kit', 'sso', 'api-product']);
      expect(report.failures.map(({ scenario, step, actual, note }) => ({ scenario, step, actual, note }))).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.steps.filter((st) => st.skipped)).toEqual([]);
      for (const fn of ['produce', 'tenant-sync', 'application-sync', 'auth-sync', 'single-org-sync', 'all-org-sync', 'sso-login', 'sso-logout', 'agent-api-example']) {
        expect(gateway.calls.get(fn) ?? 0, fn).toBeGreaterThan(0);
      }
    } finally {
      await gateway.close();
    }
  }, 120_000);
});
