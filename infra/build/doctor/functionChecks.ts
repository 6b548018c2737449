/**
 * `kg doctor` checks of each deployed function's own settings, by calling the same readers the functions
 * call at their first invocation (a function whose reader throws answers every call with 000005 or 500).
 * Nothing is re-implemented here: a rule added to a reader is checked here too. Messages name settings,
 * never values.
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import { gatewaySettings } from '../../../shared/apiProduct/settings';
import { kitSettings } from '../../../shared/kit/deps';
import { openApiClientFrom } from '../../../shared/marketplace/fromConfig';
import { requireSetting, type Config } from '../../../shared/platform/config';
import { sinksFromConfig } from '../../../shared/ops/sinks/fromConfig';
import { ssoSettings } from '../../../shared/sso/settings';
import { error, ok, type Finding } from './finding';

/** One group of functions and the reader of its settings. */
interface FunctionGroup {
  area: string;
  functions: string;
  /** Who needs these functions (said when the settings are absent). */
  neededBy: string;
  /** The settings whose absence means "not used" rather than "broken". */
  marker: (c: Config) => boolean;
  read: (c: Config) => void;
  /** What broken settings do (default: the functions answer every call with an error). */
  brokenMeans?: string;
}

const GROUPS: FunctionGroup[] = [
  {
    area: 'kit',
    functions: 'tenant-sync, application-sync, auth-sync, single-org-sync, all-org-sync',
    neededBy: '联营 (joint-operation) products',
    marker: (c) => (c.KG_KIT_ACCESS_KEY ?? []).length > 0,
    read: (c) => {
      const { rsaKeys } = kitSettings(c);
      if (rsaKeys.length === 0) throw new Error('KG_RSA_PRIVATE_KEY is not set: applicationSync cannot decrypt clientSecret (make the pair with `kg keygen rsa`)');
      rsaKeys.forEach((pem, i) => {
        try {
          createPrivateKey(pem);
        } catch {
          throw new Error(`KG_RSA_PRIVATE_KEY: key ${i + 1} of ${rsaKeys.length} is not a private key in PEM`);
        }
      });
    },
  },
  {
    area: 'sso',
    functions: 'sso-login, sso-logout',
    neededBy: '联营 products that log users in',
    marker: (c) => Boolean(c.KG_SSO_APP_ID),
    read: (c) => void ssoSettings(c),
  },
  {
    area: 'usage',
    functions: 'usage-ingest, usage-push (and the order query of provision-worker)',
    neededBy: 'on-demand (按需) products',
    marker: (c) => Boolean(c.KG_OPENAPI_AK || c.KG_OPENAPI_SK || c.KG_USAGE_INGEST_KEY),
    read: (c) => {
      openApiClientFrom(c);
      requireSetting(c, 'KG_USAGE_INGEST_KEY', 'the key(s) your back end signs POST /usage with (newest first)');
    },
  },
  {
    area: 'api-product',
    functions: 'agent-api-example',
    neededBy: 'API products behind the Agents gateway',
    marker: (c) => (c.KG_GATEWAY_KEYS ?? '') !== '' || (c.KG_GATEWAY_AUTH_VALUES ?? '') !== '',
    read: (c) => void gatewaySettings(c),
  },
  {
    area: 'alerts',
    functions: 'ops-watch alert sinks (webhook, SMN)',
    neededBy: 'merchants who want alerts beyond the logs (docs/operate.md)',
    marker: (c) => Boolean(c.KG_ALERT_WEBHOOK || c.KG_ALERT_WEBHOOK_SECRET || c.KG_ALERT_SMN_TOPIC || c.KG_ALERT_SMN_AK || c.KG_ALERT_SMN_SK),
    read: (c) => {
      sinksFromConfig(c);
      if (c.KG_ALERT_WEBHOOK_SECRET && !c.KG_ALERT_WEBHOOK) throw new Error('KG_ALERT_WEBHOOK_SECRET is set but KG_ALERT_WEBHOOK is not: no webhook receives the alerts');
      if ((c.KG_ALERT_SMN_AK || c.KG_ALERT_SMN_SK) && !c.KG_ALERT_SMN_TOPIC) throw new Error('KG_ALERT_SMN_AK/SK are set but KG_ALERT_SMN_TOPIC is not: no topic receives the alerts');
    },
    brokenMeans: 'ops-watch would send no alert through the sink it names, only log lines',
  },
];

/** The findings of every function group for one configuration. */
export function checkFunctionSettings(c: Config): Finding[] {
  return GROUPS.map((g) => {
    let problem: string | undefined;
    try {
      g.read(c);
    } catch (err) {
      problem = (err as Error).message;
    }
    // Settings nobody started on: the product may not need these functions (then leave them undeployed).
    if (!g.marker(c)) return ok(g.area, `${g.functions}: not configured (only ${g.neededBy} need them)`);
    if (!problem) return ok(g.area, `${g.functions}: settings complete`);
    return error(g.area, `${g.functions}: ${g.brokenMeans ?? 'would answer every call with an error'}: ${problem}`, 'set the named setting (README "Configuration")');
  });
}
