import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleError, bundleFunctions, formatBundleReport } from '../../../infra/build/bundle';
import { listFunctionNames } from '../../../infra/build/functionNames';
import { parseYamlSubset, scalarAt } from '../../../infra/build/yamlSubset';
import type { CliIo } from '../../../infra/cli/command';
import { command as build } from '../../../infra/cli/commands/build';

let project = '';
const fn = (name: string, source: string) => {
  mkdirSync(join(project, 'functions', name), { recursive: true });
  writeFileSync(join(project, 'functions', name, 'index.ts'), source);
};
const GOOD = `export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: 200 });\n`;

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'kg-build-'));
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

describe('listFunctionNames', () => {
  it('lists folders with an index.ts, sorted, and nothing for a missing folder', () => {
    fn('produce', GOOD);
    fn('auth-sync', GOOD);
    mkdirSync(join(project, 'functions', 'notes'));
    expect(listFunctionNames(join(project, 'functions'))).toEqual(['auth-sync', 'produce']);
    expect(listFunctionNames(join(project, 'nowhere'))).toEqual([]);
  });
});

describe('bundleFunctions', () => {
  it('leaves only index.js and a CommonJS marker in each function folder and reports its sizes', async () => {
    fn('produce', GOOD);
    mkdirSync(join(project, 'dist', 'produce'), { recursive: true });
    writeFileSync(join(project, 'dist', 'produce', 'stale.js'), 'old');
    const report = await bundleFunctions({ functionsDir: join(project, 'functions'), outDir: join(project, 'dist') });
    expect(readdirSync(join(project, 'dist', 'produce')).sort()).toEqual(['index.js', 'package.json']);
    expect(JSON.parse(readFileSync(join(project, 'dist', 'produce', 'package.json'), 'utf8'))).toMatchObject({ type: 'commonjs' });
    const code = readFileSync(join(project, 'dist', 'produce', 'index.js'), 'utf8');
    expect(report.functions[0]).toMatchObject({ name: 'produce', bytes: Buffer.byteLength(code) });
    expect(JSON.parse(readFileSync(join(project, 'dist', 'bundle-report.json'), 'utf8'))).toMatchObject({ functions: [{ name: 'produce' }] });
    expect(formatBundleReport(report)).toMatch(/^produce +\d+ +\d+\.\d +\d+$/m);
  });

  it.each([
    ['a syntax error', 'export const handler = ;\n', /index\.ts:1:\d+/],
    ['an import that does not resolve', "import { x } from './missing';\nexport const handler = x;\n", /Could not resolve "\.\/missing"/],
  ])('fails with esbuild\'s message on %s', async (_what, source, message) => {
    fn('broken', source);
    const err = await bundleFunctions({ functionsDir: join(project, 'functions'), outDir: join(project, 'dist') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses an unknown --only name and an empty functions folder', async () => {
    fn('produce', GOOD);
    await expect(bundleFunctions({ functionsDir: join(project, 'functions'), outDir: join(project, 'dist'), only: ['nope'] })).rejects.toThrow(/no such function folder: nope/);
    await expect(bundleFunctions({ functionsDir: join(project, 'none'), outDir: join(project, 'dist') })).rejects.toThrow(BundleError);
  });
});

describe('kg build', () => {
  function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { readStdin: async () => Buffer.alloc(0), out: (t) => out.push(t), err: (t) => err.push(t), env: { KG_PROJECT_ROOT: project } };
    return build.run(args, io).then((code) => ({ code, out: out.join(''), err: err.join('') }));
  }

  it('builds, prints the size table, and warns while s.yaml is stale', async () => {
    fn('produce', GOOD);
    const { code, out, err } = await run([]);
    expect(code).toBe(0);
    expect(out).toMatch(/^produce +\d+/m);
    expect(existsSync(join(project, 'dist', 'bundle-report.json'))).toBe(true);
    expect(err).toMatch(/s\.yaml does not match/);
  });

  it('writes an s.yaml with one service per folder on --write-syaml, and then stops warning', async () => {
    fn('produce', GOOD);
    fn('provision-worker', GOOD);
    expect((await run(['--write-syaml'])).code).toBe(0);
    const syaml = parseYamlSubset(readFileSync(join(project, 's.yaml'), 'utf8'));
    expect(scalarAt(syaml, 'services', 'produce', 'props', 'trigger', 'triggerTypeCode')).toBeUndefined();
    expect(scalarAt(syaml, 'services', 'provision-worker', 'props', 'trigger', 'triggerTypeCode')).toBe('TIMER');
    expect((await run([])).err).toBe('');
  });

  it('neither warns about nor overwrites the merchant\'s vars', async () => {
    fn('produce', GOOD);
    expect((await run(['--write-syaml'])).code).toBe(0);
    const path = join(project, 's.yaml');
    const edited = readFileSync(path, 'utf8').replace('vpcId: "<vpc-id>"', 'vpcId: vpc-mine   # from the VPC console');
    writeFileSync(path, edited);
    expect((await run([])).err).toBe('');
    fn('provision-worker', GOOD);
    expect((await run([])).err).toMatch(/s\.yaml does not match/);
    expect((await run(['--write-syaml'])).code).toBe(0);
    const regenerated = readFileSync(path, 'utf8');
    expect(regenerated).toContain('vpcId: vpc-mine   # from the VPC console');
    expect(regenerated).toMatch(/^  provision-worker:$/m);
  });

  it('exits 1 with the esbuild error when a function does not compile', async () => {
    fn('produce', 'export const handler = ;\n');
    const { code, err } = await run([]);
    expect(code).toBe(1);
    expect(err).toMatch(/kg build: bundling produce failed/);
  });
});
