/**
 * Renders s.yaml (Serverless Devs, `edition: 1.0.0`, component `fgs`) from the deployment plan: one
 * service per function folder. The merchant's block (`access:` and `vars:`, between the two marker
 * comments) is never rendered over: regeneration copies it byte for byte from the existing file, so
 * only the generated services change. No APIG trigger is rendered: `kg apig` creates every public route
 * (the fgs component's APIG trigger is matched by a name it never stores, so each later `s deploy` tried
 * to create it again); timer functions keep their TIMER trigger. The output stays inside the subset
 * infra/build/yamlSubset.ts reads.
 * @module
 */
import { deployedName, planFor, type FunctionPlan } from './deployPlan';

/** FunctionGraph runtime string (platform-and-open-api.md §1.1). */
export const RUNTIME = 'Node.js20.15';
/** Handler of every bundle: `index.js`, export `handler`. */
export const HANDLER = 'index.handler';
/** The fgs component, pinned: the version whose s.yaml schema the renderer follows (platform-and-open-api.md §3.3). */
export const FGS_COMPONENT = 'fgs@0.1.16';

/**
 * Secrets, set from the deployer's environment and stored as FunctionGraph encrypted user data. The alert
 * webhook's URL is one too (a chat bot's webhook URL carries its token); the SMN topic travels with the other
 * alert settings, so an existing merchant block of s.yaml needs no new var for them.
 */
export const ENCRYPTED_SETTINGS = [
  'KG_ACCESS_KEY', 'KG_KIT_ACCESS_KEY', 'KG_REDIS_PASSWORD', 'KG_DATA_KEY', 'KG_PROVISIONER_SECRET', 'KG_OPENAPI_AK', 'KG_OPENAPI_SK', 'KG_USAGE_INGEST_KEY',
  'KG_GATEWAY_KEYS', 'KG_GATEWAY_AUTH_VALUES', 'KG_RSA_PRIVATE_KEY', 'KG_KIT_FORWARD_SECRET',
  'KG_ALERT_WEBHOOK', 'KG_ALERT_WEBHOOK_SECRET', 'KG_ALERT_SMN_TOPIC', 'KG_ALERT_SMN_AK', 'KG_ALERT_SMN_SK',
] as const;

/** First line of the merchant block: everything up to {@link MERCHANT_END} is kept by regeneration. */
export const MERCHANT_BEGIN = '# >>> merchant settings: yours to edit; `kg build --write-syaml` keeps these lines byte for byte';
/** Last line of the merchant block. */
export const MERCHANT_END = '# <<< end of merchant settings';

/** Plain settings and the `vars:` entry each one comes from. */
const PLAIN_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['KG_PRODUCTION_URL', 'https://${vars.domain}'],
  ['KG_REDIS_URL', '${vars.redisUrl}'],
  ['KG_REDIS_CLUSTER_NODES', '${vars.redisClusterNodes}'],
  ['KG_PROVISIONER', '${vars.provisioner}'],
  ['KG_PROVISIONER_URL', '${vars.provisionerUrl}'],
  ['KG_FRONTEND_URL_TEMPLATE', '${vars.frontEndUrlTemplate}'],
  ['KG_ADMIN_URL_TEMPLATE', '${vars.adminUrlTemplate}'],
  ['KG_LOG_LEVEL', '${vars.logLevel}'],
  ['KG_SSO_APP_ID', '${vars.ssoAppId}'],
  ['KG_SSO_CALLBACK_URL', '${vars.ssoCallbackUrl}'],
  ['KG_SSO_APP_URL', '${vars.ssoAppUrl}'],
  ['KG_SSO_LOGOUT_REDIRECTS', '${vars.ssoLogoutRedirects}'],
  ['KG_OPENAPI_ENDPOINT', '${vars.openApiEndpoint}'],
];

/** `vars:` defaults; every one is meant to be replaced before `kg deploy` (docs/deploy.md). */
const VARS: Array<[string, string, string]> = [
  ['region', 'cn-north-4', 'region of FunctionGraph, APIG and DCS'],
  ['apiGroup', 'kg-api-group', 'APIG group, created beforehand in the console (kg apig --group-name)'],
  ['apigInstanceId', '<apig-instance-id>', 'dedicated APIG gateway instance id (kg apig --instance-id)'],
  ['vpcId', '<vpc-id>', 'VPC of the DCS instance'],
  ['subnetId', '<subnet-id>', 'subnet of the DCS instance (its CIDR in the DCS whitelist)'],
  ['agency', 'kg-fgs-vpc-agency', 'agency with VPC Administrator, needed for funcVpc'],
  ['domain', 'saas.example.com', 'production domain bound to the APIG group (https, port 443)'],
  ['redisUrl', 'redis://<dcs-address>:6379', 'standalone, master/standby, Proxy Cluster; empty for Redis Cluster'],
  ['redisClusterNodes', '', 'Redis Cluster seeds host:port,host:port; empty otherwise'],
  ['provisioner', 'generate', 'generate or http'],
  ['provisionerUrl', '', 'http provisioner: the merchant backend'],
  ['frontEndUrlTemplate', 'https://app.example.com/login?instance={instanceId}', 'generate provisioner'],
  ['adminUrlTemplate', 'https://admin.example.com/instances/{instanceId}', 'generate provisioner'],
  ['logLevel', 'info', 'debug, info, warn or error'],
  ['ssoAppId', '', '联营 SSO: the 应用凭证 appId (empty without SSO)'],
  ['ssoCallbackUrl', 'https://app.example.com/sso/callback', '联营 SSO: the callback registered in the 应用凭证 (the sso-login route on the app domain)'],
  ['ssoAppUrl', 'https://app.example.com/', '联营 SSO: where the browser lands after login'],
  ['ssoLogoutRedirects', '', '联营 SSO: allowed post-logout URLs, comma-separated (empty: the app URL)'],
  ['openApiEndpoint', 'https://mkt.myhuaweicloud.com', 'open API of your site (query order, usage push): China; intl https://mkt-intl.myhuaweicloud.com'],
  ['ltsGroupId', '<lts-group-id>', 'LTS log group id (LTS console > Log Management); every function logs there'],
  ['ltsGroupName', 'kg-functions', 'LTS log group name'],
  ['ltsStreamId', '<lts-stream-id>', 'LTS log stream id in that group'],
  ['ltsStreamName', 'kg-functions', 'LTS log stream name'],
];

/** The merchant block of a fresh s.yaml: credentials alias and every var with its template default. */
export function defaultMerchantBlock(): string {
  return [
    MERCHANT_BEGIN,
    '# Credentials: `npx s config add -a default --AccessKeyID ... --SecretAccessKey ... -f` (docs/deploy.md §4).',
    '# Secrets are not written here: `kg deploy` passes them from its environment (${env(NAME)} below).',
    'access: default',
    '',
    'vars:',
    ...VARS.flatMap(([k, v, why]) => [`  # ${why}`, `  ${k}: ${q(v)}`]),
    MERCHANT_END,
  ].join('\n');
}

/**
 * The merchant block of an existing s.yaml, exactly as written: between the markers, or (a file from
 * before the markers) from its `access:` line to the line before `services:`, wrapped in the markers,
 * with the vars added since appended.
 * Undefined when the file has neither.
 */
export function extractMerchantBlock(text: string): string | undefined {
  const begin = text.indexOf(MERCHANT_BEGIN);
  const end = text.indexOf(MERCHANT_END, begin);
  if (begin >= 0 && end > begin) return text.slice(begin, end + MERCHANT_END.length);
  const legacy = /^access:.*$[\s\S]*?(?=^services:)/m.exec(text);
  if (!legacy) return undefined;
  // Vars added since that file was written join it with their template defaults, once.
  const missing = VARS.filter(([k]) => !new RegExp(`^  ${k}:`, 'm').test(legacy[0])).flatMap(([k, v, why]) => [`  # ${why}`, `  ${k}: ${q(v)}`]);
  return [MERCHANT_BEGIN, legacy[0].replace(/\s+$/, ''), ...missing, MERCHANT_END].join('\n');
}

/** Quotes a scalar when plain YAML could misread it. */
function q(value: string): string {
  return /^[A-Za-z0-9_./$-][^#:{}[\],&*!|>'"%@`]*$/.test(value) && !/\s$/.test(value) && !value.includes(': ')
    ? value
    : JSON.stringify(value);
}

function service(folder: string, plan: FunctionPlan): string[] {
  const p = (depth: number, text: string) => `${'  '.repeat(depth)}${text}`;
  const out = [
    p(1, `${folder}:`),
    p(2, `component: ${FGS_COMPONENT}`),
    p(2, 'props:'),
    p(3, 'region: ${vars.region}'),
    p(3, 'function:'),
    p(4, `functionName: ${deployedName(folder)}`),
    p(4, `description: ${q(plan.description)}`),
    p(4, `runtime: ${RUNTIME}`),
    p(4, `handler: ${HANDLER}`),
    p(4, `memorySize: ${plan.memoryMb}`),
    p(4, `timeout: ${plan.timeoutS}`),
    p(4, 'codeType: zip'),
    p(4, 'code:'),
    p(5, `codeUri: ./dist/${folder}`),
    p(4, 'agencyName: ${vars.agency}'),
    p(4, 'funcVpc:'),
    p(5, 'vpcId: ${vars.vpcId}'),
    p(5, 'subnetId: ${vars.subnetId}'),
    p(4, 'enableLtsLog: true'),
    p(4, 'ltsGroupId: ${vars.ltsGroupId}'),
    p(4, 'ltsGroupName: ${vars.ltsGroupName}'),
    p(4, 'ltsStreamId: ${vars.ltsStreamId}'),
    p(4, 'ltsStreamName: ${vars.ltsStreamName}'),
    p(4, 'environmentVariables:'),
    ...PLAIN_SETTINGS.map(([k, v]) => p(5, `${k}: ${q(v)}`)),
    p(4, 'encryptedUserData:'),
    ...ENCRYPTED_SETTINGS.map((k) => p(5, `${k}: \${env(${k})}`)),
  ];
  const t = plan.trigger;
  // Endpoints get no trigger here: their routes are created by `kg apig` on the alias `live`.
  if (t.kind === 'timer') {
    out.push(
      p(3, 'trigger:'),
      p(4, 'triggerTypeCode: TIMER'),
      p(4, 'status: ACTIVE'),
      p(4, 'eventData:'),
      p(5, `name: ${deployedName(folder)}-timer`),
      p(5, `scheduleType: ${t.scheduleType}`),
      p(5, `schedule: ${q(t.schedule)}`),
    );
  }
  return out;
}

/**
 * The whole s.yaml for these function folders, around `merchantBlock` (from {@link extractMerchantBlock}
 * of the current file; default: the template's). Throws when a folder has no plan.
 */
export function renderSyaml(folders: string[], merchantBlock: string = defaultMerchantBlock()): string {
  const lines = [
    '# Generated by `kg build --write-syaml` from infra/build/deployPlan.ts, except the merchant block',
    '# below. Deploy with `npx kg deploy` (it fills ${env(...)} and checks every value first), routes with',
    '# `npx kg apig`. See docs/deploy.md.',
    'edition: 1.0.0',
    'name: koogallery-merchant-kit',
    '',
    merchantBlock,
    '',
    'services:',
  ];
  folders.forEach((folder, i) => {
    if (i > 0) lines.push('');
    lines.push(...service(folder, planFor(folder)));
  });
  return `${lines.join('\n')}\n`;
}
