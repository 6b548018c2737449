/**
 * `kg doctor` checks of the settings alone (no I/O): do they load, are the keys there and distinct, is
 * the data key well formed, is the provisioner configured, are template defaults still in place.
 * Messages name settings, never their values.
 * @module
 */
import { loadConfig, settingSource, type Config } from '../../../shared/platform/config';
import { parseDataKeyRing } from '../../../shared/security/dataSeal';
import { storeTarget } from '../../../shared/store/createStore';
import { error, ok, warn, type Finding } from './finding';
import { checkFunctionSettings } from './functionChecks';

/** Result of loading: the config when it loads, and the findings either way. */
export interface ConfigCheck {
  config: Config | undefined;
  findings: Finding[];
}

/** Loads the configuration the way a function does (user data JSON, then the environment). */
export function loadForDoctor(env: NodeJS.ProcessEnv): ConfigCheck {
  try {
    const config = loadConfig(settingSource(env));
    return { config, findings: [ok('config', 'all settings parse')] };
  } catch (err) {
    return { config: undefined, findings: [error('config', (err as Error).message, 'correct the named setting (docs/deploy.md lists every one)')] };
  }
}

function keyFindings(c: Config): Finding[] {
  const out: Finding[] = [];
  const basic = c.KG_ACCESS_KEY ?? [];
  const kit = c.KG_KIT_ACCESS_KEY ?? [];
  if (basic.length === 0) out.push(error('keys', 'KG_ACCESS_KEY is missing: basic-interface signatures cannot be verified', 'copy the key bound to 基础接口 (seller console > 应用工具 > 密钥管理) into encrypted user data'));
  else out.push(ok('keys', `KG_ACCESS_KEY holds ${basic.length} key(s)${basic.length > 1 ? ' (rotation: newest first)' : ''}`));
  // Only 联营 joint-operation products deploy the kit functions; functionChecks says whether theirs are complete.
  if (kit.length === 0) out.push(ok('keys', 'KG_KIT_ACCESS_KEY is not set (only 联营 joint-operation products need it)'));
  else out.push(ok('keys', `KG_KIT_ACCESS_KEY holds ${kit.length} key(s)`));
  if (basic.some((k) => kit.includes(k))) out.push(error('keys', 'the same key is in KG_ACCESS_KEY and KG_KIT_ACCESS_KEY', 'the console refuses one key for two interface types: create a second key'));
  for (const [name, list] of [['KG_ACCESS_KEY', basic], ['KG_KIT_ACCESS_KEY', kit]] as const) {
    if (list.some((k) => k.length < 16)) out.push(warn('keys', `${name} has a key shorter than 16 characters`, 'paste the whole key; console keys are 32+ characters'));
    if (new Set(list).size !== list.length) out.push(warn('keys', `${name} lists a key twice`, 'remove the duplicate'));
  }
  return out;
}

function dataKeyFindings(c: Config): Finding[] {
  if (!c.KG_DATA_KEY) {
    return [error('data-key', 'KG_DATA_KEY is missing: stored credentials cannot be sealed', "make one with `kg keygen data-key` and keep it in encrypted user data")];
  }
  try {
    const ring = parseDataKeyRing(c.KG_DATA_KEY);
    return [ok('data-key', ring.length === 1 ? 'KG_DATA_KEY is a 32-byte key' : `KG_DATA_KEY holds ${ring.length} 32-byte keys (the first seals, all open)`)];
  } catch {
    return [error('data-key', 'KG_DATA_KEY is not 32 bytes in base64 or 64 hex characters', 'make one with `kg keygen data-key` (32 random bytes, base64); a lost key makes sealed credentials unreadable')];
  }
}

const PLACEHOLDER = /example\.(com|org|net)|<[^>]*>/;

function provisionerFindings(c: Config): Finding[] {
  const out: Finding[] = [];
  if (c.KG_PROVISIONER === 'http') {
    if (!c.KG_PROVISIONER_URL) out.push(error('provisioner', 'KG_PROVISIONER=http without KG_PROVISIONER_URL', 'set the base URL of your backend'));
    else {
      let url: URL | undefined;
      try {
        url = new URL(c.KG_PROVISIONER_URL);
      } catch {
        out.push(error('provisioner', 'KG_PROVISIONER_URL is not a URL', 'write it as https://backend.internal/kg'));
      }
      if (url && url.protocol !== 'https:' && !['localhost', '127.0.0.1'].includes(url.hostname) && !/^(10|192\.168|172\.(1[6-9]|2\d|3[01]))\./.test(url.hostname)) {
        out.push(warn('provisioner', 'KG_PROVISIONER_URL is plain http on a public address', 'use https, or a private VPC address'));
      }
    }
    if (!c.KG_PROVISIONER_SECRET) out.push(error('provisioner', 'KG_PROVISIONER=http without KG_PROVISIONER_SECRET', 'set a random secret shared with your backend (encrypted user data)'));
    else if (c.KG_PROVISIONER_SECRET.length < 32) out.push(warn('provisioner', 'KG_PROVISIONER_SECRET is shorter than 32 characters', 'use 32+ random characters'));
    if (c.KG_PROVISIONER_TIMEOUT_MS > c.KG_PROVISION_BUDGET_MS) {
      out.push(ok('provisioner', `backend calls may outlive the ${c.KG_PROVISION_BUDGET_MS} ms budget; slow ones finish in provision-worker (000004)`));
    }
  } else {
    // frontEndUrl is required and falls back to an example.invalid address; adminUrl is optional and
    // simply left out of the answer when its template is not set.
    if (!c.KG_FRONTEND_URL_TEMPLATE) out.push(warn('provisioner', 'KG_FRONTEND_URL_TEMPLATE is not set: buyers get the placeholder https://example.invalid/... address', "set KG_FRONTEND_URL_TEMPLATE to your product's address ({instanceId} is replaced)"));
    for (const key of ['KG_FRONTEND_URL_TEMPLATE', 'KG_ADMIN_URL_TEMPLATE'] as const) {
      const v = c[key];
      if (v && PLACEHOLDER.test(v)) out.push(warn('provisioner', `${key} is still the template's example address`, `set ${key} to your product's address`));
    }
  }
  if (c.KG_PROVISION_BUDGET_MS > 4000) {
    out.push(warn('provisioner', `KG_PROVISION_BUDGET_MS is ${c.KG_PROVISION_BUDGET_MS} ms; the APIG backend timeout is 5000 ms`, 'keep it at 4000 ms or less so newInstance answers 000004 in time'));
  }
  if (out.every((f) => f.level === 'ok')) out.push(ok('provisioner', `${c.KG_PROVISIONER} provisioner configured`));
  return out;
}

function redisSettingFindings(c: Config): Finding[] {
  const out: Finding[] = [];
  // The store a deployed function builds: no usable setting means every call answers 000005. Reported
  // here, with the settings, so `--skip-redis` (settings only) still fails on it.
  try {
    const target = storeTarget(c, { allowMemory: false });
    if (target.kind === 'memory') out.push(warn('redis', 'memory store allowed by KG_ALLOW_MEMORY_STORE=1: state is lost between instances', 'use DCS Redis in production'));
  } catch (err) {
    const missing = c.KG_STORE === 'memory' || !(c.KG_REDIS_URL || c.KG_REDIS_CLUSTER_NODES?.length);
    out.push(error('redis', (err as Error).message, missing ? 'set KG_REDIS_URL (standalone, master/standby, Proxy Cluster) or KG_REDIS_CLUSTER_NODES (Redis Cluster)' : 'correct the Redis setting'));
  }
  const hasNodes = (c.KG_REDIS_CLUSTER_NODES ?? []).length > 0;
  if (hasNodes && c.KG_REDIS_URL) out.push(warn('redis', 'both KG_REDIS_CLUSTER_NODES and KG_REDIS_URL are set; the cluster nodes win', 'keep only the one that matches the DCS type'));
  if (c.KG_REDIS_URL) {
    if (PLACEHOLDER.test(c.KG_REDIS_URL)) out.push(error('redis', 'KG_REDIS_URL still holds the template placeholder', 'set redis://<DCS private address>:6379'));
    else if (/^rediss?:\/\/[^/]*@/.test(c.KG_REDIS_URL)) out.push(warn('redis', 'KG_REDIS_URL carries a password', 'move it to KG_REDIS_PASSWORD (encrypted; a "@" in it breaks URLs)'));
  }
  if (!c.KG_REDIS_PASSWORD && (hasNodes || c.KG_REDIS_URL)) out.push(warn('redis', 'KG_REDIS_PASSWORD is not set', 'use a password-protected DCS instance'));
  return out;
}

/** Every configuration check. */
export function checkConfig(c: Config): Finding[] {
  return [...keyFindings(c), ...dataKeyFindings(c), ...provisionerFindings(c), ...redisSettingFindings(c), ...checkFunctionSettings(c)];
}
