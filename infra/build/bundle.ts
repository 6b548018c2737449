/**
 * One esbuild bundle per function: `dist/<function>/index.js`, CommonJS for node20, minified, every
 * package inlined, so the zip FunctionGraph receives holds `index.js` alone (handler `index.handler`).
 * @module
 */
import { build, formatMessages, type Message, type Metafile } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listFunctionNames } from './functionNames';
import { projectRoot } from './projectRoot';

/** esbuild reported errors; `message` lists them (file:line and text). */
export class BundleError extends Error {
  override name = 'BundleError';
}

/** Size of one function bundle. */
export interface BundleEntry {
  name: string;
  /** Path of the bundle, relative to the output folder. */
  file: string;
  bytes: number;
  /** bytes / 1024, one decimal. */
  kilobytes: number;
  /** Size after gzip level 9: what the inline upload roughly costs. */
  gzipBytes: number;
  /** Largest contributors (npm package or shared/ folder) by minified bytes, biggest first. */
  largestInputs: Array<{ input: string; bytes: number }>;
  /** esbuild warnings for this function (printed, never fatal). */
  warnings: string[];
}

/** What `kg build` writes to `<outDir>/bundle-report.json`. */
export interface BundleReport {
  /** ISO-8601 time of the build. */
  builtAt: string;
  outDir: string;
  functions: BundleEntry[];
}

export interface BundleOptions {
  /** Folder holding one sub-folder per function with an `index.ts`. */
  functionsDir: string;
  /** Where `<function>/index.js` and `bundle-report.json` go. */
  outDir: string;
  /** Build only these functions (default: every folder). */
  only?: string[];
}

/** Groups esbuild's per-file output sizes by npm package or top-level source folder. */
function largestInputs(metafile: Metafile | undefined, limit = 8): Array<{ input: string; bytes: number }> {
  const output = metafile ? Object.values(metafile.outputs)[0] : undefined;
  if (!output) return [];
  const sizes = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = pkg ? pkg[1]! : file.split('/').slice(0, 2).join('/');
    sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
  }
  return [...sizes.entries()]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit);
}

async function describe(messages: Message[], kind: 'error' | 'warning'): Promise<string[]> {
  if (messages.length === 0) return [];
  const text = await formatMessages(messages, { kind, color: false });
  return text.map((t) => t.trim());
}

/** The no-op stand-in for the `debug` package. */
const debugShim = (): string => join(projectRoot(), 'infra', 'build', 'shims', 'debug.cjs');

/** Bundles one function; throws {@link BundleError} when esbuild reports an error. */
export async function bundleFunction(functionsDir: string, outDir: string, name: string): Promise<BundleEntry> {
  const folder = join(outDir, name);
  // A clean folder: the fgs component zips every top-level entry of codeUri.
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const outfile = join(folder, 'index.js');
  let warnings: Message[] = [];
  let metafile: Metafile | undefined;
  try {
    const result = await build({
      entryPoints: [join(functionsDir, name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      // Lua scripts imported as text stay inside the bundle.
      loader: { '.lua': 'text' },
      // ioredis' optional DEBUG tracing is replaced by a no-op in deployed bundles (see the shim).
      alias: { debug: debugShim() },
      metafile: true,
    });
    warnings = result.warnings;
    metafile = result.metafile;
    if (result.errors.length > 0) throw new BundleError((await describe(result.errors, 'error')).join('\n'));
  } catch (err) {
    if (err instanceof BundleError) throw err;
    const errors = (err as { errors?: Message[] }).errors;
    const detail = errors ? (await describe(errors, 'error')).join('\n') : (err as Error).message;
    throw new BundleError(`bundling ${name} failed:\n${detail}`);
  }
  // The repository is `"type": "module"`: without this marker, `node -e "require('./dist/<f>/index.js')"`
  // would load the CommonJS bundle as ESM. FunctionGraph zips it along (harmless there).
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ type: 'commonjs', private: true })}\n`);
  const code = readFileSync(outfile);
  return {
    name,
    file: `${name}/index.js`,
    bytes: code.length,
    kilobytes: Math.round((code.length / 1024) * 10) / 10,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    largestInputs: largestInputs(metafile),
    warnings: await describe(warnings, 'warning'),
  };
}

/** Bundles every function (or `only`), writes `bundle-report.json`, and returns the report. */
export async function bundleFunctions(options: BundleOptions): Promise<BundleReport> {
  const all = listFunctionNames(options.functionsDir);
  const names = options.only && options.only.length > 0 ? options.only : all;
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) throw new BundleError(`no such function folder: ${unknown.join(', ')} (have: ${all.join(', ') || 'none'})`);
  if (names.length === 0) throw new BundleError(`no function folders with an index.ts under ${options.functionsDir}`);
  mkdirSync(options.outDir, { recursive: true });
  const functions: BundleEntry[] = [];
  for (const name of names) functions.push(await bundleFunction(options.functionsDir, options.outDir, name));
  const report: BundleReport = { builtAt: new Date().toISOString(), outDir: options.outDir, functions };
  writeFileSync(join(options.outDir, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** The size table `kg build` prints. */
export function formatBundleReport(report: BundleReport): string {
  const width = Math.max(8, ...report.functions.map((f) => f.name.length));
  const lines = [`${'function'.padEnd(width)}  ${'bytes'.padStart(9)}  ${'KB'.padStart(7)}  ${'gzip'.padStart(8)}`];
  for (const f of report.functions) {
    lines.push(`${f.name.padEnd(width)}  ${String(f.bytes).padStart(9)}  ${f.kilobytes.toFixed(1).padStart(7)}  ${String(f.gzipBytes).padStart(8)}`);
  }
  return `${lines.join('\n')}\n`;
}
