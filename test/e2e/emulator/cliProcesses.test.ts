import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runKg, spawnKg, waitForUrl } from '../../support/kgProcess';
import { E2E_KEY } from './harness';

describe('kg simulate', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGTERM');
  });

  it('passes --scenario all against `kg serve` when both run as real processes (the README acceptance check)', async () => {
    server = spawnKg(['serve', '--port', '0', '--quiet'], cleanEnv({ KG_ACCESS_KEY: E2E_KEY }));
    const url = await waitForUrl(server, 'serve');
    const result = await runKg(['simulate', '--url', url, '--key', E2E_KEY, '--scenario', 'all', '--poll-interval', '100'], cleanEnv({}));
    expect(result.stdout).toContain('PASS:');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/retry-storm\s+\d+\s+\d+\s+0\s/);
    expect(result.stdout + result.stderr).not.toContain(E2E_KEY);

    const wrongKey = await runKg(['simulate', '--url', url, '--key', 'not-the-key', '--scenario', 'one-time', '--json'], cleanEnv({}));
    expect(wrongKey.code).toBe(1);
    expect(JSON.parse(wrongKey.stdout)).toMatchObject({ ok: false, failures: [{ step: 'newInstance', actual: '000001' }] });

    const badArgs = await runKg(['simulate', '--key', E2E_KEY], cleanEnv({}));
    expect(badArgs.code).toBe(2);
  }, 180_000);
});
