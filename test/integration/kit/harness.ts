/**
 * The kit's integration harness (not a test file): the three stores the kit suites run on (MemoryStore with
 * a movable clock, a standalone redis-server, a 3-master Redis Cluster), the five kit functions built as
 * deployed (`kitHandler(defineMerchant(...), name)`), and requests signed the marketplace's way with the
 * emulator's own signer (infra/emulator/kitSigner.ts, written from the specification, not the server's code).
 */
import { constants, createHmac, generateKeyPairSync, publicEncrypt, randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { kitPayload, signKitRequest, signV1KitAuthToken } from '../../../infra/emulator/kitSigner';
import { kitHandler } from '../../../shared/handlers';
import type { KitForwarder } from '../../../shared/kit/forward';
import type { TenantDoc } from '../../../shared/kit/model';
import { defineMerchant } from '../../../shared/merchant';
import type { Handler } from '../../../shared/callback/handler';
import type { ApigEvent, ApigResponse } from '../../../shared/platform/apig';
import { loadConfig } from '../../../shared/platform/config';
import { localContext } from '../../../shared/platform/context';
import type { KitName } from '../../../shared/protocol/schemas/kit';
import { createSealer, parseDataKeyRing } from '../../../shared/security/dataSeal';
import { createStore } from '../../../shared/store/createStore';
import { tenantTag } from '../../../shared/store/keys';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import type { AuditEntry, Store } from '../../../shared/store/Store';
import { startRedis, startRedisCluster, type RedisClusterHandle, type RedisServer } from '../../support/redis';

export const KIT_NAMES: readonly KitName[] = ['tenantSync', 'applicationSync', 'authSync', 'singleOrgSync', 'allOrgSync'];

/** The newest kit key and an older one still in the ring (rotation). */
export const KIT_KEY = 'kit-it-key-0002-newest';
export const KIT_KEY_OLD = 'kit-it-key-0001-older';
/** The basic-interface key: configured, but never valid on a kit call. */
export const BASIC_KEY = 'basic-it-key-0001';

/** One store the kit suites run on. */
export interface KitTarget {
  name: string;
  kind: 'memory' | 'redis' | 'cluster';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Settings selecting the store (empty for memory). */
  settings(): Record<string, string>;
  /** A new Store on the target (memory: one shared instance whose clock is `Date.now() + clockOffsetMs`). */
  store(): Store;
  /** Raw clients for inspection (every master of a cluster); empty for memory. */
  rawClients(): Redis[];
  /** Moves the MemoryStore's clock (ms); no effect on Redis. */
  clockOffsetMs: number;
}

export function kitTargets(): KitTarget[] {
  let redis: RedisServer | undefined;
  let cluster: RedisClusterHandle | undefined;
  const raws: Redis[] = [];
  const rawFor = (ports: number[]): Redis[] => {
    if (raws.length === 0) for (const port of ports) raws.push(new Redis({ host: '127.0.0.1', port, lazyConnect: false, maxRetriesPerRequest: 2 }));
    return raws;
  };
  const closeRaws = async (): Promise<void> => {
    await Promise.allSettled(raws.map((r) => r.quit()));
    raws.length = 0;
  };
  const memoryTarget: KitTarget = {
    name: 'MemoryStore',
    kind: 'memory',
    start: async () => {},
    stop: async () => {},
    settings: () => ({}),
    store: (() => {
      let shared: MemoryStore | undefined;
      return () => (shared ??= new MemoryStore({ now: () => Date.now() + memoryTarget.clockOffsetMs }));
    })(),
    rawClients: () => [],
    clockOffsetMs: 0,
  };
  return [
    memoryTarget,
    {
      name: 'RedisStore (standalone)',
      kind: 'redis',
      start: async () => { redis = await startRedis({ appendonly: false }); },
      stop: async () => { await closeRaws(); await redis?.stop(); },
      settings: () => ({ KG_REDIS_URL: redis!.url }),
      store() { return createStore(loadConfig((k) => this.settings()[k])); },
      rawClients: () => rawFor([redis!.port]),
      clockOffsetMs: 0,
    },
    {
      name: 'RedisStore (3-master cluster)',
      kind: 'cluster',
      start: async () => { cluster = await startRedisCluster(3); },
      stop: async () => { await closeRaws(); await cluster?.stop(); },
      settings: () => ({ KG_REDIS_CLUSTER_NODES: cluster!.seeds }),
      store() { return createStore(loadConfig((k) => this.settings()[k])); },
      rawClients: () => rawFor(cluster!.nodes.map((n) => n.port)),
      clockOffsetMs: 0,
    },
  ];
}

/** Every key and value held by the raw clients (all masters), as text, for "never in clear" checks. */
export async function dumpRedis(clients: readonly Redis[]): Promise<Array<{ key: string; value: string; ttl: number }>> {
  const out: Array<{ key: string; value: string; ttl: number }> = [];
  for (const r of clients) {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', '1000');
      cursor = next;
      for (const key of keys) {
        const type = await r.type(key);
        let value: unknown;
        if (type === 'string') value = await r.get(key);
        else if (type === 'hash') value = await r.hgetall(key);
        else if (type === 'list') value = await r.lrange(key, 0, -1);
        else if (type === 'set') value = await r.smembers(key);
        else if (type === 'zset') value = await r.zrange(key, '0', '-1', 'WITHSCORES');
        else value = `<${type}>`;
        out.push({ key, value: JSON.stringify(value), ttl: await r.ttl(key) });
      }
    } while (cursor !== '0');
  }
  return out;
}

/** The TTL (s) of `key` on whichever master holds it (-2 when none does). */
export async function ttlOf(clients: readonly Redis[], key: string): Promise<number> {
  for (const r of clients) {
    try {
      const ttl = await r.ttl(key);
      if (ttl !== -2) return ttl;
    } catch (err) {
      if (!/MOVED/.test((err as Error).message)) throw err;
    }
  }
  return -2;
}

/** An RSA pair for applicationSync (2048 bits: fast; the OpenSSL round trip uses `kg keygen rsa`'s 3072). */
export function rsaPair(bits = 2048): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** clientSecret as the marketplace sends it: RSA-OAEP (SHA-256) with the merchant's public key, base64. */
export function encryptSecret(publicKeyPem: string, secret: string): string {
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(secret, 'utf8')).toString('base64');
}

/** The answer of one call. */
export interface KitAnswer {
  status: number;
  headers: Record<string, string>;
  raw: string;
  json: { resultCode: string; resultMsg: string } & Record<string, unknown>;
}

/** How to sign and shape one V2 call. Default: correct, signed with {@link KIT_KEY} now, fresh nonce. */
export interface V2Options {
  key?: string;
  nonce?: string;
  /** `x-timestamp` text; default now (ms). */
  timestamp?: string;
  /** Replace `x-sign`. */
  sign?: string;
  /** Leave these headers out. */
  omit?: Array<'x-sign' | 'x-timestamp' | 'x-nonce'>;
  /** The production address's own path in front of the sub-path. */
  prefix?: string;
}

/** A V2 kit event as APIG delivers it (`POST /produceAPI/v2/<name>`, base64 body). */
export function v2Event(name: KitName, body: Record<string, unknown> | string, opts: V2Options = {}): ApigEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const nonce = opts.nonce ?? randomBytes(32).toString('hex').toUpperCase();
  const timestamp = opts.timestamp ?? String(Date.now());
  const payload = typeof body === 'string' ? body : kitPayload(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json;charset=UTF-8',
    'x-sign': opts.sign ?? signKitRequest({ key: opts.key ?? KIT_KEY, nonce, timestamp, payload }),
    'x-timestamp': timestamp,
    'x-nonce': nonce,
  };
  for (const h of opts.omit ?? []) delete headers[h];
  return {
    httpMethod: 'POST',
    path: `${opts.prefix ?? ''}/produceAPI/v2/${name}`,
    headers,
    queryStringParameters: {},
    body: Buffer.from(text, 'utf8').toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId: randomUUID() },
  };
}

/** How to sign and shape one V1 call. Default: JSON body, authToken with {@link KIT_KEY}. */
export interface V1Options {
  key?: string;
  /** `application/x-www-form-urlencoded` (every value as text). */
  form?: boolean;
  authToken?: string;
}

/**
 * A V1 kit event (`POST /produceAPI/<name>`, header `authToken`). V1 sends lists as JSON strings: pass
 * `userList` / `orgInfo` already as strings.
 */
export function v1Event(name: KitName, body: Record<string, unknown>, opts: V1Options = {}): ApigEvent {
  const authToken = opts.authToken ?? signV1KitAuthToken(opts.key ?? KIT_KEY, body);
  const text = opts.form
    ? new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString()
    : JSON.stringify(body);
  return {
    httpMethod: 'POST',
    path: `/produceAPI/${name}`,
    headers: { 'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json;charset=UTF-8', authToken },
    queryStringParameters: {},
    body: Buffer.from(text, 'utf8').toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId: randomUUID() },
  };
}

/** `Body-Sign` as §2.3 states it, computed here: `sign_type="HMAC-SHA256", signature="<base64 HMAC(key, body)>"`. */
export function expectedBodySign(key: string, body: string): string {
  return `sign_type="HMAC-SHA256", signature="${createHmac('sha256', key).update(body, 'utf8').digest('base64')}"`;
}

/** The five functions over one store, with a log sink. */
export interface KitHarness {
  store: Store;
  settings: Record<string, string>;
  /** Every log line of every call so far. */
  logs: string[];
  /** Every answer body so far. */
  answers: string[];
  send(name: KitName, event: ApigEvent): Promise<KitAnswer>;
  /** A correct V2 call of `body`. */
  call(name: KitName, body: Record<string, unknown>, opts?: V2Options): Promise<KitAnswer>;
  /** Opens a sealed client secret with the harness's data key. */
  open(sealed: string): string;
}

export interface HarnessOptions {
  store: Store;
  /** Extra settings (KG_RSA_PRIVATE_KEY, KG_KIT_FORWARD_URL, ...). */
  settings?: Record<string, string>;
  kitForwarder?: KitForwarder;
}

export function kitHarness(options: HarnessOptions): KitHarness {
  const dataKey = randomBytes(32).toString('base64');
  const settings: Record<string, string> = {
    KG_ACCESS_KEY: BASIC_KEY,
    KG_KIT_ACCESS_KEY: `${KIT_KEY},${KIT_KEY_OLD}`,
    KG_DATA_KEY: dataKey,
    KG_LOG_LEVEL: 'debug',
    ...options.settings,
  };
  const merchant = defineMerchant(options.kitForwarder ? { kitForwarder: options.kitForwarder } : {}, { settings, store: options.store });
  const handlers = new Map<KitName, Handler>(KIT_NAMES.map((n) => [n, kitHandler(merchant, n)]));
  const sealer = createSealer(parseDataKeyRing(dataKey));
  const logs: string[] = [];
  const answers: string[] = [];
  const send = async (name: KitName, event: ApigEvent): Promise<KitAnswer> => {
    const res: ApigResponse = await handlers.get(name)!(event, localContext({ requestId: event.requestContext?.requestId ?? '', log: (l) => logs.push(l) }));
    answers.push(res.body);
    if (typeof res.statusCode !== 'number' || typeof res.body !== 'string' || res.isBase64Encoded !== false) {
      throw new Error(`not an APIG response: ${JSON.stringify(res).slice(0, 200)}`);
    }
    return { status: res.statusCode, headers: res.headers, raw: res.body, json: JSON.parse(res.body) as KitAnswer['json'] };
  };
  return {
    store: options.store,
    settings,
    logs,
    answers,
    send,
    call: (name, body, opts) => send(name, v2Event(name, body, opts)),
    open: (sealed) => sealer.open(sealed),
  };
}

/** What {@link kitSuite} sets up on one target; each getter is live from the suite's `beforeAll` on. */
export interface KitSuite {
  readonly store: Store;
  readonly kit: KitHarness;
  /** The public half of the suite's RSA pair (its private half is the harness's KG_RSA_PRIVATE_KEY). */
  readonly publicKeyPem: string;
}

export interface KitSuiteOptions {
  /** Generate an RSA pair and set KG_RSA_PRIVATE_KEY from it (default true). */
  rsa?: boolean;
  /** Extra settings on top of the target's (and the RSA key). */
  settings?: Record<string, string>;
}

/**
 * The per-target setup of a kit suite, registered in the calling `describe`: `beforeAll` starts the target,
 * takes a store from it, makes an RSA pair (unless `rsa: false`) and a {@link kitHarness} over the store;
 * `afterAll` resets the MemoryStore clock, closes the store and stops the target.
 */
export function kitSuite(target: KitTarget, options: KitSuiteOptions = {}): KitSuite {
  let store: Store | undefined;
  let kit: KitHarness | undefined;
  let publicKeyPem: string | undefined;
  beforeAll(async () => {
    await target.start();
    store = target.store();
    const settings: Record<string, string> = { ...target.settings() };
    if (options.rsa !== false) {
      const pair = rsaPair();
      publicKeyPem = pair.publicKeyPem;
      settings.KG_RSA_PRIVATE_KEY = pair.privateKeyPem;
    }
    kit = kitHarness({ store, settings: { ...settings, ...options.settings } });
  });
  afterAll(async () => {
    target.clockOffsetMs = 0;
    await store?.close();
    await target.stop();
  });
  const live = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`kitSuite(${target.name}): ${what} is not set (read it inside a hook or test${what === 'publicKeyPem' ? ', without rsa: false' : ''})`);
    return value;
  };
  return {
    get store() { return live(store, 'store'); },
    get kit() { return live(kit, 'kit'); },
    get publicKeyPem() { return live(publicKeyPem, 'publicKeyPem'); },
  };
}

/** The audit log of a tenant (production or test data), newest first, up to 500 entries. */
export function auditOf(store: Store, tenantId: string, test = false): Promise<AuditEntry[]> {
  return store.listAudit(tenantTag(tenantId, test), 500);
}

/** The stored version of a tenant's document (0 = never written). */
export async function versionOf(store: Store, tenantId: string, test = false): Promise<number> {
  const [v] = await store.read<TenantDoc>([tenantTag(tenantId, test)]);
  return v?.version ?? 0;
}

/** Entries of an audit log that changed something (those with a detail). */
export function changing(entries: readonly AuditEntry[]): AuditEntry[] {
  return entries.filter((e) => e.detail !== undefined);
}

/**
 * The same store with one method held back until `release()` (a real store underneath, no mock): for
 * ordering two calls the way two function instances can interleave.
 */
export function holdingStore(store: Store, method: 'removeFromIndex' | 'addToIndex'): { store: Store; hold(): void; release(): void } {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === method) {
        return async (...args: [string, string]) => {
          if (gate) await gate;
          return target[method](...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    store: wrapped,
    hold: () => { gate = new Promise((r) => { open = r; }); },
    release: () => { open?.(); gate = undefined; },
  };
}
