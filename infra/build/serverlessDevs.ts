/**
 * Calling Serverless Devs (`s`) for `kg deploy` and `kg rollback`, and the local record of published
 * versions that rollback reads.
 *
 * `s` is resolved the way `npx s` resolves it: the project's node_modules/.bin first (the pinned
 * devDependency `@serverless-devs/s`), then PATH. It is run directly rather than through npx (same
 * binary, no second Node start per call); stdin is closed, so a prompt fails instead of hanging.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** The FunctionGraph alias APIG targets; `kg deploy` moves it forward, `kg rollback` back. */
export const LIVE_ALIAS = 'live';

/** The `s` executable to run. */
export interface SBinary {
  path: string;
  /** True when it is the project's own node_modules/.bin/s (the pinned devDependency). */
  pinned: boolean;
}

function executable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `s` like `npx s`: `<root>/node_modules/.bin` first, then PATH. Undefined when none. */
export function resolveS(root: string, env: NodeJS.ProcessEnv): SBinary | undefined {
  const local = join(root, 'node_modules', '.bin', 's');
  if (executable(local)) return { path: local, pinned: true };
  for (const dir of (env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    const p = join(dir, 's');
    if (executable(p)) return { path: p, pinned: false };
  }
  return undefined;
}

/** One finished `s` call. Output is kept for error messages only. */
export interface SResult {
  args: string[];
  status: number;
  output: string;
}

/** Runs `s args...` in `cwd` with `env`; stdin closed; 15 minutes at most per call. */
export function runS(bin: SBinary, args: string[], cwd: string, env: NodeJS.ProcessEnv): SResult {
  const r = spawnSync(bin.path, args, { cwd, env, input: '', encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error.message) : ''}`;
  return { args, status: r.status ?? 1, output };
}

/** The `s` calls that deploy one service (folder) of `syamlPath` as `version` and point {@link LIVE_ALIAS} at it. */
export function deployCalls(service: string, syamlPath: string, version: string): string[][] {
  const t = ['-t', syamlPath];
  return [
    // Code and configuration; creates the function when missing.
    [service, 'deploy', ...t],
    // Configuration again, awaited: on the create path the component applies encryptedUserData in an
    // update it does not wait for, so a new function could otherwise start without its secrets.
    [service, 'deploy', '--type', 'config', ...t],
    [service, 'version', 'publish', '--version-name', version, '--description', `kg deploy ${version}`, ...t],
    aliasCall(service, syamlPath, version),
  ];
}

/** The `s` call that points {@link LIVE_ALIAS} of one service at `version`. */
export function aliasCall(service: string, syamlPath: string, version: string): string[] {
  return [service, 'alias', 'publish', '--alias-name', LIVE_ALIAS, '--version-name', version, '-t', syamlPath];
}

/** A version name FunctionGraph accepts (starts with a letter; letters and digits): `vYYYYMMDDhhmmss` (UTC). */
export function versionName(now: Date): string {
  return `v${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

/** Published versions per service, oldest first, and the one the alias points at. */
export type DeployHistory = Record<string, { versions: string[]; live: string }>;

/** Where the history is kept: `.kg/deploy-history.json` in the project root. */
export function historyPath(root: string): string {
  return join(root, '.kg', 'deploy-history.json');
}

export function readHistory(root: string): DeployHistory {
  const p = historyPath(root);
  if (!existsSync(p)) return {};
  return JSON.parse(readFileSync(p, 'utf8')) as DeployHistory;
}

export function writeHistory(root: string, history: DeployHistory): void {
  const p = historyPath(root);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, `${JSON.stringify(history, null, 2)}\n`);
}

/** The version before the live one, or undefined when there is none. */
export function previousVersion(entry: { versions: string[]; live: string } | undefined): string | undefined {
  if (!entry) return undefined;
  const i = entry.versions.lastIndexOf(entry.live);
  return i > 0 ? entry.versions[i - 1] : undefined;
}
