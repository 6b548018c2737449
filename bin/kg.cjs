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
  // Several `kg` processes may start at once after a change (parallel test files): each builds into its
  // own temporary file and renames it into place, so none ever loads a half-written bundle, and only
  // bundles of other fingerprints (and temporary files left by a crash) are removed.
  const tmp = `${out}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: tmp,
    logLevel: 'error',
    sourcemap: 'inline',
    // Bundled code keeps resolving packages from the project's node_modules.
    packages: 'external',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: `const importMetaUrl = require('node:url').pathToFileURL(${JSON.stringify(entry)}).href;` },
  });
  fs.renameSync(tmp, out);
  const staleTmp = Date.now() - 10 * 60_000;
  for (const old of fs.readdirSync(cacheDir)) {
    const p = path.join(cacheDir, old);
    if (!old.startsWith('kg-') || p === out) continue;
    try {
      if (!old.endsWith('.tmp') || fs.statSync(p).mtimeMs < staleTmp) fs.rmSync(p, { force: true });
    } catch { /* removed by another process */ }
  }
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
