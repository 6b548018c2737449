/**
 * The `kg simulate` options of the `usage` scenario (issue 11), kept apart from the rest of the
 * command: the ingest key, the fake open API (a running one, or one to start on the address
 * KG_OPENAPI_ENDPOINT names) and how long to wait for the server's usage-push.
 * @module
 */
import { isLoopbackHost } from '../../shared/platform/loopback';
import { UsageError } from './command';
import type { UsageOptions } from '../emulator/context';

/** Default wait for the server's usage-push to deliver (ms). */
export const DEFAULT_PUSH_WAIT_MS = 60_000;

/** The parseArgs entries of the usage options. */
export const USAGE_ARG_OPTIONS = {
  'ingest-key': { type: 'string' },
  'ingest-url': { type: 'string' },
  openapi: { type: 'string' },
  'openapi-ak': { type: 'string' },
  'openapi-sk': { type: 'string' },
  'push-wait': { type: 'string' },
} as const;

/** Their lines of `kg simulate --help`. */
export const USAGE_ARG_HELP = `  --ingest-key KEY     the usage ingestion key (default: first of KG_USAGE_INGEST_KEY); scenario usage
                       signs POST <URL>/usage with it
  --openapi URL        a fake open API already running (\`kg openapi\`), the one the server's
                       KG_OPENAPI_ENDPOINT names. Without it usage starts one in this process on the
                       address of KG_OPENAPI_ENDPOINT (a loopback http:// URL), accepting
                       --openapi-ak/--openapi-sk (default KG_OPENAPI_AK / KG_OPENAPI_SK) and the --key
                       as the body-signature key
  --ingest-url URL     where to POST usage (default <URL>/usage)
  --push-wait MS       how long usage waits for the server's usage-push to deliver the records and to
                       query the orders (default ${DEFAULT_PUSH_WAIT_MS}; the deployed timer runs every 10 minutes)
                       (usage runs under "all" only when its ingest key and open API are given)`;

function httpUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${name} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--${name} must be http:// or https://`);
  return url;
}

type UsageValues = { [K in keyof typeof USAGE_ARG_OPTIONS]?: string };

/**
 * The usage settings, or why they are incomplete (`missing`). Throws {@link UsageError} on a value
 * that is given but wrong.
 */
export function usageSettings(values: UsageValues, env: NodeJS.ProcessEnv): { settings?: UsageOptions; missing?: string } {
  for (const name of Object.keys(USAGE_ARG_OPTIONS) as Array<keyof UsageValues>) if (values[name] === '') throw new UsageError(`--${name} is empty`);
  const ingestKey = values['ingest-key'] ?? env.KG_USAGE_INGEST_KEY?.split(',')[0]?.trim();
  let pushWaitMs = DEFAULT_PUSH_WAIT_MS;
  if (values['push-wait'] !== undefined) {
    if (!/^\d+$/.test(values['push-wait'])) throw new UsageError('--push-wait must be an integer >= 0');
    pushWaitMs = Number(values['push-wait']);
  }
  const base: Omit<UsageOptions, 'ingestKey'> = { pushWaitMs };
  if (values['ingest-url'] !== undefined) base.ingestUrl = httpUrl(values['ingest-url'], 'ingest-url').toString();
  if (values.openapi !== undefined) {
    const url = httpUrl(values.openapi, 'openapi');
    base.openapiUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } else {
    const endpoint = env.KG_OPENAPI_ENDPOINT?.split(',')[0]?.trim();
    const ak = values['openapi-ak'] ?? env.KG_OPENAPI_AK;
    const sk = values['openapi-sk'] ?? env.KG_OPENAPI_SK;
    if (!endpoint) return { missing: 'no open API: --openapi URL, or KG_OPENAPI_ENDPOINT (loopback http://) to start a fake on' };
    const url = httpUrl(endpoint, 'openapi (KG_OPENAPI_ENDPOINT)');
    if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return { missing: `KG_OPENAPI_ENDPOINT ${url.origin} is not a loopback http:// address a fake can listen on (give --openapi URL)` };
    if (!ak || !sk) return { missing: 'the fake open API needs the AK/SK the server signs with (--openapi-ak/--openapi-sk or KG_OPENAPI_AK/KG_OPENAPI_SK)' };
    base.startOpenApi = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80), ak, sk };
  }
  if (!ingestKey) return { missing: 'no ingest key (--ingest-key or KG_USAGE_INGEST_KEY)' };
  return { settings: { ingestKey, ...base } };
}
