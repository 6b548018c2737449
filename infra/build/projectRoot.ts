/**
 * The project root for CLI commands: `KG_PROJECT_ROOT` (set by bin/kg.cjs) or the working directory.
 * @module
 */
import { resolve } from 'node:path';

/** Absolute path of the project root. */
export function projectRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.KG_PROJECT_ROOT ?? process.cwd());
}
