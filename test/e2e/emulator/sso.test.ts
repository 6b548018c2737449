import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../../infra/emulator/runner';
import { freePort } from '../../support/ports';
import { startRedis, type RedisServer } from '../../support/redis';
import { emulatorOptions, failuresOf, startServer } from './harness';

/** The 联营 kit key the server is started with (a test value, never a real one; differs from the basic key). */
const KIT_KEY = 'e2e-kit-key-0001';

// The acceptance test of SSO (issue 10): the local server with the kit, an 应用凭证 key pair and SSO
// settings must answer every step of the sso scenario as the contract expects, the fake IdP started by
// the scenario itself (the tenants' domainName).
describe('runSimulation --scenario sso against the local server', () => {
  let redis: RedisServer;
  let publicKeyPem: string;
  let privateKeyPem: string;
  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    const pair = generateKeyPairSync('rsa', { modulusLength: 3072 });
    publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it.each([
    // The default 5 s per IdP call on one store, a shorter one on the other (the 504 step is the same).
    ['MemoryStore', () => ({ KG_STORE: 'memory' })],
    ['a real Redis', () => ({ KG_STORE: 'redis', KG_REDIS_URL: redis.url, KG_SSO_IDP_TIMEOUT_MS: '1500' })],
  ])('passes every step on %s', async (_name, storeEnv) => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await startServer({
      ...storeEnv(),
      KG_KIT_ACCESS_KEY: KIT_KEY, KG_RSA_PRIVATE_KEYS: privateKeyPem, KG_RSA_PRIVATE_KEY: privateKeyPem,
      KG_SSO_APP_ID: 'e2e-sso-app', KG_SSO_CALLBACK_URL: `${base}/sso/callback`, KG_SSO_APP_URL: `${base}/demo`, KG_SSO_LOGOUT_REDIRECTS: `${base}/demo,${base}/bye`,
    }, { port, workerIntervalMs: 0 });
    try {
      const report = await runSimulation(emulatorOptions(server.url, { kitKey: KIT_KEY, rsaPublicKey: publicKeyPem }), ['sso']);
      expect(failuresOf(report)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.steps.filter((s) => s.skipped)).toEqual([]);
      expect(report.steps.length).toBeGreaterThan(50);
    } finally {
      await server.close();
    }
  }, 120_000);
});
