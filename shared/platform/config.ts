/**
 * Runtime configuration: read once per warm instance from FunctionGraph user data
 * (`context.getUserData`), the `RUNTIME_USERDATA` JSON, or the process environment, in that order,
 * and validated with zod. Errors name the setting, never its value.
 * @module
 */
import { _default, enum as zenum, object, optional, pipe, prettifyError, safeParse, string, transform, type output } from 'zod/mini';
import { ConfigError } from '../core/errors';
import type { FgContext } from './context';

/** Splits a comma-separated list, trimming blanks. */
const list = pipe(string(), transform((s: string) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0)));
const intMs = (fallback: string) =>
  pipe(_default(optional(string()), fallback), transform((s: string) => {
    const n = Number(s);
    return Number.isFinite(n) && n >= 0 ? Math.floor(n) : Number.NaN;
  }));

/**
 * Default retention (days) of KG_RETAIN_AUDIT_DAYS, KG_RETAIN_RELEASED_DAYS and KG_RETAIN_FAILURES_DAYS, which
 * are also the stores' defaults when no retention is given (store/limits.ts).
 * @example
 * DEFAULT_RETAIN_DAYS.audit; // 400: an audit log outlives its last entry by 400 days unless configured
 */
export const DEFAULT_RETAIN_DAYS = { audit: 400, released: 90, failures: 90 } as const;

/** A non-negative number of days; fractions allowed (`0.5` = 12 h); invalid -> NaN (refused below). */
const days = (fallback: string) =>
  pipe(_default(optional(string()), fallback), transform((s: string) => {
    const n = Number(s);
    return Number.isFinite(n) && n >= 0 ? n : Number.NaN;
  }));

/**
 * Every setting. Key lists are newest first: during a rotation both keys verify.
 * See README "Configuration" for the meaning of each.
 */
export const configSchema = object({
  /** Basic-interface access keys (V2 signature, V1 authToken/Body-Sign/credential key), newest first. */
  KG_ACCESS_KEY: optional(list),
  /** 联营 kit access keys (x-sign), newest first. */
  KG_KIT_ACCESS_KEY: optional(list),
  /** Redis (standalone, master/standby, DCS Proxy Cluster): `redis://host:port[/db]`, or `rediss://`. */
  KG_REDIS_URL: optional(string()),
  /** Redis Cluster seed nodes: `host:port,host:port`. */
  KG_REDIS_CLUSTER_NODES: optional(list),
  /** Redis password, kept out of the URL (a `@` in it breaks URLs). */
  KG_REDIS_PASSWORD: optional(string()),
  /** `memory` is for local runs only; deployed functions refuse it unless KG_ALLOW_MEMORY_STORE=1. */
  KG_STORE: optional(zenum(['redis', 'memory'])),
  KG_ALLOW_MEMORY_STORE: optional(string()),
  /** V1 credential encryption: "1" AES-256 (default), "2" AES-128. */
  KG_ENCRYPT_TYPE: _default(optional(zenum(['1', '2'])), '1'),
  /**
   * Which basic-interface answers carry a `Body-Sign`: `all` (default) signs V2 answers too, as the reference
   * recommends (lifecycle.md §1.5: no V2 page requires it, a 2024 V2 fragment shows it); `v1` signs only V1
   * answers, where it is required.
   */
  KG_BODY_SIGN: _default(optional(zenum(['all', 'v1'])), 'all'),
  /** 32-byte data key (base64 or 64 hex chars) sealing stored credentials with AES-256-GCM. */
  KG_DATA_KEY: optional(string()),
  /** Signature freshness window, both directions (ms). */
  KG_CLOCK_SKEW_MS: intMs('60000'),
  /** How long newInstance waits for the provisioner before answering 000004 (ms). */
  KG_PROVISION_BUDGET_MS: intMs('2000'),
  /** Lease of one provisioning attempt (ms): after it, a worker or retry may take over. */
  KG_PROVISION_LEASE_MS: intMs('60000'),
  /** `generate` (default) or `http`. */
  KG_PROVISIONER: _default(optional(zenum(['generate', 'http'])), 'generate'),
  /** generate: URL templates; `{instanceId}` is replaced. */
  KG_FRONTEND_URL_TEMPLATE: optional(string()),
  KG_ADMIN_URL_TEMPLATE: optional(string()),
  /** generate: user-name template; `{instanceId}` is replaced. Default `admin`. */
  KG_USERNAME_TEMPLATE: optional(string()),
  /** generate: free text for the buyer. */
  KG_MEMO: optional(string()),
  /** http: the merchant backend's base URL, its HMAC secret and its timeout (ms). */
  KG_PROVISIONER_URL: optional(string()),
  KG_PROVISIONER_SECRET: optional(string()),
  KG_PROVISIONER_TIMEOUT_MS: intMs('1800'),
  /** RSA private keys (PEM, several one after another, newest first) that decrypt applicationSync's clientSecret. */
  KG_RSA_PRIVATE_KEY: optional(string()),
  /** Older name of KG_RSA_PRIVATE_KEY, still read when the new one is absent. */
  KG_RSA_PRIVATE_KEYS: optional(string()),
  /** 联营 kit: the merchant backend that receives every applied change (optional), and its HMAC secret. */
  KG_KIT_FORWARD_URL: optional(string()),
  KG_KIT_FORWARD_SECRET: optional(string()),
  /** 联营 kit: how long a forward may take (ms). */
  KG_KIT_FORWARD_TIMEOUT_MS: intMs('2000'),
  /** SSO (联营): the 应用凭证 appId (unified-login `appId`; the app whose kit client and users are used). */
  KG_SSO_APP_ID: optional(string()),
  /** SSO: the unified login page; `?ind=UNOP&appId=` is appended after the fragment's path. */
  KG_SSO_LOGIN_PAGE_URL: _default(optional(string()), 'https://macroverse.huaweicloud.com/unified-login/#/portal-login'),
  /** SSO: the callback registered in the 应用凭证 (the `sso-login` route `/sso/callback`), sent as redirect_uri. */
  KG_SSO_CALLBACK_URL: optional(string()),
  /** SSO: where the browser lands after login (the merchant app); its origin is the only one allowed to POST logout. */
  KG_SSO_APP_URL: optional(string()),
  /** SSO: post-logout URLs the app may ask for, comma-separated; the first is the default (absent: KG_SSO_APP_URL). */
  KG_SSO_LOGOUT_REDIRECTS: optional(list),
  /** SSO: a session ends after this long without a request (ms). */
  KG_SSO_IDLE_MS: intMs('1800000'),
  /** SSO: a session ends this long after login whatever happens (ms). */
  KG_SSO_ABSOLUTE_MS: intMs('43200000'),
  /** SSO: the limit of each call to the tenant's IdP (ms). */
  KG_SSO_IDP_TIMEOUT_MS: intMs('5000'),
  /** SSO: the session cookie's name. */
  KG_SSO_COOKIE: _default(optional(string()), 'kg_session'),
  /**
   * Open API (query order, usage push): the endpoint of the seller's site, optionally followed by a fallback
   * (`main,fallback`); default the China site, whose fallback is `https://mkt.myhuaweicloud.cn`. `http://` only
   * for loopback hosts (local rehearsal).
   */
  KG_OPENAPI_ENDPOINT: _default(optional(string()), 'https://mkt.myhuaweicloud.com'),
  /** Open API: the seller's AK and SK (卖家中心 → 我的凭证 → 访问密钥); never logged. */
  KG_OPENAPI_AK: optional(string()),
  KG_OPENAPI_SK: optional(string()),
  /** Open API: the limit of one attempt, connection to last byte (ms). */
  KG_OPENAPI_TIMEOUT_MS: intMs('5000'),
  /** Keys (newest first) the merchant's back end signs `POST /usage` with (HMAC-SHA256). */
  KG_USAGE_INGEST_KEY: optional(list),
  /** API products (Agents gateway): `jwt` (the gateway's HS256 JWT, default) or `constant` (a self-defined constant header). */
  KG_GATEWAY_AUTH_MODE: _default(optional(zenum(['jwt', 'constant'])), 'jwt'),
  /** API products: the gateway's key pairs `ak:sk`, comma-separated, newest first (jwt mode). */
  KG_GATEWAY_KEYS: optional(list),
  /** API products: the header carrying the credentials; in jwt mode `Bearer <jwt>` (or the bare token). */
  KG_GATEWAY_AUTH_HEADER: _default(optional(string()), 'Authorization'),
  /** API products: the accepted constant header values, comma-separated, newest first (constant mode). */
  KG_GATEWAY_AUTH_VALUES: optional(list),
  /** API products: how far a JWT's `timestamp` may be from our clock, both directions (ms). */
  KG_GATEWAY_JWT_WINDOW_MS: intMs('300000'),
  /** `debug` | `info` | `warn` | `error`. */
  KG_LOG_LEVEL: _default(optional(zenum(['debug', 'info', 'warn', 'error'])), 'info'),
  /** The production address registered in the seller console (checked by `kg doctor`). */
  KG_PRODUCTION_URL: optional(string()),
  /** Retention: an audit log is kept this many days after its last entry (days). */
  KG_RETAIN_AUDIT_DAYS: days(String(DEFAULT_RETAIN_DAYS.audit)),
  /** Retention: a released instance (and a removed kit record) with its audit log is kept this many days (days). */
  KG_RETAIN_RELEASED_DAYS: days(String(DEFAULT_RETAIN_DAYS.released)),
  /** Retention: failure-stream entries older than this are dropped (days; the stream is also capped at 10,000). */
  KG_RETAIN_FAILURES_DAYS: days(String(DEFAULT_RETAIN_DAYS.failures)),
  /** Retention: usage records the marketplace accepted are kept this many days (days). */
  KG_RETAIN_USAGE_PUSHED_DAYS: days('35'),
  /** Retention: dead-lettered usage records are kept this many days (days). */
  KG_RETAIN_USAGE_DEAD_DAYS: days('90'),
  /** ops-watch: alert when failed orders this month reach this many (the marketplace delists past 5). */
  KG_ALERT_FAILED_ORDERS: intMs('3'),
  /** ops-watch: a JSON webhook that receives alerts, signed with KG_ALERT_WEBHOOK_SECRET (HMAC-SHA256). */
  KG_ALERT_WEBHOOK: optional(string()),
  KG_ALERT_WEBHOOK_SECRET: optional(string()),
  /** ops-watch: the SMN topic URN alerts are published to (signed with KG_ALERT_SMN_AK/SK). */
  KG_ALERT_SMN_TOPIC: optional(string()),
  /** ops-watch: the SMN endpoint (`https://smn.<region>.myhuaweicloud.com`; default from the topic URN's region). */
  KG_ALERT_SMN_ENDPOINT: optional(string()),
  /** ops-watch: the IAM AK/SK allowed to publish to the topic; never logged. */
  KG_ALERT_SMN_AK: optional(string()),
  KG_ALERT_SMN_SK: optional(string()),
  /** Reconciliation: how long past its expiry an instance may stay unfrozen before it is reported (hours). */
  KG_RECONCILE_GRACE_HOURS: intMs('24'),
  /** Reconciliation and ops-watch: how long an instance may stay PROVISIONING before it is reported (minutes). */
  KG_STUCK_PROVISIONING_MINUTES: intMs('30'),
  /** Local server port. */
  PORT: optional(string()),
});

/** Validated settings. */
export type Config = output<typeof configSchema>;

/** Names of every setting, for readers that need to enumerate them. */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as Array<keyof Config>;

/** A source of raw string settings. */
export type SettingSource = (key: string) => string | undefined;

/** Builds the lookup order: context user data, then `RUNTIME_USERDATA` JSON, then the environment. */
export function settingSource(env: NodeJS.ProcessEnv, context?: FgContext): SettingSource {
  let runtimeUserData: Record<string, unknown> = {};
  if (env.RUNTIME_USERDATA) {
    try {
      const parsed: unknown = JSON.parse(env.RUNTIME_USERDATA);
      if (parsed && typeof parsed === 'object') runtimeUserData = parsed as Record<string, unknown>;
    } catch {
      throw new ConfigError('RUNTIME_USERDATA is not valid JSON');
    }
  }
  return (key) => {
    const fromContext = context?.getUserData(key);
    if (typeof fromContext === 'string' && fromContext !== '') return fromContext;
    const fromRuntime = runtimeUserData[key];
    if (typeof fromRuntime === 'string' && fromRuntime !== '') return fromRuntime;
    const fromEnv = env[key];
    return typeof fromEnv === 'string' && fromEnv !== '' ? fromEnv : undefined;
  };
}

/** Reads and validates every setting. Throws {@link ConfigError} naming the bad setting. */
export function loadConfig(source: SettingSource): Config {
  const raw: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const v = source(key);
    if (v !== undefined) raw[key] = v;
  }
  const parsed = safeParse(configSchema, raw);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${prettifyError(parsed.error).replace(/\s+/g, ' ').trim()}`);
  const c = parsed.data;
  for (const key of [
    'KG_CLOCK_SKEW_MS', 'KG_PROVISION_BUDGET_MS', 'KG_PROVISION_LEASE_MS', 'KG_PROVISIONER_TIMEOUT_MS', 'KG_KIT_FORWARD_TIMEOUT_MS',
    'KG_SSO_IDLE_MS', 'KG_SSO_ABSOLUTE_MS', 'KG_SSO_IDP_TIMEOUT_MS', 'KG_OPENAPI_TIMEOUT_MS',
    'KG_GATEWAY_JWT_WINDOW_MS',
  ] as const) {
    if (Number.isNaN(c[key])) throw new ConfigError(`invalid configuration: ${key} must be a non-negative number of milliseconds`);
  }
  for (const key of [
    'KG_RETAIN_AUDIT_DAYS', 'KG_RETAIN_RELEASED_DAYS', 'KG_RETAIN_FAILURES_DAYS', 'KG_RETAIN_USAGE_PUSHED_DAYS', 'KG_RETAIN_USAGE_DEAD_DAYS',
    'KG_ALERT_FAILED_ORDERS', 'KG_RECONCILE_GRACE_HOURS', 'KG_STUCK_PROVISIONING_MINUTES',
  ] as const) {
    if (Number.isNaN(c[key])) throw new ConfigError(`invalid configuration: ${key} must be a non-negative number`);
  }
  // A lease that ends before newInstance stops waiting would let a retry take over a running attempt.
  if (c.KG_PROVISION_BUDGET_MS >= c.KG_PROVISION_LEASE_MS) {
    throw new ConfigError('invalid configuration: KG_PROVISION_BUDGET_MS must be shorter than KG_PROVISION_LEASE_MS');
  }
  return c;
}

/** Throws a {@link ConfigError} naming `key` when it is missing. */
export function requireSetting<K extends keyof Config>(config: Config, key: K, why: string): NonNullable<Config[K]> {
  const v = config[key];
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) {
    throw new ConfigError(`missing setting ${String(key)}: ${why}`);
  }
  return v as NonNullable<Config[K]>;
}
