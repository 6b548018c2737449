/**
 * `kg apig`: binds the production domain and certificate to the APIG group and creates the kit's
 * public routes, idempotently.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFunctionNames } from '../build/functionNames';
import { projectRoot } from '../build/projectRoot';
import { EXIT, parseCliArgs, requireOption, UsageError, type CliCommand } from '../cli/command';
import { mutationCount } from './actions';
import { createApigClient } from './apigClient';
import type { Gateway } from './gateway';
import { setupApig } from './setup';

const usage = `kg apig --region R --project-id P (--group-name N | --group-id G) [options]

Sets up what the fgs component cannot: the production domain and its SSL certificate on the API group,
and one API per public route of the folders in functions/ (infra/build/deployPlan.ts: POST / and GET /
for produce) with the matching function as backend, published to RELEASE. Lists first and creates only what is missing: running it
twice changes nothing. Credentials: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment.

  --instance-id ID     dedicated gateway instance (omit for the shared gateway)
  --domain HOST        production domain (default: host of KG_PRODUCTION_URL; none = skip)
  --cert FILE          PEM certificate chain for the domain      --key FILE   its PEM private key
  --cert-name NAME     name of the certificate in APIG (a new name replaces the bound one)
  --endpoint URL       APIG endpoint (default https://apig.<region>.myhuaweicloud.com)
  --env-id ID          environment to publish to (default DEFAULT_ENVIRONMENT_RELEASE_ID)
  --dry-run            list what would change, change nothing
`;

function domainFrom(values: { domain?: string | undefined }, env: NodeJS.ProcessEnv): string | undefined {
  if (values.domain) return values.domain;
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
    const region = requireOption(values, 'region');
    const projectId = requireOption(values, 'project-id');
    if (!values['group-id'] && !values['group-name']) throw new UsageError('missing --group-name or --group-id');
    if (Boolean(values.cert) !== Boolean(values.key)) throw new UsageError('--cert and --key go together');
    const ak = io.env.HUAWEICLOUD_SDK_AK;
    const sk = io.env.HUAWEICLOUD_SDK_SK;
    if (!ak || !sk) throw new UsageError('set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK');
    const gateway: Gateway = values['instance-id'] ? { kind: 'dedicated', projectId, instanceId: values['instance-id'] } : { kind: 'shared', projectId };
    const domain = domainFrom(values, io.env);
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
    const functions = listFunctionNames(join(projectRoot(io.env), 'functions'));
    const actions = await setupApig(client, {
      gateway,
      region,
      functions,
      ...(values['group-id'] ? { groupId: values['group-id'] } : {}),
      ...(values['group-name'] ? { groupName: values['group-name'] } : {}),
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
