/**
 * `bin/kg.cjs` as a real process, for the suites that run `kg serve`, `kg openapi` and `kg simulate` the way
 * a merchant does: a clean environment, a long-running command's URL, and a command run to its end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const KG = resolve(ROOT, 'bin/kg.cjs');

/** The environment of a fresh shell: no KG_* settings leak in from the test runner. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KG_') && k !== 'PORT') env[k] = v;
  return { ...env, ...extra };
}

/** Starts a long-running `kg <args>` (its stdout piped); stop it with `kill`. */
export function spawnKg(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [KG, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The `listening on <url>` the command prints; rejects after 60 s, or when it exits first. */
export function waitForUrl(child: ChildProcess, name: string): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`kg ${name} printed no URL: ${out}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`kg ${name} exited with ${code}: ${out}`)));
  });
}

/** Runs `kg <args>` to its end: its exit code and what it wrote. */
export function runKg(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawnKg(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
