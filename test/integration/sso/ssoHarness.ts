/**
 * The SSO integration harness (not a test file): the two stores the SSO suites run on (MemoryStore and a
 * spawned redis-server), the real kit functions (`kitHandler`, signed with `signKitRequest` from
 * shared/testing.ts) that put tenants, apps and users in place, the two SSO functions built as deployed
 * (`ssoLoginHandler(defineMerchant(...))`) with an injected, movable clock, the small IdP stub, and a log
 * sink that keeps every line.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { applicationBody, authBody, newBinding, tenantBody, type KitBinding, type KitUser } from '../../../infra/emulator/kitBodies';
import { kitHandler, ssoLoginHandler, ssoLogoutHandler } from '../../../shared/handlers';
import { defineMerchant } from '../../../shared/merchant';
import type { Handler } from '../../../shared/callback/handler';
import type { ApigEvent, ApigResponse } from '../../../shared/platform/apig';
import { loadConfig } from '../../../shared/platform/config';
import { localContext } from '../../../shared/platform/context';
import type { KitName } from '../../../shared/protocol/schemas/kit';
import { createStore } from '../../../shared/store/createStore';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import type { Store } from '../../../shared/store/Store';
import { signKitRequest } from '../../../shared/testing';
import { startIdpStub, type IdpStub } from '../../support/idpStub';
import { encryptSecret, rsaPair } from '../kit/harness';
import { startRedis, type RedisServer } from '../../support/redis';

export const KIT_KEY = 'sso-it-kit-key-0001';
export const APP_ORIGIN = 'https://app.example.com';
export const APP_URL = `${APP_ORIGIN}/home`;
export const CALLBACK_URL = `${APP_ORIGIN}/sso/callback`;
export const LOGOUT_REDIRECTS = [`${APP_ORIGIN}/login`, `${APP_ORIGIN}/bye?x=1`];
/** The per-call IdP limit in these suites (ms): short, so the slow-IdP cases stay quick. */
export const IDP_TIMEOUT_MS = 800;
export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 3_600_000;

/** One store the suites run on. */
export interface SsoTarget {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  store(): Store;
  /** A raw client (Redis only) for "never in clear" checks. */
  raw(): Redis | undefined;
}

export function ssoTargets(): SsoTarget[] {
  let redis: RedisServer | undefined;
  let raw: Redis | undefined;
  let memory: MemoryStore | undefined;
  return [
    {
      name: 'MemoryStore',
      start: async () => { memory = new MemoryStore(); },
      stop: async () => {},
      store: () => memory!,
      raw: () => undefined,
    },
    {
      name: 'RedisStore (redis-server)',
      start: async () => {
        redis = await startRedis({ appendonly: false });
        raw = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 2 });
      },
      stop: async () => {
        await raw?.quit().catch(() => undefined);
        await redis?.stop();
      },
      store() { return createStore(loadConfig((k) => (k === 'KG_REDIS_URL' ? redis!.url : undefined))); },
      raw: () => raw,
    },
  ];
}

/** Starts `target` and a harness on its store (the suites' beforeAll). */
export async function startSso(target: SsoTarget): Promise<SsoHarness> {
  await target.start();
  return ssoHarness(target.store());
}

/** Closes what {@link startSso} opened (the suites' afterAll). */
export async function stopSso(target: SsoTarget, h: SsoHarness | undefined): Promise<void> {
  await h?.idp.close();
  await h?.store.close();
  await target.stop();
}

/** Every key and value of a Redis, as text. */
export async function dumpRedis(r: Redis): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await r.type(key);
      const value = type === 'hash' ? await r.hgetall(key) : type === 'list' ? await r.lrange(key, 0, -1) : type === 'string' ? await r.get(key) : type === 'set' ? await r.smembers(key) : type === 'zset' ? await r.call('ZRANGE', key, '0', '-1') : `<${type}>`;
      out.push(`${key} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}

/** An answer of an SSO function, with its parts read. */
export interface SsoAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  location?: string;
  setCookie?: string;
  json(): Record<string, unknown>;
}

/** How to send one SSO request. */
export interface SsoCall {
  method?: 'GET' | 'POST' | 'PUT';
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as `Cookie: kg_session=<id>` (plus `cookieHeader`). */
  session?: string;
  cookieHeader?: string;
  json?: boolean;
}

export interface SsoHarness {
  store: Store;
  idp: IdpStub;
  appId: string;
  settings: Record<string, string>;
  /** Moves the injected clock (ms). */
  advance(ms: number): void;
  now(): number;
  /** Every log line of every function so far. */
  logs: string[];
  /** Every answer (status line, headers, body) so far, as text. */
  answers: string[];
  /** Plain client secrets handed to applicationSync. */
  clientSecrets: string[];
  /** Calls a kit function with a correctly signed V2 body; returns the resultCode. */
  kit(name: KitName, body: Record<string, unknown>): Promise<string>;
  /** A tenant with the stub as its IdP, the app's client bound, and `users` authorised. */
  tenant(users: KitUser[], options?: { test?: boolean; domainName?: string }): Promise<KitBinding>;
  call(path: string, call?: SsoCall): Promise<SsoAnswer>;
  /** Unified-login callback for `userName`: the session id from Set-Cookie. */
  login(b: KitBinding, userName: string): Promise<string>;
}

/** A kit user as authSync sends it. */
export function kitUser(userName: string, extra: Partial<KitUser> = {}): KitUser {
  return { userName, name: `Name ${userName}`, orgCode: 'org-1', role: 'user', enable: 'true', ...extra };
}

let sharedPair: { publicKeyPem: string; privateKeyPem: string } | undefined;

/** The harness on `store`; `overrides` replace settings. */
export async function ssoHarness(store: Store, overrides: Record<string, string> = {}): Promise<SsoHarness> {
  const idp = await startIdpStub();
  const pair = (sharedPair ??= rsaPair());
  const appId = `app-${randomBytes(4).toString('hex')}`;
  let offset = 0;
  const clock = () => Date.now() + offset;
  const settings: Record<string, string> = {
    KG_ACCESS_KEY: 'sso-it-basic-key-0001',
    KG_KIT_ACCESS_KEY: KIT_KEY,
    KG_DATA_KEY: randomBytes(32).toString('base64'),
    KG_RSA_PRIVATE_KEY: pair.privateKeyPem,
    KG_LOG_LEVEL: 'debug',
    KG_SSO_APP_ID: appId,
    KG_SSO_CALLBACK_URL: CALLBACK_URL,
    KG_SSO_APP_URL: APP_URL,
    KG_SSO_LOGOUT_REDIRECTS: LOGOUT_REDIRECTS.join(','),
    KG_SSO_IDP_TIMEOUT_MS: String(IDP_TIMEOUT_MS),
    KG_SSO_IDLE_MS: String(IDLE_MS),
    KG_SSO_ABSOLUTE_MS: String(ABSOLUTE_MS),
    ...overrides,
  };
  const merchant = defineMerchant({}, { settings, store, clock });
  const kitFns = new Map<KitName, Handler>();
  const login = ssoLoginHandler(merchant);
  const logout = ssoLogoutHandler(merchant);
  const logs: string[] = [];
  const answers: string[] = [];
  const clientSecrets: string[] = [];

  const invoke = async (handler: Handler, event: ApigEvent): Promise<ApigResponse> => {
    const res = await handler(event, localContext({ requestId: event.requestContext?.requestId ?? '', log: (l) => logs.push(l) }));
    if (typeof res.statusCode !== 'number' || typeof res.body !== 'string' || res.isBase64Encoded !== false) throw new Error('not an APIG response');
    for (const v of Object.values(res.headers)) if (typeof v !== 'string') throw new Error('APIG headers must be strings');
    return res;
  };

  const h: SsoHarness = {
    store,
    idp,
    appId,
    settings,
    advance: (ms) => { offset += ms; },
    now: clock,
    logs,
    answers,
    clientSecrets,
    async kit(name, body) {
      let fn = kitFns.get(name);
      if (!fn) {
        fn = kitHandler(merchant, name);
        kitFns.set(name, fn);
      }
      const text = JSON.stringify(body);
      const res = await invoke(fn, {
        httpMethod: 'POST',
        path: `/produceAPI/v2/${name}`,
        headers: { 'content-type': 'application/json', ...signKitRequest({ key: KIT_KEY, body: text, nowMs: clock() }) },
        body: Buffer.from(text).toString('base64'),
        isBase64Encoded: true,
        requestContext: { requestId: randomUUID() },
      });
      return (JSON.parse(res.body) as { resultCode: string }).resultCode;
    },
    async tenant(users, options = {}) {
      const test = options.test === true;
      const b = { ...newBinding(test ? '' : `inst-${randomBytes(4).toString('hex')}`, test ? '' : `CS-${randomBytes(4).toString('hex')}`, test ? 1 : 0), appId };
      const clientId = `client-${randomBytes(4).toString('hex')}`;
      const clientSecret = `secret-${randomBytes(12).toString('hex')}`;
      clientSecrets.push(clientSecret);
      idp.clients.push({ tenantId: b.tenantId, clientId, clientSecret });
      const encrypted = encryptSecret(pair.publicKeyPem, clientSecret);
      const codes = [
        await h.kit('tenantSync', tenantBody(b, 1, `企业 ${b.tenantCode}`, options.domainName ?? idp.url)),
        await h.kit('applicationSync', applicationBody(b, 1, clientId, encrypted)),
        await h.kit('authSync', authBody(b, 1, users)),
      ];
      if (codes.some((c) => c !== '000000')) throw new Error(`kit setup failed: ${codes.join(',')}`);
      for (const u of users) idp.users.set(u.userName, { userName: u.userName, name: String(u.name), role: String(u.role), organizationCode: String(u.orgCode) });
      return b;
    },
    async call(path, call = {}) {
      const cookies = [call.session !== undefined ? `kg_session=${call.session}` : '', call.cookieHeader ?? ''].filter((c) => c !== '').join('; ');
      const headers: Record<string, string> = {
        accept: call.json ? 'application/json' : 'text/html,application/xhtml+xml,*/*;q=0.8',
        ...(cookies ? { cookie: cookies } : {}),
        ...call.headers,
      };
      const method = call.method ?? 'GET';
      const fn = path.startsWith('/sso/logout') ? logout : login;
      const res = await invoke(fn, {
        httpMethod: method,
        path,
        headers,
        queryStringParameters: call.query ?? {},
        body: '',
        isBase64Encoded: true,
        requestContext: { requestId: randomUUID() },
      });
      answers.push(`${res.statusCode}\n${JSON.stringify(res.headers)}\n${res.body}`);
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.body,
        ...(res.headers.Location !== undefined ? { location: res.headers.Location } : {}),
        ...(res.headers['Set-Cookie'] !== undefined ? { setCookie: res.headers['Set-Cookie'] } : {}),
        json: () => JSON.parse(res.body) as Record<string, unknown>,
      };
    },
    async login(b, userName) {
      const res = await h.call('/sso/callback', { query: { code: idp.issueCode(b.tenantId, userName), tenant: b.tenantId } });
      const id = /^kg_session=([A-Za-z0-9_-]{43});/.exec(res.setCookie ?? '')?.[1];
      if (res.status !== 302 || !id) throw new Error(`login failed: ${res.status} ${res.body.slice(0, 200)}`);
      return id;
    },
  };
  return h;
}

/** The session ids of Set-Cookie headers in `answers`, for "never logged" checks. */
export function sessionIdsIn(answers: readonly string[]): string[] {
  return answers.flatMap((a) => [...a.matchAll(/kg_session=([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!));
}
