import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployedName } from '../../../infra/build/deployPlan';
import { listFunctionNames } from '../../../infra/build/functionNames';
import { commands } from '../../../infra/cli/registry';
import { CONFIG_KEYS, loadConfig } from '../../../shared/platform/config';

const root = resolve(__dirname, '../../..');
const DOCS = ['README.md', 'docs/deploy.md', 'docs/provisioner-http.md'];
const text = Object.fromEntries(DOCS.map((d) => [d, readFileSync(join(root, d), 'utf8')]));
const deployed = listFunctionNames(join(root, 'functions')).map(deployedName);
const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** Settings a merchant never sets: read by a command only, or not wired to any function yet. */
const UNLISTED_SETTINGS = new Set(['KG_RSA_PRIVATE_KEYS']);

/** The README "Configuration" table: setting names of each row and its default cell. */
function configRows(): Array<{ names: string[]; defaultCell: string }> {
  const section = text['README.md']!.split('## Configuration')[1]!.split('\n## ')[0]!;
  return section
    .split('\n')
    .filter((l) => /^\| `[A-Z_]+`/.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return { names: [...cells[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!), defaultCell: cells[2]! };
    });
}

describe('merchant docs agree with the code', () => {
  it.each(DOCS)('%s names only functions that are deployed (kg-<folder>)', (doc) => {
    const named = new Set([...text[doc]!.matchAll(/(?<![\w-])kg-([a-z][a-z0-9-]*[a-z0-9])\b/g)].map((m) => `kg-${m[1]}`));
    // File names (kg-rsa-private.pem) and the s.yaml vars' defaults (kg-api-group, kg-fgs-vpc-agency) are no functions.
    const functionLike = [...named].filter((n) => !/\.(pem|json)$/.test(n) && !n.startsWith('kg-rsa') && !n.startsWith('kg-fgs') && !n.startsWith('kg-api'));
    expect(functionLike.filter((n) => !deployed.includes(n))).toEqual([]);
  });

  it.each(DOCS)('%s names only settings the configuration reads', (doc) => {
    const named = new Set([...text[doc]!.matchAll(/\b(KG_[A-Z_]*[A-Z])\b/g)].map((m) => m[1]!));
    expect([...named].filter((n) => !(CONFIG_KEYS as string[]).includes(n))).toEqual([]);
  });

  it.each(DOCS)('%s runs only kg commands and npm scripts that exist', (doc) => {
    const kg = [...text[doc]!.matchAll(/\bnpx kg ([a-z-]+)|`kg ([a-z-]+)/g)].map((m) => m[1] ?? m[2]!);
    expect(kg.filter((c) => !commands.some((k) => k.name === c))).toEqual([]);
    const npm = [...text[doc]!.matchAll(/\bnpm run ([a-z:-]+)/g)].map((m) => m[1]!);
    expect(npm.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it('lists every setting in the README configuration table', () => {
    const listed = new Set(configRows().flatMap((r) => r.names));
    expect(CONFIG_KEYS.filter((k) => !listed.has(k) && !UNLISTED_SETTINGS.has(k))).toEqual([]);
  });

  it('gives each setting with a built-in default that default in the README table', () => {
    const defaults = loadConfig(() => undefined) as Record<string, unknown>;
    const wrong = configRows().flatMap((row) =>
      row.names
        .filter((n) => typeof defaults[n] === 'string' || typeof defaults[n] === 'number')
        .filter((n) => !row.defaultCell.includes(String(defaults[n])))
        .map((n) => `${n}: table says ${row.defaultCell}, code says ${String(defaults[n])}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('deploy guide (issue 14)', () => {
  const guide = text['docs/deploy.md']!;
  const readme = text['README.md']!;

  it('deploys with kg deploy and the pinned Serverless Devs, never a global s or a second s deploy', () => {
    expect(guide).toMatch(/npx kg deploy/);
    expect(guide).toMatch(/kg rollback/);
    for (const doc of [guide, readme]) {
      expect(doc).not.toMatch(/npm i(nstall)? -g @serverless-devs/);
      expect(doc).not.toMatch(/^s deploy/m);
    }
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['@serverless-devs/s']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists IAM permissions, where each id is, one place for credentials and the LTS log group', () => {
    expect(guide).toMatch(/IAM permissions of the deploying user/);
    expect(guide).toMatch(/FunctionGraph FullAccess/);
    expect(guide).toMatch(/APIG FullAccess/);
    expect(guide).toMatch(/project id .*My Credentials/);
    expect(guide).toMatch(/Credentials, one place/);
    expect(guide).toMatch(/ltsGroupId/);
    expect(guide).toMatch(/host inside the VPC/i);
  });

  it('cites a design page that is in the repository', () => {
    const arch = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    expect(arch).toMatch(/\(design\.md\)/);
    for (const doc of [guide, readme]) expect(doc).not.toMatch(/\bDESIGN\.md\b/);
  });
});
