/**
 * `kg apig`: binds the production domain and certificate to the APIG group and creates the kit's
 * public routes, idempotently.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasPlaceholder, hasTemplatePlaceholder, resolveDeployment } from '../build/deploySettings';
import { listFunctionNames } from '../build/functionNames';
import { projectRoot } from '../build/projectRoot';
import { EXIT, parseCliArgs, requireOption, UsageError, type CliCommand } from '../cli/command';
import { mutationCount } from './actions';
import { createApigClient } from './apigClient';
import type { Gateway } from './gateway';
import { setupApig } from './setup';

const usage = `kg apig --project-id P [--region R] [--group-name N | --group-id G] [--instance-id I | --shared] [options]

Sets up what the fgs component cannot: the production domain and its SSL certificate on the API group,
and one API per public route of the folders in functions/ (shared/routeTable.ts: POST / and GET /
for produce, ...) with the matching function's alias live as backend (kg deploy moves it, kg rollback
moves it back), published to RELEASE. Lists first and creates only what is missing: running it twice
changes nothing. Never prompts. Credentials: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment.

The dedicated gateway is the default (Huawei keeps the shared one for existing users only). Region,
group name and instance id default to vars.region, vars.apiGroup and vars.apigInstanceId of s.yaml.

  --instance-id ID     dedicated gateway instance (default vars.apigInstanceId)
  --shared             use the legacy shared gateway instead
  --domain HOST        production domain (default: vars.domain of s.yaml, else host of KG_PRODUCTION_URL; none = skip)
  --cert FILE          PEM certificate chain for the domain      --key FILE   its PEM private key
  --cert-name NAME     name of the certificate in APIG (a new name replaces the bound one)
  --endpoint URL       APIG endpoint (default https://apig.<region>.myhuaweicloud.com)
  --env-id ID          environment to publish to (default DEFAULT_ENVIRONMENT_RELEASE_ID)
  --dry-run            list what would change, change nothing
`;

/** A var of the project's s.yaml when it is set to a real value (no placeholder), else undefined. */
function syamlVars(root: string): (name: string) => string | undefined {
  const path = join(root, 's.yaml');
  if (!existsSync(path)) return () => undefined;
  let vars: Record<string, string> = {};
  try {
    vars = resolveDeployment(readFileSync(path, 'utf8'), {}).vars;
  } catch {
    return () => undefined;
  }
  return (name) => {
    const v = vars[name];
    return v === undefined || v === '' || hasPlaceholder(v) || hasTemplatePlaceholder(v) ? undefined : v;
  };
}

function domainFrom(values: { domain?: string | undefined }, env: NodeJS.ProcessEnv, fromVars: string | undefined): string | undefined {
  if (values.domain) return values.domain;
  if (fromVars) return fromVars;
  if (!env.KG_PRODUCTION_URL) return undefined;
  try {
    return new URL(env.KG_PRODUCTION_URL).hostname;
  } catch {
    throw new UsageError('KG_PRODUCTION_URL is not a URL; pass --domain');
  }
}

export const command: CliCommand = {
  name: 'apig',
  summary: 'bind the domain and certificate and create the public API routes (idempotent)',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      region: { type: 'string' },
      'project-id': { type: 'string' },
      'instance-id': { type: 'string' },
      shared: { type: 'boolean' },
      'group-id': { type: 'string' },
      'group-name': { type: 'string' },
      domain: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'cert-name': { type: 'string' },
      endpoint: { type: 'string' },
      'env-id': { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    const root = projectRoot(io.env);
    const fromVars = syamlVars(root);
    const region = values.region ?? fromVars('region');
    if (!region) throw new UsageError('missing --region (or vars.region in s.yaml)');
    const projectId = requireOption(values, 'project-id');
    const groupName = values['group-name'] ?? (values['group-id'] ? undefined : fromVars('apiGroup'));
    if (!values['group-id'] && !groupName) throw new UsageError('missing --group-name or --group-id (or vars.apiGroup in s.yaml)');
    if (Boolean(values.cert) !== Boolean(values.key)) throw new UsageError('--cert and --key go together');
    if (values.shared && values['instance-id']) throw new UsageError('--shared and --instance-id exclude each other');
    const ak = io.env.HUAWEICLOUD_SDK_AK;
    const sk = io.env.HUAWEICLOUD_SDK_SK;
    if (!ak || !sk) throw new UsageError('set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK');
    let gateway: Gateway;
    if (values.shared) gateway = { kind: 'shared', projectId };
    else {
      const instanceId = values['instance-id'] ?? fromVars('apigInstanceId');
      if (!instanceId) throw new UsageError('the dedicated gateway needs --instance-id (or vars.apigInstanceId in s.yaml); --shared for the legacy shared gateway');
      gateway = { kind: 'dedicated', projectId, instanceId };
    }
    const domain = domainFrom(values, io.env, values.domain ? undefined : fromVars('domain'));
    const certificate =
      values.cert && values.key
        ? {
            name: values['cert-name'] ?? `kg_${(domain ?? 'domain').replace(/[^A-Za-z0-9]+/g, '_')}`.slice(0, 50),
            certificatePem: readFileSync(values.cert, 'utf8'),
            privateKeyPem: readFileSync(values.key, 'utf8'),
          }
        : undefined;
    if (certificate && !domain) throw new UsageError('a certificate needs --domain');
    const client = createApigClient({ endpoint: values.endpoint ?? `https://apig.${region}.myhuaweicloud.com`, ak, sk, projectId });
    const functions = listFunctionNames(join(root, 'functions'));
    io.out(
      `${values['dry-run'] ? 'plan for' : 'setting up'} the ${gateway.kind === 'dedicated' ? `dedicated gateway ${gateway.instanceId}` : 'shared gateway (legacy)'}, region ${region}, group ${values['group-id'] ?? groupName}; backends: alias live\n`,
    );
    const actions = await setupApig(client, {
      gateway,
      region,
      functions,
      ...(values['group-id'] ? { groupId: values['group-id'] } : {}),
      ...(!values['group-id'] && groupName ? { groupName } : {}),
      ...(domain ? { domain } : {}),
      ...(certificate ? { certificate } : {}),
      ...(values['env-id'] ? { envId: values['env-id'] } : {}),
      ...(values['dry-run'] ? { dryRun: true } : {}),
    });
    for (const a of actions) io.out(`${a.outcome.padEnd(8)} ${a.what}\n`);
    io.out(`${mutationCount(actions)} change(s)\n`);
    return EXIT.ok;
  },
};
