/**
 * `kg simulate`: plays KooGallery against a production URL and checks every answer against the
 * specification. Exit 0 when every step passes, 1 on any mismatch, 2 on bad arguments.
 * @module
 */
import { readFileSync } from 'node:fs';
import { EXIT, UsageError, parseCliArgs, type CliCommand } from '../command';
import type { GatewayOptions, SimulationOptions } from '../../emulator/context';
import { progressPrinter } from '../../emulator/progress';
import { formatReport } from '../../emulator/report';
import { DEFAULTS, runSimulation } from '../../emulator/runner';
import { readRsaPublicKey } from '../../emulator/rsaOaep';
import { SCENARIO_NAMES, allScenarios, isScenarioName, scenarioNeed, type ScenarioName, type ScenarioNeed } from '../../emulator/scenarios/index';
import { parseGatewayKeyPair } from '../../emulator/gatewayJwt';
import { USAGE_ARG_HELP, USAGE_ARG_OPTIONS, usageSettings } from '../usageArgs';

const usage = `usage: kg simulate --url URL --key KEY [--kit-key KEY [--rsa-public-key FILE] [--idp URL]] [options]
       kg simulate --url URL --scenario api-product --gateway-key AK:SK [--gateway-header H] [--api-path PATH]

Plays the KooGallery marketplace against a merchant's production interface: signs every request as
the marketplace does, drives whole lifecycles and checks each answer against the specification.
With a kit key it also plays the five 联营 kit callbacks (scenario kit) on <URL>/produceAPI/v2/<name>
and their V1 forms on <URL>/produceAPI/<name>, and single sign-on (scenario sso) on <URL>/sso/*:
tenants, app and users synced through the kit with a fake tenant IdP as their domainName, then
login (unified and workbench), session, renewal, logout and every refusal.

  --url URL            the production URL (e.g. http://127.0.0.1:8080/)
  --key KEY            the basic-interface access key (default: first of KG_ACCESS_KEY)
  --scenario NAME      one of: ${SCENARIO_NAMES.join(', ')}, all (default: all)
                       (a comma-separated list runs several; all includes kit only with a kit key)
  --v1                 run the V1 (GET + authToken) lifecycle; alone it means --scenario v1
  --kit-key KEY        the 联营SaaS同步接口 key: kit signs x-sign and the V1 authToken with it and
                       checks Body-Sign against it (default: first of KG_KIT_ACCESS_KEY); it must
                       differ from --key
  --rsa-public-key FILE
                       the 应用凭证 RSA public key (PEM, or base64 DER as the console takes it);
                       kit encrypts applicationSync clientSecret with it (RSA-OAEP). Without it the
                       applicationSync steps that need a real secret, and sso, are reported as skipped
  --idp URL            the fake tenant IdP sso uses (\`kg idp\`; it must be reachable from the merchant
                       as the tenants' domainName). Default: sso starts one on 127.0.0.1, which only
                       a merchant on this machine can reach
  --bits 128|256       V1 credential AES key size to expect (default: what encryptType announces)
  --concurrency N      concurrent duplicate deliveries in retry-storm (default ${DEFAULTS.concurrency})
  --retries N          sequential deliveries of one order line in retry-storm (default ${DEFAULTS.retries})
  --timeout MS         per-request deadline in ms (default ${DEFAULTS.timeoutMs}, the marketplace's 20 s)
  --poll-limit N       queryInstance calls to wait through 000004 (default ${DEFAULTS.pollLimit})
  --poll-interval MS   pause between those calls in ms (default ${DEFAULTS.pollIntervalMs})
${USAGE_ARG_HELP}
  --gateway-key AK:SK  the Agents gateway key pair, one entry of the server's KG_GATEWAY_KEYS (default: its
                       first entry); scenario api-product plays the gateway with it: signs the HS256 JWT,
                       sends the buyer headers, checks usage in every 2xx and 401 for every bad token.
                       api-product needs no --key; "all" runs it only when a gateway key is given
  --gateway-header H   the header carrying the JWT (default Authorization, as "Bearer <jwt>"; another
                       header gets the bare token), as KG_GATEWAY_AUTH_HEADER says
  --api-path PATH      the API product's path under --url (default /v1/chat/completions)
  --ops-redis URL      the server's Redis (its KG_REDIS_URL): scenario ops plays a failed order, a recovered
                       one and failing dial tests, then judges that Redis with ops-watch's rules (reads only);
                       "all" runs it only when given
  --json               print one JSON report on stdout instead of the table

Exit status: 0 all steps passed, 1 any step did not, 2 bad arguments.
`;

function positiveInt(value: unknown, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
  return n;
}

/**
 * The scenarios to run. `missing` says, per need, why it is not given (the text after `--scenario <name>`), or
 * undefined when it is: `all` leaves out what is missing, and naming such a scenario is refused, needs checked
 * in `missing`'s order.
 */
function scenarioList(raw: string | undefined, v1: boolean, missing: Record<ScenarioNeed, string | undefined>): ScenarioName[] {
  const given = new Set((Object.keys(missing) as ScenarioNeed[]).filter((need) => missing[need] === undefined));
  if (raw === undefined) return v1 ? ['v1'] : allScenarios(given);
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new UsageError('--scenario is empty');
  const picked = new Set<ScenarioName>();
  for (const name of names) {
    if (name === 'all') allScenarios(given).forEach((n) => picked.add(n));
    else if (isScenarioName(name)) picked.add(name);
    else throw new UsageError(`unknown scenario "${name}" (known: ${SCENARIO_NAMES.join(', ')}, all)`);
  }
  if (v1) picked.add('v1');
  for (const [need, why] of Object.entries(missing)) {
    const blocked = why === undefined ? undefined : SCENARIO_NAMES.find((n) => picked.has(n) && scenarioNeed(n) === need);
    if (blocked !== undefined) throw new UsageError(`--scenario ${blocked}${why}`);
  }
  return SCENARIO_NAMES.filter((n) => picked.has(n));
}

function readPublicKeyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--rsa-public-key: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    readRsaPublicKey(text);
  } catch (err) {
    throw new UsageError(`--rsa-public-key: ${path} is ${(err as Error).message}`);
  }
  return text;
}

function idpUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`--idp is not a URL: ${value}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('--idp must be http:// or https://');
  if (parsed.search || parsed.hash || (parsed.pathname !== '/' && parsed.pathname !== '')) throw new UsageError('--idp must be the IdP base URL (no path, query or fragment)');
  return parsed.origin;
}

/** Turns command-line arguments into run options; throws {@link UsageError} on anything wrong. */
export function parseSimulateArgs(args: string[], env: NodeJS.ProcessEnv): { options: SimulationOptions; scenarios: ScenarioName[]; json: boolean } {
  const { values } = parseCliArgs(args, {
    url: { type: 'string' },
    key: { type: 'string' },
    scenario: { type: 'string' },
    v1: { type: 'boolean' },
    bits: { type: 'string' },
    concurrency: { type: 'string' },
    retries: { type: 'string' },
    timeout: { type: 'string' },
    'poll-limit': { type: 'string' },
    'poll-interval': { type: 'string' },
    'kit-key': { type: 'string' },
    'rsa-public-key': { type: 'string' },
    idp: { type: 'string' },
    json: { type: 'boolean' },
    ...USAGE_ARG_OPTIONS,
    'gateway-key': { type: 'string' },
    'gateway-header': { type: 'string' },
    'api-path': { type: 'string' },
    'ops-redis': { type: 'string' },
  });
  const url = values.url;
  if (typeof url !== 'string' || url === '') throw new UsageError('missing --url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('--url must be http:// or https://');
  const key = values.key ?? env.KG_ACCESS_KEY?.split(',')[0]?.trim() ?? '';
  const gateway = gatewayOptions(values['gateway-key'], values['gateway-header'], values['api-path'], env);
  const kitKey = values['kit-key'] ?? env.KG_KIT_ACCESS_KEY?.split(',')[0]?.trim();
  if (values['kit-key'] === '') throw new UsageError('--kit-key is empty');
  // The console binds a different key to each interface type (security-and-crypto.md §1.1).
  if (kitKey && kitKey === key) throw new UsageError('the kit key must differ from the basic-interface key');
  let bits: SimulationOptions['bits'];
  if (values.bits !== undefined) {
    if (values.bits !== '128' && values.bits !== '256') throw new UsageError('--bits must be 128 or 256');
    bits = values.bits === '128' ? 128 : 256;
  }
  const options: SimulationOptions = {
    url,
    key,
    bits,
    concurrency: positiveInt(values.concurrency, 'concurrency', DEFAULTS.concurrency),
    retries: positiveInt(values.retries, 'retries', DEFAULTS.retries),
    timeoutMs: positiveInt(values.timeout, 'timeout', DEFAULTS.timeoutMs),
    pollLimit: positiveInt(values['poll-limit'], 'poll-limit', DEFAULTS.pollLimit),
    pollIntervalMs: positiveInt(values['poll-interval'], 'poll-interval', DEFAULTS.pollIntervalMs, 0),
  };
  if (kitKey) options.kitKey = kitKey;
  if (values['rsa-public-key'] !== undefined) options.rsaPublicKey = readPublicKeyFile(values['rsa-public-key']);
  if (values.idp !== undefined) options.idpUrl = idpUrl(values.idp);
  const usageRun = usageSettings(values, env);
  if (usageRun.settings) options.usage = usageRun.settings;
  if (gateway) options.gateway = gateway;
  if (values['ops-redis'] !== undefined) {
    if (!/^rediss?:\/\//.test(values['ops-redis'])) throw new UsageError('--ops-redis must be a redis:// or rediss:// URL');
    options.ops = { redisUrl: values['ops-redis'] };
  }
  const scenarios = scenarioList(values.scenario, values.v1 === true, {
    kitKey: kitKey ? undefined : ' needs --kit-key (or KG_KIT_ACCESS_KEY)',
    usage: usageRun.missing === undefined ? undefined : `: ${usageRun.missing}`,
    gateway: gateway ? undefined : ' needs --gateway-key AK:SK (or KG_GATEWAY_KEYS)',
    ops: options.ops ? undefined : " needs --ops-redis URL (the server's KG_REDIS_URL)",
  });
  // Only the gateway scenario runs without the basic-interface key.
  if (!key && scenarios.some((n) => scenarioNeed(n) !== 'gateway')) throw new UsageError('missing --key (or KG_ACCESS_KEY)');
  return { options, scenarios, json: values.json === true };
}

/** The `api-product` settings: `--gateway-key` (or the first of KG_GATEWAY_KEYS), the header and the path. */
function gatewayOptions(pair: string | undefined, header: string | undefined, path: string | undefined, env: NodeJS.ProcessEnv): GatewayOptions | undefined {
  if (pair === '') throw new UsageError('--gateway-key is empty');
  if (header !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw new UsageError('--gateway-header must be an HTTP header name');
  if (path !== undefined && !/^\/[^\s?#]*$/.test(path)) throw new UsageError('--api-path must be a path starting with /');
  const text = pair ?? env.KG_GATEWAY_KEYS?.split(',')[0]?.trim();
  if (!text) return undefined;
  const parsed = parseGatewayKeyPair(text);
  if (!parsed) throw new UsageError('--gateway-key must be AK:SK');
  return { ...parsed, header: header ?? 'Authorization', path: path ?? '/v1/chat/completions' };
}

/** The `kg simulate` command. */
export const command: CliCommand = {
  name: 'simulate',
  summary: 'play KooGallery against a production URL and check every answer',
  usage,
  run: async (args, io) => {
    const { options, scenarios, json } = parseSimulateArgs(args, io.env);
    const progress = progressPrinter((t) => io.err(t), Boolean(process.stderr.isTTY) && !json);
    const report = await runSimulation(options, scenarios, (record, done) => progress.onStep(record, done));
    progress.end();
    io.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};
