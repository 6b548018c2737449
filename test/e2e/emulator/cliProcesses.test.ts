import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { E2E_KEY } from './harness';

const ROOT = resolve(__dirname, '../../..');
const KG = resolve(ROOT, 'bin/kg.cjs');

/** The environment of a fresh shell: no KG_* settings leak in from the test runner. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KG_') && k !== 'PORT') env[k] = v;
  return { ...env, ...extra };
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`kg serve printed no URL: ${out}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`kg serve exited with ${code}: ${out}`)));
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [KG, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('kg simulate', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGTERM');
  });

  it('passes --scenario all against `kg serve` when both run as real processes (the README acceptance check)', async () => {
    server = spawn(process.execPath, [KG, 'serve', '--port', '0', '--quiet'], { cwd: ROOT, env: cleanEnv({ KG_ACCESS_KEY: E2E_KEY }), stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await waitForUrl(server);
    const result = await run(['simulate', '--url', url, '--key', E2E_KEY, '--scenario', 'all', '--poll-interval', '100'], cleanEnv({}));
    expect(result.stdout).toContain('PASS:');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/retry-storm\s+\d+\s+\d+\s+0\s/);
    expect(result.stdout + result.stderr).not.toContain(E2E_KEY);

    const wrongKey = await run(['simulate', '--url', url, '--key', 'not-the-key', '--scenario', 'one-time', '--json'], cleanEnv({}));
    expect(wrongKey.code).toBe(1);
    expect(JSON.parse(wrongKey.stdout)).toMatchObject({ ok: false, failures: [{ step: 'newInstance', actual: '000001' }] });

    const badArgs = await run(['simulate', '--key', E2E_KEY], cleanEnv({}));
    expect(badArgs.code).toBe(2);
  }, 180_000);
});
