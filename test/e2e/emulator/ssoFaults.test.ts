import { describe, expect, it } from 'vitest';
import { command as simulateCommand } from '../../../infra/cli/commands/simulate';
import { startFakeIdp, type FakeIdp } from '../../../infra/emulator/fakeIdp/index';
import type { SimulationReport } from '../../../infra/emulator/report';
import { startFakeSsoServer, type SsoFault } from '../../support/fakeSsoServer';
import { captureIo, useRsaKeyFiles } from '../../support/simulateCli';

const KIT = 'e2e-kit-key-0001';
const BASIC = 'e2e-access-key-0001';

// The sso scenario against a small fake that keeps the SSO contract (test/support/fakeSsoServer.ts), so the
// scenario is proven sound, and each injected server fault proven caught, without the real server.
describe('kg simulate --scenario sso', () => {
  const keys = useRsaKeyFiles('kg-sso-faults-');

  async function simulate(fault: SsoFault, extra: string[] = [], json = true) {
    // A short IdP timeout keeps the 504 step quick; the scenario's slow IdP answers after 8 s either way.
    const server = await startFakeSsoServer({ appId: 'e2e-sso-app', privateKeyPem: keys.privateKeyPem, fault, idpTimeoutMs: 800 });
    try {
      const io = captureIo();
      const args = ['--url', server.url, '--key', BASIC, '--kit-key', KIT, '--rsa-public-key', keys.publicKeyFile, '--scenario', 'sso', ...extra, ...(json ? ['--json'] : [])];
      const code = await simulateCommand.run(args, io);
      return { code, io, injected: server.injected() };
    } finally {
      await server.close();
    }
  }

  it('exits 0 against a server that keeps the contract, playing every flow and refusal', async () => {
    const { code, io } = await simulate('none');
    const report = JSON.parse(io.stdout) as SimulationReport;
    expect(report.failures).toEqual([]);
    expect(code).toBe(0);
    const names = report.steps.map((s) => s.step);
    expect(report.steps.filter((s) => s.skipped)).toEqual([]);
    expect(report.steps.length).toBeGreaterThan(50);
    for (const reason of ['bad_request', 'invalid_code', 'bad_state', 'unknown_tenant', 'tenant_mismatch', 'not_authorized', 'user_disabled', 'idp_error', 'idp_timeout', 'bad_origin', 'no_session']) {
      expect(report.steps.some((s) => s.pass && s.actual?.includes(reason)), reason).toBe(true);
    }
    for (const fragment of ['workbench: GET /sso/callback', 'unified login: GET /sso/callback', 'renewal: two concurrent', 'logout: POST /sso/logout (same origin)', 'fake IdP logout ends the IdP session', 'tenant removal']) {
      expect(names.some((n) => n.includes(fragment)), fragment).toBe(true);
    }
    // The report never carries the client secrets, codes or session ids; the kit key stays out too.
    expect(io.stdout).not.toContain(KIT);
    expect(io.stdout).not.toMatch(/sso-secret-/);
  }, 60_000);

  it('also runs against an IdP started elsewhere (--idp URL), as `kg idp` would be', async () => {
    let idp: FakeIdp | undefined;
    try {
      idp = await startFakeIdp({ slowMs: 8_000 });
      const { code, io } = await simulate('none', ['--idp', idp.url], false);
      expect(io.stdout).toMatch(/^PASS: \d+ steps/m);
      expect(code).toBe(0);
      expect(idp.events().events.some((e) => e.endpoint === 'token' && e.grant === 'refresh_token' && e.status === 200)).toBe(true);
    } finally {
      await idp?.close();
    }
  }, 60_000);

  it.each<[SsoFault, string, RegExp]>([
    ['no-state-check', 'refusal: callback with a wrong state: 400 bad_state', /HTTP 302 where the contract expects 400/],
    ['open-logout-redirect', 'logout: GET /sso/logout?redirect=<foreign URL> clears the session and goes to the IdP logout with the default redirect', /open redirect/],
    ['no-origin-check', 'logout: POST /sso/logout with a foreign Origin: 403 bad_origin', /HTTP 302 where the contract expects 403/],
    ['keeps-disabled-sessions', 'carol: GET /sso/session after authSync modify with enable "false" (flag 2): the session is gone (401 no_session)', /HTTP 200 where the contract expects 401/],
    ['racy-renewal', 'renewal: two concurrent GET /sso/session on one session both answer 200 (one renewal wins, the other uses its result)', /HTTP 401 where the contract expects 200/],
  ])('reports the %s fault: exit 1, step "%s" failing', async (fault, step, note) => {
    const { code, io, injected } = await simulate(fault);
    expect(injected).toBeGreaterThan(0);
    expect(code).toBe(1);
    const report = JSON.parse(io.stdout) as SimulationReport;
    const failed = report.failures.find((f) => f.step === step);
    expect(failed, `failures were: ${report.failures.map((f) => f.step).join(' | ')}`).toBeDefined();
    expect(failed).toMatchObject({ scenario: 'sso', pass: false });
    expect(failed?.note).toMatch(note);
  }, 60_000);

  it('names the failing step in the text report', async () => {
    const { code, io } = await simulate('no-origin-check', [], false);
    expect(code).toBe(1);
    expect(io.stdout).toContain('[sso] logout: POST /sso/logout with a foreign Origin: 403 bad_origin');
    expect(io.stdout).toContain('expected 403 bad_origin, got 302');
  }, 60_000);

  it('is reported as skipped without --rsa-public-key, and refused without a kit key', async () => {
    const server = await startFakeSsoServer({ appId: 'x', privateKeyPem: keys.privateKeyPem, fault: 'none' });
    try {
      const io = captureIo();
      expect(await simulateCommand.run(['--url', server.url, '--key', BASIC, '--kit-key', KIT, '--scenario', 'sso'], io)).toBe(1);
      expect(io.stdout).toContain('[sso] sso: not played: needs --rsa-public-key');
      const noKit = captureIo();
      await expect(simulateCommand.run(['--url', server.url, '--key', BASIC, '--scenario', 'sso'], noKit)).rejects.toThrow(/--scenario kit needs --kit-key|needs --kit-key/);
    } finally {
      await server.close();
    }
  });
});
