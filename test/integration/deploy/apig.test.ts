import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mutationCount } from '../../../infra/apig/actions';
import { ApigRequestError, createApigClient } from '../../../infra/apig/apigClient';
import { command as apigCommand } from '../../../infra/apig/command';
import { apiName } from '../../../infra/apig/ensureApis';
import type { Gateway } from '../../../infra/apig/gateway';
import { setupApig } from '../../../infra/apig/setup';
import { routesOf } from '../../../infra/build/deployPlan';
import type { CliIo } from '../../../infra/cli/command';
import { startFakeApig, type FakeApig } from './fakeApig';
import { startFakeProject, type FakeProject } from './fakeServerlessDevs';

const AK = 'AKFAKEAPIG0001';
const SK = 'sk-fake-apig-secret-do-not-log';
const PROJECT = 'proj0123456789';
const INSTANCE = 'inst-abc';
const GROUP_ID = 'grp0001';
const ALL_ENDPOINTS = ['produce', 'tenant-sync', 'application-sync', 'auth-sync', 'single-org-sync', 'all-org-sync', 'provision-worker'];
const CERT = { name: 'kg_saas_cert_2025', certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' };

let fake: FakeApig;
beforeEach(async () => {
  fake = await startFakeApig({ ak: AK, sk: SK, projectId: PROJECT, instanceId: INSTANCE, groups: { 'kg-api-group': GROUP_ID, 'other-group': 'grp0002' } });
});
afterEach(async () => fake.close());

const gateways: Array<[string, Gateway]> = [
  ['dedicated', { kind: 'dedicated', projectId: PROJECT, instanceId: INSTANCE }],
  ['shared', { kind: 'shared', projectId: PROJECT }],
];
const client = () => createApigClient({ endpoint: fake.url, ak: AK, sk: SK, projectId: PROJECT });
const expectedRoutes = routesOf(ALL_ENDPOINTS).map((r) => `${r.method} ${r.path}`).sort();

describe('setupApig', () => {
  it.each(gateways)('on the %s gateway binds domain and certificate and creates every route once', async (_kind, gateway) => {
    const first = await setupApig(client(), { gateway, region: 'cn-north-4', groupName: 'kg-api-group', functions: ALL_ENDPOINTS, domain: 'saas.example.com', certificate: CERT });
    expect(fake.rejected).toBe(0);
    const group = fake.groups.get(GROUP_ID)!;
    expect(group.url_domains).toEqual([expect.objectContaining({ domain: 'saas.example.com', ssl_name: CERT.name })]);
    expect(fake.certificates).toEqual([{ name: CERT.name, cert_content: CERT.certificatePem, private_key: CERT.privateKeyPem }]);
    expect(fake.apis.map((a) => `${a.req_method} ${a.req_uri}`).sort()).toEqual(expectedRoutes);
    expect(fake.apis.every((a) => a.group_id === GROUP_ID && a.publish_id)).toBe(true);
    const produce = fake.apis.find((a) => a.req_uri === '/' && a.req_method === 'POST')!;
    expect(produce.backend).toMatchObject({
      function_urn: `urn:fss:cn-north-4:${PROJECT}:function:default:kg-produce:latest`,
      // Traffic follows the alias kg deploy moves and kg rollback moves back.
      alias_urn: `urn:fss:cn-north-4:${PROJECT}:function:default:kg-produce:!live`,
      invocation_type: 'sync',
    });
    // domain + certificate + one per route + one publish
    expect(mutationCount(first)).toBe(2 + expectedRoutes.length + 1);
    expect(fake.mutations).toHaveLength(mutationCount(first));
  });

  it.each(gateways)('on the %s gateway changes nothing when run a second time', async (_kind, gateway) => {
    const options = { gateway, region: 'cn-north-4', groupName: 'kg-api-group', functions: ALL_ENDPOINTS, domain: 'saas.example.com', certificate: CERT };
    await setupApig(client(), options);
    const before = fake.mutations.length;
    const second = await setupApig(client(), options);
    expect(fake.mutations.length).toBe(before);
    expect(mutationCount(second)).toBe(0);
    expect(second.every((a) => a.outcome === 'exists')).toBe(true);
  });

  it('creates only the routes that are missing and publishes only unpublished ones', async () => {
    const gateway = gateways[0]![1];
    await setupApig(client(), { gateway, region: 'cn-north-4', groupId: GROUP_ID, functions: ['produce'] });
    fake.mutations.length = 0;
    await setupApig(client(), { gateway, region: 'cn-north-4', groupId: GROUP_ID, functions: ['produce', 'tenant-sync'] });
    expect(fake.mutations).toEqual(['create POST /produceAPI/v2/tenantSync', 'create POST /produceAPI/tenantSync', 'publish 2']);
  });

  it('binds a certificate again only when its name changes', async () => {
    const gateway = gateways[0]![1];
    const base = { gateway, region: 'cn-north-4', groupId: GROUP_ID, functions: [], domain: 'saas.example.com' };
    await setupApig(client(), { ...base, certificate: CERT });
    fake.mutations.length = 0;
    const renewed = await setupApig(client(), { ...base, certificate: { ...CERT, name: 'kg_saas_cert_2026' } });
    expect(fake.mutations).toEqual(['bind certificate kg_saas_cert_2026']);
    expect(renewed).toContainEqual({ outcome: 'updated', what: 'certificate kg_saas_cert_2026 on saas.example.com' });
  });

  it('sends no mutation in a dry run', async () => {
    const actions = await setupApig(client(), { gateway: gateways[0]![1], region: 'cn-north-4', groupId: GROUP_ID, functions: ALL_ENDPOINTS, domain: 'saas.example.com', certificate: CERT, dryRun: true });
    expect(fake.mutations).toEqual([]);
    expect(actions.filter((a) => a.outcome === 'planned').length).toBe(2 + expectedRoutes.length);
  });

  it('fails with APIG error code and no secret when the signature is wrong', async () => {
    const bad = createApigClient({ endpoint: fake.url, ak: AK, sk: 'wrong-secret-value', projectId: PROJECT });
    const err = await setupApig(bad, { gateway: gateways[0]![1], region: 'cn-north-4', groupId: GROUP_ID, functions: ['produce'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApigRequestError);
    expect((err as ApigRequestError).status).toBe(401);
    expect((err as Error).message).toContain('APIG.0301');
    expect((err as Error).message).not.toContain('wrong-secret-value');
    expect(fake.mutations).toEqual([]);
  });

  it('refuses a group name that does not exist', async () => {
    await expect(setupApig(client(), { gateway: gateways[0]![1], region: 'r', groupName: 'kg-api', functions: [] })).rejects.toThrow(/no API group named "kg-api"/);
  });
});

describe('apiName', () => {
  it.each([
    [{ folder: 'produce', method: 'POST' as const, path: '/' }, 'kg_produce_post_root'],
    [{ folder: 'tenant-sync', method: 'POST' as const, path: '/produceAPI/v2/tenantSync' }, 'kg_tenant_sync_post_produceAPI_v2_tenantSync'],
  ])('names %o %s', (route, name) => {
    expect(apiName(route)).toBe(name);
  });
});

describe('kg apig', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kg-apig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function io(out: string[], err: string[]): CliIo {
    return {
      readStdin: async () => Buffer.alloc(0),
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, KG_PRODUCTION_URL: 'https://saas.example.com', KG_PROJECT_ROOT: process.cwd() },
    };
  }

  it('reports zero changes on its second run and never prints the secret key', async () => {
    writeFileSync(join(dir, 'cert.pem'), CERT.certificatePem);
    writeFileSync(join(dir, 'key.pem'), CERT.privateKeyPem);
    const args = ['--region', 'cn-north-4', '--project-id', PROJECT, '--instance-id', INSTANCE, '--group-name', 'kg-api-group', '--endpoint', fake.url, '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')];
    const out1: string[] = [];
    const out2: string[] = [];
    const err: string[] = [];
    expect(await apigCommand.run(args, io(out1, err))).toBe(0);
    expect(await apigCommand.run(args, io(out2, err))).toBe(0);
    expect(out1.join('')).toMatch(/created +domain saas\.example\.com/);
    expect(out2.join('')).toMatch(/^0 change\(s\)$/m);
    expect([...out1, ...out2, ...err].join('')).not.toContain(SK);
    expect(fake.groups.get(GROUP_ID)!.url_domains[0]!.domain).toBe('saas.example.com');
  });
});

describe('kg apig --dry-run on the dedicated gateway by default', () => {
  let project: FakeProject;
  beforeEach(() => {
    project = startFakeProject();
  });
  afterEach(() => project.close());

  async function run(args: string[], root: string) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      readStdin: async () => {
        throw new Error('kg apig must not prompt');
      },
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, KG_PROJECT_ROOT: root },
    };
    const code = await apigCommand.run(args, io).catch((e: unknown) => e);
    return { code, out: out.join(''), err: err.join('') };
  }

  it('plans the dedicated gateway of vars.apigInstanceId, region, group and domain from s.yaml, with no prompt and no change', async () => {
    const r = await run(['--project-id', PROJECT, '--endpoint', fake.url, '--dry-run'], project.root);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^plan for the dedicated gateway inst-abc, region cn-north-4, group kg-api-group; backends: alias live$/m);
    expect(r.out).toMatch(/planned +bind domain saas\.merchant\.cn/);
    for (const route of routesOf(['produce'])) expect(r.out).toContain(`planned  create API ${route.method} ${route.path} -> produce`);
    expect(r.out).toMatch(/^0 change\(s\)$/m);
    expect(fake.mutations).toEqual([]);
    expect(fake.rejected).toBe(0);
    expect(r.out + r.err).not.toContain(SK);
  });

  it('refuses, rather than falling back to the shared gateway, when no instance id is known', async () => {
    const syaml = join(project.root, 's.yaml');
    writeFileSync(syaml, readFileSync(syaml, 'utf8').replace('apigInstanceId: inst-abc', 'apigInstanceId: "<apig-instance-id>"'));
    const r = await run(['--project-id', PROJECT, '--endpoint', fake.url, '--dry-run'], project.root);
    expect(String(r.code)).toMatch(/dedicated gateway needs --instance-id/);
    expect(fake.mutations).toEqual([]);
  });

  it('plans the legacy shared gateway only when asked with --shared', async () => {
    const r = await run(['--project-id', PROJECT, '--endpoint', fake.url, '--dry-run', '--shared'], project.root);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^plan for the shared gateway \(legacy\)/m);
    expect(fake.mutations).toEqual([]);
  });
});
