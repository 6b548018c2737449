import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../infra/cli/main';
import type { LocalServer } from '../../../infra/server/localServer';
import type { SimulationReport } from '../../../infra/emulator/report';
import { startFaultyProxy, type Fault } from '../../support/faultyProxy';
import { captureIo } from '../../support/simulateCli';
import { E2E_KEY, startServer } from './harness';

describe('kg simulate', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startServer({ KG_STORE: 'memory' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('exits 0 through the proxy when it injects no fault (the proxy alone breaks nothing)', async () => {
    const proxy = await startFaultyProxy(server.url, 'none', E2E_KEY);
    try {
      const io = captureIo();
      expect(await main(['simulate', '--url', proxy.url, '--key', E2E_KEY, '--scenario', 'all', '--poll-interval', '50', '--json'], io)).toBe(0);
      expect(proxy.injected()).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it.each<[Fault, string, string, string, RegExp]>([
    ['new-instance-id-on-retry', 'retry-storm', 'newInstance delivery 2 (new businessId)', '000000', /instanceId changed on retry/],
    ['missing-frontend-url', 'one-time', 'queryInstance', '000000', /appInfo\.frontEndUrl missing/],
    ['accepts-any-signature', 'hostile', 'bad signature', '000000', /expects 000001/],
    ['accepts-any-signature', 'v1', 'V1 bad authToken (answer still Body-Signed)', '000003', /expects 000001/],
    ['wrong-result-code', 'purchase', 'upgradeInstance', '000005', /expects 000000/],
    ['wrong-result-code', 'purchase', 'refreshInstance of a never-created id', '000000', /expects 000003/],
    ['wrong-result-code', 'v1', 'V1 upgrade', '000005', /expects 000000/],
  ])('reports the %s fault: exit 1, %s step "%s" failing', async (fault, scenario, step, actual, note) => {
    const proxy = await startFaultyProxy(server.url, fault, E2E_KEY);
    try {
      const io = captureIo();
      const code = await main(['simulate', '--url', proxy.url, '--key', E2E_KEY, '--scenario', scenario, '--poll-interval', '50', '--json'], io);
      expect(proxy.injected()).toBeGreaterThan(0);
      expect(code).toBe(1);
      const report = JSON.parse(io.stdout) as SimulationReport;
      const failed = report.failures.find((f) => f.step === step);
      expect(failed, `failures were: ${report.failures.map((f) => f.step).join(' | ')}`).toBeDefined();
      expect(failed).toMatchObject({ scenario, pass: false, actual });
      expect(failed?.note).toMatch(note);
      expect(io.stdout).not.toContain(E2E_KEY);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
