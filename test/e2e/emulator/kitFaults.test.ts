import { describe, expect, it } from 'vitest';
import { command as simulateCommand } from '../../../infra/cli/commands/simulate';
import type { SimulationReport } from '../../../infra/emulator/report';
import { startFakeKitServer, type KitFault } from '../../support/fakeKitServer';
import { captureIo, useRsaKeyFiles } from '../../support/simulateCli';

const KIT = 'e2e-kit-key-0001';
const BASIC = 'e2e-access-key-0001';

// The kit scenario against a small fake that answers by the contract with the server's own security code,
// so the scenario can be proven sound, and each injected server fault proven caught, without the real server.
describe('kg simulate --scenario kit', () => {
  const keys = useRsaKeyFiles('kg-kit-faults-');

  async function simulate(fault: KitFault, extra: string[], json = true) {
    const server = await startFakeKitServer({ kitKey: KIT, basicKey: BASIC, privateKeyPem: keys.privateKeyPem, fault });
    try {
      const io = captureIo();
      const args = ['--url', server.url, '--key', BASIC, '--kit-key', KIT, '--scenario', 'kit', '--poll-interval', '10', ...extra, ...(json ? ['--json'] : [])];
      // The command itself (not `main`): the run does not depend on the server modules `kg serve` loads.
      const code = await simulateCommand.run(args, io);
      return { code, io, injected: server.injected() };
    } finally {
      await server.close();
    }
  }

  it('exits 0 against a server that keeps the contract, every step sent twice and all of them 000000', async () => {
    const { code, io } = await simulate('none', ['--rsa-public-key', keys.publicKeyFile]);
    const report = JSON.parse(io.stdout) as SimulationReport;
    expect(report.failures).toEqual([]);
    expect(code).toBe(0);
    expect(report.steps.filter((s) => s.skipped)).toEqual([]);
    expect(report.steps.length).toBeGreaterThan(100);
    const repeated = report.steps.filter((s) => s.step.endsWith(', repeated'));
    expect(repeated.length).toBeGreaterThan(40);
    expect(repeated.every((s) => s.actual === '000000')).toBe(true);
    expect(io.stdout).not.toContain(KIT);
  }, 60_000);

  it('without --rsa-public-key reports the applicationSync steps that need a real secret as skipped, and still passes', async () => {
    const { code, io } = await simulate('none', [], false);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^PASS: \d+ steps/m);
    expect(io.stdout).toMatch(/^SKIPPED: \d+ steps not sent$/m);
    expect(io.stdout).toContain('[kit] applicationSync add (OAEP SHA-256, MGF1-SHA-1) (and its repeat): not sent: needs --rsa-public-key');
    expect(io.stdout).toMatch(/kit\s+\d+\s+\d+\s+0\s/);
  }, 60_000);

  it.each<[KitFault, string, string, RegExp]>([
    ['wrong-code-on-repeat', 'tenantSync add (buyer binding), repeated', '000005', /expects 000000/],
    ['accepts-basic-key', 'hostile: x-sign made with the basic-interface key', '000000', /expects 000001/],
    ['one-sided-clock', 'hostile: x-timestamp 61 s in the future', '000000', /expects 000002/],
    ['secret-not-decrypted', 'hostile: applicationSync clientSecret undecryptable (random bytes)', '000000', /expects 000002/],
    ['no-body-sign', 'V1 tenantSync add', '000000', /Body-Sign header missing/],
  ])('reports the %s fault: exit 1, step "%s" failing', async (fault, step, actual, note) => {
    const { code, io, injected } = await simulate(fault, ['--rsa-public-key', keys.publicKeyFile]);
    expect(injected).toBeGreaterThan(0);
    expect(code).toBe(1);
    const report = JSON.parse(io.stdout) as SimulationReport;
    const failed = report.failures.find((f) => f.step === step);
    expect(failed, `failures were: ${report.failures.map((f) => f.step).join(' | ')}`).toBeDefined();
    expect(failed).toMatchObject({ scenario: 'kit', pass: false, actual });
    expect(failed?.note).toMatch(note);
  }, 60_000);

  it('names the failing step in the text report', async () => {
    const { code, io } = await simulate('wrong-code-on-repeat', ['--rsa-public-key', keys.publicKeyFile], false);
    expect(code).toBe(1);
    expect(io.stdout).toContain('[kit] tenantSync add (buyer binding), repeated');
    expect(io.stdout).toContain('expected 000000, got 000005');
  }, 60_000);
});
