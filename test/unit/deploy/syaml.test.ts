import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../../infra/build/bundle';
import { DEPLOY_PLAN, deployedName, planFor, routesOf } from '../../../infra/build/deployPlan';
import { listFunctionNames } from '../../../infra/build/functionNames';
import { resolveDeployment } from '../../../infra/build/deploySettings';
import { defaultMerchantBlock, ENCRYPTED_SETTINGS, extractMerchantBlock, FGS_COMPONENT, MERCHANT_BEGIN, MERCHANT_END, renderSyaml } from '../../../infra/build/renderSyaml';
import { CONFIG_KEYS } from '../../../shared/platform/config';
import { mapAt, parseYamlSubset, scalarAt, YamlSubsetError, type YamlMap } from '../../../infra/build/yamlSubset';

const root = resolve(__dirname, '../../..');
const functionsDir = join(root, 'functions');
const fixtureFunctions = join(__dirname, 'fixtures', 'functions');
const folders = listFunctionNames(functionsDir);
const syamlText = readFileSync(join(root, 's.yaml'), 'utf8');
const syaml = parseYamlSubset(syamlText);
const services = mapAt(syaml, 'services');
const serviceNames = Object.keys(services);

/** docs/design.md (the route table), written out independently of infra/build/deployPlan.ts. */
const DESIGN_ROUTES: Record<string, string[]> = {
  produce: ['POST /', 'GET /'],
  'tenant-sync': ['POST /produceAPI/v2/tenantSync', 'POST /produceAPI/tenantSync'],
  'application-sync': ['POST /produceAPI/v2/applicationSync', 'POST /produceAPI/applicationSync'],
  'auth-sync': ['POST /produceAPI/v2/authSync', 'POST /produceAPI/authSync'],
  'single-org-sync': ['POST /produceAPI/v2/singleOrgSync', 'POST /produceAPI/singleOrgSync'],
  'all-org-sync': ['POST /produceAPI/v2/allOrgSync', 'POST /produceAPI/allOrgSync'],
};
const TIMER_FUNCTIONS = ['provision-worker', 'usage-push', 'ops-watch'];

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
  it.each(Object.entries(DESIGN_ROUTES))('routes %s to the paths of the design', (folder, routes) => {
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
  expect(scalarAt(svc, 'component')).toBe(FGS_COMPONENT);
  expect(FGS_COMPONENT).toMatch(/^fgs@\d+\.\d+\.\d+$/);
  const fn = mapAt(svc, 'props', 'function');
  expect(scalarAt(fn, 'functionName')).toBe(deployedName(name));
  expect(scalarAt(fn, 'runtime')).toBe('Node.js20.15');
  expect(scalarAt(fn, 'handler')).toBe('index.handler');
  expect(scalarAt(fn, 'code', 'codeUri')).toBe(`./dist/${name}`);
  expect(scalarAt(fn, 'agencyName')).toBe('${vars.agency}');
  expect(scalarAt(fn, 'funcVpc', 'vpcId')).toBe('${vars.vpcId}');
  expect(scalarAt(fn, 'funcVpc', 'subnetId')).toBe('${vars.subnetId}');
  expect(fn).toMatchObject({ ltsGroupId: '${vars.ltsGroupId}', ltsStreamId: '${vars.ltsStreamId}', ltsStreamName: '${vars.ltsStreamName}' });
  const secrets = mapAt(fn, 'encryptedUserData');
  expect(Object.keys(secrets).sort()).toEqual([...ENCRYPTED_SETTINGS].sort());
  for (const k of ENCRYPTED_SETTINGS) expect(secrets[k]).toBe(`\${env(${k})}`);
  const plain = mapAt(fn, 'environmentVariables');
  for (const k of ENCRYPTED_SETTINGS) expect(plain).not.toHaveProperty(k);
  const plan = planFor(name).trigger;
  if (plan.kind === 'endpoint') {
    // No APIG trigger at all: no trigger name for the component to mismatch, routes come from kg apig.
    expect(mapAt(svc, 'props')).not.toHaveProperty('trigger');
  } else {
    const trigger = mapAt(svc, 'props', 'trigger');
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
    for (const name of Object.keys(DESIGN_ROUTES)) expect(mapAt(all, 'services', name, 'props')).not.toHaveProperty('trigger');
    for (const name of TIMER_FUNCTIONS) expect(scalarAt(all, 'services', name, 'props', 'trigger', 'triggerTypeCode')).toBe('TIMER');
  });
});

describe('s.yaml rendering for every planned function', () => {
  const every = Object.keys(DEPLOY_PLAN);
  const text = renderSyaml(every);

  it('has no APIG trigger anywhere, so a second s deploy has no trigger to create again', () => {
    expect(text).not.toMatch(/triggerTypeCode: APIG|groupName:/);
    const triggerNames = every.flatMap((n) => {
      const name = scalarAt(parseYamlSubset(text), 'services', n, 'props', 'trigger', 'eventData', 'name');
      return name === undefined ? [] : [name];
    });
    // Only the timers keep a trigger, named after their function.
    expect(triggerNames.sort()).toEqual(TIMER_FUNCTIONS.map((n) => `${deployedName(n)}-timer`).sort());
  });

  it.each(every)('gives %s every secret, resolved from the environment', (name) => {
    const env = Object.fromEntries(ENCRYPTED_SETTINGS.map((k, i) => [k, `secret-${i}-${name}`]));
    const fn = resolveDeployment(text, env).functions.find((f) => f.service === name)!;
    for (const [i, k] of ENCRYPTED_SETTINGS.entries()) {
      expect(fn.settings.find((s) => s.name === k)).toMatchObject({ value: `secret-${i}-${name}`, secret: true, source: `environment ${k}` });
    }
  });

  it('lists every secret-like setting of the configuration as encrypted user data', () => {
    const commandOnly = new Set(['KG_RSA_PRIVATE_KEYS']);
    const secretLike = CONFIG_KEYS.filter((k) => /KEY|SECRET|PASSWORD|_AK$|_SK$|AUTH_VALUES/.test(k) && !commandOnly.has(k));
    expect(secretLike.filter((k) => !(ENCRYPTED_SETTINGS as readonly string[]).includes(k))).toEqual([]);
  });
});

describe('merchant block', () => {
  const folders2 = ['produce', 'provision-worker'];
  const edited = [
    MERCHANT_BEGIN,
    '# my own note, with   odd spacing   kept',
    'access: huawei-prod',
    '',
    'vars:',
    '  region: ap-southeast-1',
    "  vpcId: 'vpc-0abc'   # trailing comment",
    '  subnetId: "subnet-1"',
    '  domain: saas.merchant.cn',
    '  myExtra: "kept too"',
    '',
    MERCHANT_END,
  ].join('\n');

  it('survives regeneration byte for byte, and regeneration changes only the generated part', () => {
    const first = renderSyaml(folders2, edited);
    expect(first).toContain(`\n${edited}\n`);
    const again = renderSyaml(['produce', 'provision-worker', 'tenant-sync'], extractMerchantBlock(first));
    expect(extractMerchantBlock(again)).toBe(edited);
    expect(again.replace(edited, 'X')).toBe(renderSyaml(['produce', 'provision-worker', 'tenant-sync'], 'X'));
  });

  it('is the template default in a fresh file, and the repository s.yaml uses the markers', () => {
    expect(extractMerchantBlock(renderSyaml(folders2))).toBe(defaultMerchantBlock());
    expect(syamlText).toContain(MERCHANT_BEGIN);
    expect(syamlText).toContain(MERCHANT_END);
  });

  it('takes over the vars of an s.yaml from before the markers byte for byte, adding only new vars', () => {
    const legacyVars = 'access: default\n\nvars:\n  # mine\n  region: cn-south-1\n  vpcId: "vpc-9"\n  ltsGroupId: ""\n';
    const legacy = `# old header\nedition: 1.0.0\nname: x\n${legacyVars}\nservices:\n  produce:\n    component: fgs\n`;
    const block = extractMerchantBlock(legacy)!;
    expect(block.startsWith(`${MERCHANT_BEGIN}\n${legacyVars.trimEnd()}\n`)).toBe(true);
    expect(block).toMatch(/^  apigInstanceId: /m);
    expect(block.match(/^  ltsGroupId:/gm)).toHaveLength(1);
    const vars = mapAt(parseYamlSubset(renderSyaml(folders2, block)), 'vars');
    expect(vars).toMatchObject({ region: 'cn-south-1', vpcId: 'vpc-9', ltsGroupId: '' });
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
