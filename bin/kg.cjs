#!/usr/bin/env node
'use strict';
// The `kg` command. The CLI is written in TypeScript (infra/cli/main.ts); this launcher bundles it
// with esbuild (a project dependency) into a cache file when the sources changed, then runs it.
// No TypeScript loader is needed at run time and no build step is needed after `npm ci`.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'infra', 'cli', 'main.ts');
const cacheDir = path.join(root, 'node_modules', '.cache', 'kg-cli');

/** A fingerprint of every source file the CLI can reach, so edits rebuild and nothing else does. */
function sourceFingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    let entries;
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|lua|json)$/.test(e.name)) {
        const st = fs.statSync(p);
        hash.update(`${p}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const d of ['shared', 'infra', 'functions']) walk(path.join(root, d));
  hash.update(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8').length.toString());
  return hash.digest('hex').slice(0, 16);
}

function bundle() {
  const out = path.join(cacheDir, `kg-${sourceFingerprint()}.cjs`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const old of fs.readdirSync(cacheDir)) if (old.startsWith('kg-')) fs.rmSync(path.join(cacheDir, old), { force: true });
  require('esbuild').buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    logLevel: 'error',
    sourcemap: 'inline',
    // Bundled code keeps resolving packages from the project's node_modules.
    packages: 'external',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: `const importMetaUrl = require('node:url').pathToFileURL(${JSON.stringify(entry)}).href;` },
  });
  return out;
}

process.env.KG_PROJECT_ROOT = process.env.KG_PROJECT_ROOT || root;
const built = bundle();
require(built)
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((err) => {
    process.stderr.write(`kg: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
