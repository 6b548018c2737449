import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../../infra/emulator/runner';
import { startMerchantBackend, type MerchantBackend } from '../../support/merchantBackend';
import { emulatorOptions, failuresOf, startServer } from './harness';

describe('runSimulation', () => {
  let backend: MerchantBackend;
  const secret = 'e2e-provisioner-secret';
  beforeAll(async () => {
    // Provisioning takes longer than the server's budget, so newInstance must answer 000004. The
    // budget stays well above the other steps' few ms: the server also bounds renew/freeze/... by
    // KG_PROVISION_BUDGET_MS, so a 20 ms budget turns concurrent renewals into 000005 (reported).
    backend = await startMerchantBackend({ secret, behaviours: { provision: { delayMs: 600 } } });
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('follows the 000004 path: polls queryInstance until appInfo arrives, through a slow merchant backend', async () => {
    const server = await startServer({
      KG_STORE: 'memory',
      KG_PROVISIONER: 'http',
      KG_PROVISIONER_URL: `${backend.url}`,
      KG_PROVISIONER_SECRET: secret,
      KG_PROVISION_BUDGET_MS: '150',
    });
    try {
      const report = await runSimulation(emulatorOptions(server.url, { concurrency: 8 }), ['purchase', 'one-time', 'retry-storm']);
      expect(failuresOf(report)).toEqual([]);
      const creates = report.steps.filter((s) => s.step === 'newInstance' || s.step === 'newInstance delivery 1');
      expect(creates.map((s) => s.actual)).toContain('000004');
      expect(report.steps.some((s) => s.step.startsWith('queryInstance') && s.actual === '000004')).toBe(true);
      expect(backend.calls.some((c) => c.step === 'provision')).toBe(true);
    } finally {
      await server.close();
    }
  }, 120_000);
});
