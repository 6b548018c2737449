/**
 * Which functions the project deploys: every folder of `functions/` that holds an `index.ts`.
 * Build, s.yaml checks and benchmarks all start here, so a new folder is picked up without edits.
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Names of the deployable functions under `functionsDir`, sorted. Missing folder = none. */
export function listFunctionNames(functionsDir: string): string[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(functionsDir, e.name, 'index.ts')))
    .map((e) => e.name)
    .sort();
}
