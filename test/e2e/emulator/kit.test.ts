import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../infra/server/localServer';
import { runSimulation } from '../../../infra/emulator/runner';
import { emulatorOptions, failuresOf, startServer } from './harness';

/** The 联营 kit key the server is started with (a test value, never a real one; differs from the basic key). */
const KIT_KEY = 'e2e-kit-key-0001';

// The acceptance test of the kit: the local server with a kit key and an 应用凭证 private key must answer
// every step of the kit scenario as the specification expects.
describe('runSimulation --scenario kit', () => {
  let server: LocalServer;
  let publicKeyPem: string;
  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 3072 });
    publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // KG_RSA_PRIVATE_KEYS is the configured name; the singular is set too in case the server reads that.
    server = await startServer({ KG_STORE: 'memory', KG_KIT_ACCESS_KEY: KIT_KEY, KG_RSA_PRIVATE_KEYS: privateKeyPem, KG_RSA_PRIVATE_KEY: privateKeyPem });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('passes every step against the local server, each event delivered twice, applicationSync with real secrets', async () => {
    const report = await runSimulation(emulatorOptions(server.url, { kitKey: KIT_KEY, rsaPublicKey: publicKeyPem }), ['kit']);
    expect(failuresOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.steps.filter((s) => s.skipped)).toEqual([]);
    expect(report.steps.filter((s) => s.step.startsWith('V1 ')).length).toBeGreaterThan(20);
    expect(report.steps.length).toBeGreaterThan(100);
  }, 120_000);

  it('passes without the public key, reporting the applicationSync steps that need a real secret as skipped', async () => {
    const report = await runSimulation(emulatorOptions(server.url, { kitKey: KIT_KEY }), ['kit']);
    expect(failuresOf(report)).toEqual([]);
    const skipped = report.steps.filter((s) => s.skipped);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((s) => /applicationSync/.test(s.step))).toBe(true);
  }, 120_000);
});
