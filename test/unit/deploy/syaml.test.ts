import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../../infra/build/bundle';
import { DEPLOY_PLAN, deployedName, planFor, routesOf } from '../../../infra/build/deployPlan';
import { listFunctionNames } from '../../../infra/build/functionNames';
import { ENCRYPTED_SETTINGS, renderSyaml } from '../../../infra/build/renderSyaml';
import { mapAt, parseYamlSubset, scalarAt, YamlSubsetError, type YamlMap } from '../../../infra/build/yamlSubset';

const root = resolve(__dirname, '../../..');
const functionsDir = join(root, 'functions');
const fixtureFunctions = join(__dirname, 'fixtures', 'functions');
const folders = listFunctionNames(functionsDir);
const syamlText = readFileSync(join(root, 's.yaml'), 'utf8');
const syaml = parseYamlSubset(syamlText);
const services = mapAt(syaml, 'services');
const serviceNames = Object.keys(services);

/** DESIGN.md §1, written out independently of infra/build/deployPlan.ts. */
const DESIGN_ROUTES: Record<string, string[]> = {
  produce: ['POST /', 'GET /'],
  'tenant-sync': ['POST /produceAPI/v2/tenantSync', 'POST /produceAPI/tenantSync'],
  'application-sync': ['POST /produceAPI/v2/applicationSync', 'POST /produceAPI/applicationSync'],
  'auth-sync': ['POST /produceAPI/v2/authSync', 'POST /produceAPI/authSync'],
  'single-org-sync': ['POST /produceAPI/v2/singleOrgSync', 'POST /produceAPI/singleOrgSync'],
  'all-org-sync': ['POST /produceAPI/v2/allOrgSync', 'POST /produceAPI/allOrgSync'],
};
const TIMER_FUNCTIONS = ['provision-worker', 'usage-push'];

describe('parseYamlSubset', () => {
  it('reads nested mappings, quoted and plain scalars and skips comments', () => {
    const text = [
      '# comment',
      'a: 1.0.0',
      'b:',
      '  c: "x: \\"y\\""',
      "  d: 'it''s'",
      '  e:',
      '    f: ${vars.g} # trailing',
      'h: ""',
    ].join('\n');
    expect(parseYamlSubset(text)).toEqual({ a: '1.0.0', b: { c: 'x: "y"', d: "it's", e: { f: '${vars.g}' } }, h: '' });
  });

  it.each([
    ['a list', 'a:\n  - x\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['an anchor', 'a: &x 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a tab indent', 'a:\n\tb: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a key with no value at the end', 'a:\n'],
    ['inconsistent indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseYamlSubset(text)).toThrow(YamlSubsetError);
  });
});

describe('deployPlan', () => {
  it.each(Object.entries(DESIGN_ROUTES))('routes %s to the paths of DESIGN.md §1', (folder, routes) => {
    expect(routesOf([folder]).map((r) => `${r.method} ${r.path}`)).toEqual(routes);
  });

  it.each(TIMER_FUNCTIONS)('gives %s a timer and no public route', (folder) => {
    expect(planFor(folder).trigger.kind).toBe('timer');
    expect(routesOf([folder])).toEqual([]);
  });

  it('refuses a function folder it has no plan for, naming the file to edit', () => {
    expect(() => renderSyaml(['mystery'])).toThrow(/functions\/mystery .*deployPlan\.ts/);
  });

  it('gives no two functions the same route', () => {
    const all = routesOf(Object.keys(DEPLOY_PLAN)).map((r) => `${r.method} ${r.path}`);
    expect(new Set(all).size).toBe(all.length);
  });
});

function checkService(name: string, svc: YamlMap): void {
  expect(scalarAt(svc, 'component')).toBe('fgs');
  const fn = mapAt(svc, 'props', 'function');
  expect(scalarAt(fn, 'functionName')).toBe(deployedName(name));
  expect(scalarAt(fn, 'runtime')).toBe('Node.js20.15');
  expect(scalarAt(fn, 'handler')).toBe('index.handler');
  expect(scalarAt(fn, 'code', 'codeUri')).toBe(`./dist/${name}`);
  expect(scalarAt(fn, 'agencyName')).toBe('${vars.agency}');
  expect(scalarAt(fn, 'funcVpc', 'vpcId')).toBe('${vars.vpcId}');
  expect(scalarAt(fn, 'funcVpc', 'subnetId')).toBe('${vars.subnetId}');
  const secrets = mapAt(fn, 'encryptedUserData');
  expect(Object.keys(secrets).sort()).toEqual([...ENCRYPTED_SETTINGS].sort());
  for (const k of ENCRYPTED_SETTINGS) expect(secrets[k]).toBe(`\${env(${k})}`);
  const plain = mapAt(fn, 'environmentVariables');
  for (const k of ENCRYPTED_SETTINGS) expect(plain).not.toHaveProperty(k);
  const trigger = mapAt(svc, 'props', 'trigger');
  const plan = planFor(name).trigger;
  if (plan.kind === 'endpoint') {
    expect(scalarAt(trigger, 'triggerTypeCode')).toBe('APIG');
    expect(mapAt(trigger, 'eventData')).toMatchObject({ groupName: '${vars.apiGroup}', auth: 'None', protocol: 'HTTPS', timeout: '5000' });
  } else {
    expect(scalarAt(trigger, 'triggerTypeCode')).toBe('TIMER');
    expect(['Rate', 'Cron']).toContain(scalarAt(trigger, 'eventData', 'scheduleType'));
    expect(scalarAt(trigger, 'eventData', 'schedule')).toBe(plan.schedule);
  }
}

describe('s.yaml', () => {
  it('is a Serverless Devs 1.0.0 file with the vars the deploy guide names', () => {
    expect(scalarAt(syaml, 'edition')).toBe('1.0.0');
    expect(Object.keys(mapAt(syaml, 'vars'))).toEqual(expect.arrayContaining(['region', 'apiGroup', 'vpcId', 'subnetId', 'agency', 'domain']));
    expect(serviceNames.length).toBeGreaterThan(0);
  });

  it.each(serviceNames)('declares service %s with runtime, handler, VPC, secrets and the planned trigger', (name) => {
    checkService(name, mapAt(services, name));
  });

  it('has a service for every folder of functions/', () => {
    expect(serviceNames).toEqual(expect.arrayContaining(folders));
  });

  it.skipIf(folders.length === 0)('is what kg build --write-syaml renders for functions/ (run it after adding a function)', () => {
    expect(syamlText).toBe(renderSyaml(folders));
  });

  it('keeps endpoint and timer kinds for a rendering of every planned function', () => {
    const all = parseYamlSubset(renderSyaml(Object.keys(DEPLOY_PLAN)));
    for (const name of Object.keys(DEPLOY_PLAN)) checkService(name, mapAt(all, 'services', name));
    for (const name of Object.keys(DESIGN_ROUTES)) expect(scalarAt(all, 'services', name, 'props', 'trigger', 'triggerTypeCode')).toBe('APIG');
    for (const name of TIMER_FUNCTIONS) expect(scalarAt(all, 'services', name, 'props', 'trigger', 'triggerTypeCode')).toBe('TIMER');
  });
});

describe('s.yaml handler in its bundle', () => {
  // The real functions once they exist; until then the fixture stand-ins of the same names.
  const sourceDir = folders.length > 0 ? functionsDir : fixtureFunctions;
  const built = listFunctionNames(sourceDir).filter((n) => serviceNames.includes(n));
  let outDir = '';
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'kg-syaml-'));
    await bundleFunctions({ functionsDir: sourceDir, outDir, only: built });
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(built)('finds export "handler" of index.js in the codeUri of %s', (name) => {
    const fn = mapAt(services, name, 'props', 'function');
    const [file, exportName] = scalarAt(fn, 'handler')!.split('.') as [string, string];
    const codeUri = scalarAt(fn, 'code', 'codeUri')!.replace(/^\.\/dist\//, '');
    const bundle = join(outDir, codeUri, `${file}.js`);
    const kind = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(bundle)})[${JSON.stringify(exportName)}])`], { encoding: 'utf8' });
    expect(kind).toBe('function');
  });
});
