/**
 * The layering rule of docs/design.md §2, checked on every static import and re-export in `shared/**`:
 * a module imports its own layer or a lower one, never a higher one; `shared/` never imports
 * `functions/` or `infra/`; lifecycle, kit rules, protocol and security reach no I/O module (directly,
 * or through what they import at run time); and one interface (basic, kit) never imports another's files.
 *
 * Imports are read with the TypeScript parser (multi-line imports, `import type`, `export * from`,
 * comments and strings that merely look like imports are all handled as the compiler sees them). Type-only
 * imports count for the layer rules (a type from a higher layer is still a dependency on it) but not for
 * the I/O rule (they are erased before run time).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// ---------------------------------------------------------------------------------------------------
// The rule, as data.
// ---------------------------------------------------------------------------------------------------

/** Layer names, bottom (0) to top (6). */
const LAYER_NAMES = [
  'core',
  'security/platform/store',
  'protocol',
  'lifecycle/kit rules',
  'callback/provisioning',
  'basic/kit/sso/marketplace/jobs/usage/apiProduct/ops',
  'public API (merchant, handlers, functionTable, testing, index)',
] as const;

/** The kit files that are pure rules and models (layer 3); the rest of shared/kit is layer 5. */
const KIT_RULE_FILES = new Set(['shared/kit/model.ts', 'shared/kit/view.ts', 'shared/kit/json.ts', 'shared/kit/userExtras.ts']);

/**
 * Files directly in shared/ are the public API and the assembly of functions (layer 6): merchant.ts,
 * handlers.ts, functionTable.ts, testing.ts, index.ts, and those added beside them since (routeTable.ts,
 * openStore.ts). They sit above every directory, so none of them may be imported from one.
 */
function isTopFile(path: string): boolean {
  return /^shared\/[^/]+\.tsx?$/.test(path);
}

/** Layer of each directory directly under shared/ (shared/kit is split below). */
const DIR_LAYER: Readonly<Record<string, number>> = {
  core: 0,
  security: 1,
  platform: 1,
  store: 1,
  protocol: 2,
  lifecycle: 3,
  callback: 4,
  provisioning: 4,
  basic: 5,
  sso: 5,
  marketplace: 5,
  jobs: 5,
  usage: 5,
  apiProduct: 5,
  ops: 5,
};

/** Module groups that must do no I/O. */
const IO_FREE_GROUPS = new Set(['lifecycle', 'kit rules', 'protocol', 'security']);

/**
 * Modules that do I/O. The brief's list (node:http, node:https, node:net, node:fs, ioredis) with the
 * same modules under their bare names and sub-paths (`fs/promises`), and their close relatives.
 */
const IO_MODULES = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram', 'fs', 'child_process', 'ioredis', 'undici']);

/** Signed-callback interfaces: none may import another's files (docs/design.md §2, "the engine is wrong"). */
const INTERFACES = new Set(['basic', 'kit']);

/** Where a module sits: its layer and its group (the directory, or `kit rules`). */
interface Place {
  layer: number;
  group: string;
}

/** The place of a repo-relative path under shared/, or undefined when the rule does not name it. */
function placeOf(path: string): Place | undefined {
  if (!path.startsWith('shared/')) return undefined;
  if (isTopFile(path)) return { layer: 6, group: 'public' };
  const parts = path.split('/');
  const dir = parts[1] as string;
  if (dir === 'kit') {
    if (path.startsWith('shared/kit/rules/') || KIT_RULE_FILES.has(path)) return { layer: 3, group: 'kit rules' };
    return { layer: 5, group: 'kit' };
  }
  const layer = DIR_LAYER[dir];
  return layer === undefined ? undefined : { layer, group: dir };
}

/** The interface (basic, kit) a module belongs to, if any. Kit rules are kit files too. */
function interfaceOf(place: Place): string | undefined {
  const group = place.group === 'kit rules' ? 'kit' : place.group;
  return INTERFACES.has(group) ? group : undefined;
}

/** Whether a module specifier names an I/O module (`node:fs`, `fs/promises`, `ioredis`...). */
function isIoModule(specifier: string): boolean {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  return IO_MODULES.has(bare.split('/')[0] as string);
}

// ---------------------------------------------------------------------------------------------------
// Reading imports.
// ---------------------------------------------------------------------------------------------------

/** One static import or re-export of a file. */
interface RawImport {
  specifier: string;
  /** 1-based line of the statement. */
  line: number;
  /** Erased before run time (`import type`, `export type`, or only `type` elements). */
  typeOnly: boolean;
}

/** Every `import ... from`, side-effect `import '...'`, `export ... from` and `import x = require()` of a file. */
function parseImports(fileName: string, source: string): RawImport[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: RawImport[] = [];
  const lineOf = (node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const clause = stmt.importClause;
      const named = clause?.namedBindings;
      const onlyTypeElements = !!clause && !clause.name && !!named && ts.isNamedImports(named)
        && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      out.push({ specifier: stmt.moduleSpecifier.text, line: lineOf(stmt), typeOnly: !!clause?.isTypeOnly || onlyTypeElements });
    } else if (ts.isExportDeclaration(stmt) && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const clause = stmt.exportClause;
      const onlyTypeElements = !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      out.push({ specifier: stmt.moduleSpecifier.text, line: lineOf(stmt), typeOnly: stmt.isTypeOnly || onlyTypeElements });
    } else if (ts.isImportEqualsDeclaration(stmt) && ts.isExternalModuleReference(stmt.moduleReference)
      && ts.isStringLiteral(stmt.moduleReference.expression)) {
      out.push({ specifier: stmt.moduleReference.expression.text, line: lineOf(stmt), typeOnly: stmt.isTypeOnly });
    }
  }
  return out;
}

/** The repo-relative file a relative specifier names (`.ts`, `.js` -> `.ts`, `/index.ts`), or undefined. */
function resolveRelative(from: string, specifier: string, exists: (path: string) => boolean): { target: string; found: boolean } {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [base, base.replace(/\.(c|m)?js$/, '.ts'), `${base}.ts`, `${base}.tsx`, `${base}/index.ts`];
  for (const c of candidates) if (/\.tsx?$/.test(c) && exists(c)) return { target: c, found: true };
  return { target: base, found: false };
}

// ---------------------------------------------------------------------------------------------------
// Checking.
// ---------------------------------------------------------------------------------------------------

/** One broken rule, with the edge that breaks it. */
interface Violation {
  rule: 'up-layer' | 'outside-shared' | 'io' | 'cross-interface' | 'unclassified' | 'unresolved';
  from: string;
  line: number;
  to: string;
  detail: string;
}

/** An import edge inside the repository (relative specifier, resolved). */
interface Edge {
  from: string;
  to: string;
  line: number;
  typeOnly: boolean;
}

/** What {@link checkLayers} looked at, so a test can tell an empty scan from a clean one. */
interface LayerReport {
  violations: Violation[];
  files: number;
  edges: number;
}

/**
 * Checks `files` (repo-relative path -> source; only `shared/**` files are checked) against the rule.
 * `exists` answers whether a repo-relative path is a file (defaults to membership in `files`).
 */
function checkLayers(files: ReadonlyMap<string, string>, exists: (path: string) => boolean = (p) => files.has(p)): LayerReport {
  const violations: Violation[] = [];
  const edges: Edge[] = [];
  const directIo = new Map<string, { line: number; specifier: string }>();
  const shared = [...files.keys()].filter((p) => p.startsWith('shared/')).sort();

  for (const from of shared) {
    const place = placeOf(from);
    if (!place) {
      violations.push({ rule: 'unclassified', from, line: 0, to: '', detail: 'no layer in docs/design.md §2 names this file: place it in the table of layers.test.ts' });
    }
    for (const imp of parseImports(from, files.get(from) ?? '')) {
      if (!imp.specifier.startsWith('.')) {
        if (isIoModule(imp.specifier)) {
          if (!imp.typeOnly && !directIo.has(from)) directIo.set(from, { line: imp.line, specifier: imp.specifier });
          if (place && IO_FREE_GROUPS.has(place.group)) {
            violations.push({ rule: 'io', from, line: imp.line, to: imp.specifier, detail: `${place.group} does no I/O` });
          }
        }
        continue;
      }
      const { target, found } = resolveRelative(from, imp.specifier, exists);
      if (target.startsWith('functions/') || target.startsWith('infra/') || target.startsWith('..') || !target.startsWith('shared/')) {
        violations.push({ rule: 'outside-shared', from, line: imp.line, to: target, detail: 'shared/ never imports functions/, infra/ or anything outside shared/' });
        continue;
      }
      if (!found) {
        violations.push({ rule: 'unresolved', from, line: imp.line, to: target, detail: `'${imp.specifier}' names no .ts file` });
        continue;
      }
      edges.push({ from, to: target, line: imp.line, typeOnly: imp.typeOnly });
      const toPlace = placeOf(target);
      if (!place || !toPlace) continue; // reported as unclassified
      if (toPlace.layer > place.layer) {
        violations.push({
          rule: 'up-layer', from, line: imp.line, to: target,
          detail: `${place.group} (layer ${place.layer}) imports ${toPlace.group} (layer ${toPlace.layer}: ${LAYER_NAMES[toPlace.layer]})${imp.typeOnly ? ' [type-only]' : ''}`,
        });
      }
      const fromIf = interfaceOf(place);
      const toIf = interfaceOf(toPlace);
      if (fromIf && toIf && fromIf !== toIf) {
        violations.push({ rule: 'cross-interface', from, line: imp.line, to: target, detail: `the ${fromIf} interface imports a ${toIf} file${imp.typeOnly ? ' [type-only]' : ''}` });
      }
    }
  }

  // I/O reached through run-time imports: an I/O-free module must not load one that does I/O.
  const valueEdges = new Map<string, Edge[]>();
  for (const e of edges) if (!e.typeOnly) valueEdges.set(e.from, [...(valueEdges.get(e.from) ?? []), e]);
  for (const from of shared) {
    const place = placeOf(from);
    if (!place || !IO_FREE_GROUPS.has(place.group)) continue;
    const chain = ioChain(from, valueEdges, directIo);
    if (chain && chain.path.length > 1) {
      const first = (valueEdges.get(from) ?? []).find((e) => e.to === chain.path[1]);
      violations.push({
        rule: 'io', from, line: first?.line ?? 0, to: chain.path[1] as string,
        detail: `${place.group} does no I/O, but loads ${[...chain.path.slice(1), chain.specifier].join(' -> ')}`,
      });
    }
  }
  return { violations, files: shared.length, edges: edges.length };
}

/** The shortest run-time import path from `start` to a file that imports an I/O module (breadth first). */
function ioChain(start: string, graph: ReadonlyMap<string, Edge[]>, directIo: ReadonlyMap<string, { specifier: string }>): { path: string[]; specifier: string } | undefined {
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    const io = directIo.get(at);
    if (io && at !== start) {
      const path: string[] = [];
      for (let p: string | null | undefined = at; p; p = previous.get(p)) path.unshift(p);
      return { path, specifier: io.specifier };
    }
    for (const e of graph.get(at) ?? []) {
      if (!previous.has(e.to)) {
        previous.set(e.to, at);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}

/** One line per violation, for the failure message. */
function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `  [${v.rule}] ${v.from}${v.line ? `:${v.line}` : ''}${v.to ? ` -> ${v.to}` : ''}  (${v.detail})`).join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The repository.
// ---------------------------------------------------------------------------------------------------

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(posix.join(ROOT, dir), { withFileTypes: true })) {
    const rel = posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(rel));
    else if (entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function isFile(rel: string): boolean {
  try {
    return statSync(posix.join(ROOT, rel)).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------------

describe('checkLayers (the checker itself)', () => {
  const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
  const rulesOf = (report: LayerReport) => report.violations.map((v) => `${v.rule} ${v.from}:${v.line} -> ${v.to}`);

  it('reports an import from a lower layer up to a higher one, naming the edge', () => {
    const report = checkLayers(files({
      'shared/core/errors.ts': "import { x } from '../basic/worker';\nexport const e = x;\n",
      'shared/basic/worker.ts': "import { e } from '../core/errors';\nexport const x = 1;\n",
    }));
    expect(rulesOf(report)).toEqual(['up-layer shared/core/errors.ts:1 -> shared/basic/worker.ts']);
    expect(formatViolations(report.violations)).toContain('shared/core/errors.ts:1 -> shared/basic/worker.ts');
    expect(report.edges).toBe(2);
  });

  it('reports a directory importing a top-level file of shared/ (public API, layer 6)', () => {
    const report = checkLayers(files({
      'shared/callback/engine.ts': "import { ROUTE_TABLE } from '../routeTable';\n",
      'shared/basic/spec.ts': "import type { Merchant } from '../merchant';\n",
      'shared/routeTable.ts': "import { r } from './basic/spec';\nexport const ROUTE_TABLE = r;\n",
      'shared/merchant.ts': 'export type Merchant = 1;\n',
    }));
    expect(rulesOf(report)).toEqual([
      'up-layer shared/basic/spec.ts:1 -> shared/merchant.ts',
      'up-layer shared/callback/engine.ts:1 -> shared/routeTable.ts',
    ]);
  });

  it.each([
    ['a multi-line import', "import {\n  a,\n  b,\n} from '../callback/engine';\n"],
    ['an import type', "import type { A } from '../callback/engine';\n"],
    ['an import with only type elements', "import { type A } from '../callback/engine';\n"],
    ['a namespace import', "import * as e from '../callback/engine';\n"],
    ['a side-effect import', "import '../callback/engine';\n"],
    ['export * from', "export * from '../callback/engine';\n"],
    ['export { x } from', "export { x as y } from '../callback/engine';\n"],
    ['export type from', "export type { A } from '../callback/engine';\n"],
    ['a .js specifier', "import { a } from '../callback/engine.js';\n"],
    ['an index import', "import { a } from '../callback';\n"],
    ['import = require', "import e = require('../callback/engine');\n"],
  ])('sees %s going up a layer', (_name, source) => {
    const report = checkLayers(files({
      'shared/protocol/x.ts': `// a comment\n${source}`,
      'shared/callback/engine.ts': 'export const a = 1;\n',
      'shared/callback/index.ts': 'export const a = 1;\n',
    }));
    expect(rulesOf(report)).toHaveLength(1);
    expect(report.violations[0]).toMatchObject({ rule: 'up-layer', from: 'shared/protocol/x.ts', line: 2 });
  });

  it('ignores imports that only appear in comments and strings', () => {
    const report = checkLayers(files({
      'shared/core/x.ts': "// import { a } from '../basic/worker';\n/* export * from '../basic/worker'; */\nexport const s = \"import { a } from '../basic/worker'\";\n",
      'shared/basic/worker.ts': 'export const a = 1;\n',
    }));
    expect(report.violations).toEqual([]);
  });

  it('allows imports of the same layer and of lower layers', () => {
    const report = checkLayers(files({
      'shared/index.ts': "export { h } from './handlers';\nexport { r } from './core/resultCodes';\n",
      'shared/handlers.ts': "import { s } from './basic/spec';\nexport const h = s;\n",
      'shared/basic/spec.ts': "import { t } from '../callback/transact';\nimport { w } from './worker';\nexport const s = t + w;\n",
      'shared/basic/worker.ts': "import { d } from '../lifecycle/decide';\nexport const w = d;\n",
      'shared/callback/transact.ts': "import { k } from '../store/keys';\nimport { p } from '../provisioning/P';\nexport const t = k + p;\n",
      'shared/provisioning/P.ts': "export const p = 1;\n",
      'shared/lifecycle/decide.ts': "import { r } from '../protocol/responseModel';\nimport { j } from '../kit/json';\nexport const d = r + j;\n",
      'shared/kit/json.ts': "export const j = 1;\n",
      'shared/kit/spec.ts': "import { j } from './json';\nimport { c } from './rules/common';\nimport { t } from '../callback/transact';\nexport const k = j + c + t;\n",
      'shared/kit/rules/common.ts': "import { j } from '../json';\nimport { m } from '../model';\nexport const c = j + m;\n",
      'shared/kit/model.ts': "import { j } from './json';\nexport const m = j;\n",
      'shared/protocol/responseModel.ts': "import { s } from '../security/hmac';\nexport const r = s;\n",
      'shared/security/hmac.ts': "import { createHmac } from 'node:crypto';\nimport { e } from '../core/errors';\nexport const s = createHmac + e;\n",
      'shared/store/keys.ts': "import { c } from '../platform/config';\nexport const k = c;\n",
      'shared/platform/config.ts': "import { e } from '../core/errors';\nexport const c = e;\n",
      'shared/core/errors.ts': "export const e = 1;\n",
      'shared/core/resultCodes.ts': "export const r = 1;\n",
    }));
    expect(formatViolations(report.violations)).toBe('');
    expect(report.files).toBe(17);
  });

  it('reports kit rules importing the rest of the kit (layer 3 -> 5)', () => {
    const report = checkLayers(files({
      'shared/kit/rules/tenantSync.ts': "import { spec } from '../tenantSyncSpec';\n",
      'shared/kit/view.ts': "import { spec } from './tenantSyncSpec';\n",
      'shared/kit/tenantSyncSpec.ts': 'export const spec = 1;\n',
    }));
    expect(rulesOf(report)).toEqual([
      'up-layer shared/kit/rules/tenantSync.ts:1 -> shared/kit/tenantSyncSpec.ts',
      'up-layer shared/kit/view.ts:1 -> shared/kit/tenantSyncSpec.ts',
    ]);
  });

  it('reports basic importing kit and kit importing basic, though both sit on layer 5', () => {
    const report = checkLayers(files({
      'shared/basic/worker.ts': "import { v } from '../kit/view';\nimport { s } from '../kit/tenantSpec';\n",
      'shared/kit/tenantSpec.ts': "import type { R } from '../basic/responder';\nexport const s = 1;\n",
      'shared/kit/view.ts': 'export const v = 1;\n',
      'shared/basic/responder.ts': 'export type R = 1;\n',
      'shared/sso/login.ts': "import { s } from '../kit/tenantSpec';\n",
    }));
    expect(rulesOf(report)).toEqual([
      'cross-interface shared/basic/worker.ts:1 -> shared/kit/view.ts',
      'cross-interface shared/basic/worker.ts:2 -> shared/kit/tenantSpec.ts',
      'cross-interface shared/kit/tenantSpec.ts:1 -> shared/basic/responder.ts',
    ]);
  });

  it.each([
    ['shared/lifecycle/x.ts', 'node:fs'],
    ['shared/lifecycle/x.ts', 'fs/promises'],
    ['shared/kit/rules/x.ts', 'node:http'],
    ['shared/kit/model.ts', 'node:https'],
    ['shared/protocol/x.ts', 'ioredis'],
    ['shared/security/x.ts', 'node:net'],
    ['shared/security/x.ts', 'net'],
  ])('reports %s importing the I/O module %s', (from, specifier) => {
    const report = checkLayers(files({ [from]: `import { a } from '${specifier}';\n` }));
    expect(rulesOf(report)).toEqual([`io ${from}:1 -> ${specifier}`]);
  });

  it('allows I/O modules in the layers that do I/O, and node:crypto everywhere', () => {
    const report = checkLayers(files({
      'shared/store/RedisStore.ts': "import { Redis } from 'ioredis';\n",
      'shared/provisioning/http.ts': "import { request } from 'node:https';\n",
      'shared/security/hmac.ts': "import { createHmac } from 'node:crypto';\n",
      'shared/lifecycle/id.ts': "import { createHash } from 'node:crypto';\n",
    }));
    expect(report.violations).toEqual([]);
  });

  it('reports an I/O-free layer that loads I/O through a lower layer at run time, but not through a type-only import', () => {
    const report = checkLayers(files({
      'shared/protocol/parse.ts': "import { s } from '../store/limits';\nimport type { Store } from '../store/RedisStore';\nexport const p = s;\n",
      'shared/store/limits.ts': "import { c } from './client';\nexport const s = c;\n",
      'shared/store/client.ts': "import { Redis } from 'ioredis';\nexport const c = Redis;\n",
      'shared/store/RedisStore.ts': "import { Redis } from 'ioredis';\nexport type Store = Redis;\n",
    }));
    expect(rulesOf(report)).toEqual(['io shared/protocol/parse.ts:1 -> shared/store/limits.ts']);
    expect(report.violations[0]?.detail).toContain('shared/store/limits.ts -> shared/store/client.ts -> ioredis');
  });

  it('reports shared/ importing functions/ or infra/, and files and imports the rule cannot place', () => {
    const report = checkLayers(files({
      'shared/basic/a.ts': "import { m } from '../../functions/merchant';\nimport { s } from '../../infra/server/localServer';\nimport { x } from './missing';\n",
      'shared/newLayer/b.ts': 'export const b = 1;\n',
      'shared/newLayer/deeper/c.ts': 'export const c = 1;\n',
      'functions/merchant.ts': 'export const m = 1;\n',
      'infra/server/localServer.ts': 'export const s = 1;\n',
    }));
    expect(rulesOf(report)).toEqual([
      'outside-shared shared/basic/a.ts:1 -> functions/merchant.ts',
      'outside-shared shared/basic/a.ts:2 -> infra/server/localServer.ts',
      'unresolved shared/basic/a.ts:3 -> shared/basic/missing',
      'unclassified shared/newLayer/b.ts:0 -> ',
      'unclassified shared/newLayer/deeper/c.ts:0 -> ',
    ]);
  });
});

describe('shared/ layering (docs/design.md §2)', () => {
  const paths = listTs('shared');
  const report = checkLayers(new Map(paths.map((p) => [p, readFileSync(posix.join(ROOT, p), 'utf8')])), isFile);

  it('scanned the real tree (not an empty or unparsed one)', () => {
    expect(report.files).toBeGreaterThan(100);
    expect(report.edges).toBeGreaterThan(200);
    for (const dir of ['core', 'security', 'platform', 'store', 'protocol', 'lifecycle', 'callback', 'provisioning', 'basic']) {
      expect(paths.some((p) => p.startsWith(`shared/${dir}/`)), dir).toBe(true);
    }
  });

  it('has no import that runs up a layer, leaves shared/, crosses interfaces, does I/O where none belongs, or escapes the table', () => {
    const message = `layering violations (docs/design.md §2):\n${formatViolations(report.violations)}`;
    expect(report.violations, message).toEqual([]);
  });
});
