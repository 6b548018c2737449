/**
 * `kg build`: one minified CommonJS bundle per function folder into dist/, a size report, and the
 * s.yaml freshness check (`--write-syaml` regenerates it from infra/build/deployPlan.ts).
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BundleError, bundleFunctions, formatBundleReport } from '../../build/bundle';
import { listFunctionNames } from '../../build/functionNames';
import { projectRoot } from '../../build/projectRoot';
import { extractMerchantBlock, renderSyaml } from '../../build/renderSyaml';
import { EXIT, parseCliArgs, type CliCommand } from '../command';

const usage = `kg build [--out DIR] [--only NAME,NAME] [--write-syaml]

Bundles every folder of functions/ with esbuild into DIR/<function>/index.js (default dist/):
CommonJS, node20, minified, every package inlined; handler index.handler. Prints bytes, KB and
gzip bytes per function and writes DIR/bundle-report.json. Exits 1 when esbuild reports an error.

  --out DIR        output folder (default dist)
  --only LIST      comma-separated function folders to build
  --write-syaml    regenerate s.yaml from infra/build/deployPlan.ts (otherwise only checked);
                   the merchant block (access, vars) is kept byte for byte
`;

export const command: CliCommand = {
  name: 'build',
  summary: 'bundle every function into dist/ and report sizes',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      out: { type: 'string' },
      only: { type: 'string' },
      'write-syaml': { type: 'boolean' },
    });
    const root = projectRoot(io.env);
    const functionsDir = join(root, 'functions');
    const outDir = resolve(root, values.out ?? 'dist');
    const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    let report;
    try {
      report = await bundleFunctions({ functionsDir, outDir, ...(only ? { only } : {}) });
    } catch (err) {
      if (err instanceof BundleError) {
        io.err(`kg build: ${err.message}\n`);
        return EXIT.failed;
      }
      throw err;
    }
    for (const f of report.functions) for (const w of f.warnings) io.err(`warning (${f.name}): ${w}\n`);
    io.out(formatBundleReport(report));
    io.out(`wrote ${join(outDir, 'bundle-report.json')}\n`);

    const syamlPath = join(root, 's.yaml');
    const current = existsSync(syamlPath) ? readFileSync(syamlPath, 'utf8') : undefined;
    const merchant = current === undefined ? undefined : extractMerchantBlock(current);
    const expected = renderSyaml(listFunctionNames(functionsDir), merchant);
    if (values['write-syaml']) {
      writeFileSync(syamlPath, expected);
      io.out(`wrote ${syamlPath}\n`);
    } else if (current !== expected) {
      io.err('warning: the generated part of s.yaml does not match functions/ and infra/build/deployPlan.ts; run `kg build --write-syaml` (your vars are kept)\n');
    }
    return EXIT.ok;
  },
};
