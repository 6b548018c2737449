/**
 * The ops-watch integration harness (not a test file): a Redis store, the webhook receiver and the fake SMN,
 * the settings that point the sinks at them, `produce` built with an injected clock, and one watch run on that
 * clock with a fresh store-unreachable file per test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { runWatch, type WatchDeps, type WatchOptions, type WatchReport } from '../../../shared/ops/watch';
import { buildWatchDeps } from '../../../shared/ops/watchDeps';
import { loadConfig } from '../../../shared/platform/config';
import { silentLogger } from '../../../shared/platform/logger';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { startRedis, type RedisServer } from '../../support/redis';
import { SMN_TOPIC, startFakeSmn, startWebhookReceiver, warmSmnSigner, type Receiver } from './receivers';

export const KEY = 'ops-it-access-key-0001';
export const WEBHOOK_SECRET = `whsec-${randomBytes(8).toString('hex')}`;
export const SMN_AK = `SMNAK${randomBytes(4).toString('hex').toUpperCase()}`;
export const SMN_SK = `smn-sk-${randomBytes(8).toString('hex')}`;
/** Short sends: 3 attempts of at most 400 ms. */
export const FAST = { attempts: 3, timeoutMs: 400, backoffMs: [20, 50] };

export interface OpsHarness {
  readonly redis: RedisServer;
  readonly store: Store;
  readonly webhook: Receiver;
  readonly smn: Receiver;
  readonly settings: Record<string, string>;
  /** The file of store-unreachable for the current test. */
  readonly statePath: string;
  /** The clock of the watch (and of `produce`, when a test builds it with `clock`). */
  now: number;
  clock: () => number;
  deps(extra?: Partial<WatchDeps>): WatchDeps;
  watch(options?: WatchOptions, extra?: Partial<WatchDeps>): Promise<WatchReport>;
}

/** Registers the harness in the calling `describe`: Redis and both receivers for the file, a clean slate per test. */
export function opsHarness(extraSettings: Record<string, string> = {}): OpsHarness {
  let redis: RedisServer | undefined;
  let store: Store | undefined;
  let webhook: Receiver | undefined;
  let smn: Receiver | undefined;
  let settings: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'kg-ops-it-'));
  let statePath = '';
  let test = 0;
  const h: OpsHarness = {
    get redis() { return redis!; },
    get store() { return store!; },
    get webhook() { return webhook!; },
    get smn() { return smn!; },
    get settings() { return settings; },
    get statePath() { return statePath; },
    now: Date.now(),
    clock: () => h.now,
    deps: (extra = {}) => ({ ...buildWatchDeps(loadConfig((k) => settings[k]), store!, silentLogger, { clock: h.clock, localStatePath: statePath, sendPolicy: FAST }).deps, ...extra }),
    watch: (options = {}, extra = {}) => runWatch(h.deps(extra), h.now, { reconcile: 'off', ...options }),
  };
  beforeAll(async () => {
    [redis, webhook, smn] = await Promise.all([startRedis(), startWebhookReceiver(WEBHOOK_SECRET), startFakeSmn(SMN_AK, SMN_SK)]);
    await warmSmnSigner();
    settings = {
      KG_ACCESS_KEY: KEY,
      KG_DATA_KEY: randomBytes(32).toString('base64'),
      KG_REDIS_URL: redis.url,
      KG_ALERT_WEBHOOK: `${webhook.url}/kg-alerts?token=tok-${randomBytes(4).toString('hex')}`,
      KG_ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      KG_ALERT_SMN_TOPIC: SMN_TOPIC,
      KG_ALERT_SMN_ENDPOINT: smn.url,
      KG_ALERT_SMN_AK: SMN_AK,
      KG_ALERT_SMN_SK: SMN_SK,
      ...extraSettings,
    };
    store = createStore(loadConfig((k) => settings[k]));
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await Promise.all([webhook?.close(), smn?.close()]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await redis!.flush();
    for (const r of [webhook!, smn!]) {
      r.taken.length = 0;
      r.requests = 0;
      r.mode = 'ok';
      r.failNext = 0;
    }
    statePath = join(dir, `state-${++test}.json`);
    h.now = Date.now();
  });
  return h;
}

/**
 * Points TMPDIR at a directory of the calling file's own from its `beforeAll` on, and back (the directory
 * removed) in its `afterAll`: the local server and `kg watch` keep store-unreachable under the temporary directory.
 */
export function useOwnTmpdir(prefix: string): void {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const saved = process.env.TMPDIR;
  beforeAll(() => { process.env.TMPDIR = tmp; });
  afterAll(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  });
}

/** `state id` lines both sinks took, checked equal and every one verified. */
export function delivered(h: OpsHarness): string[] {
  const web = h.webhook.log();
  if (JSON.stringify(web) !== JSON.stringify(h.smn.log())) throw new Error(`the sinks disagree: webhook ${JSON.stringify(web)}, smn ${JSON.stringify(h.smn.log())}`);
  if (![...h.webhook.taken, ...h.smn.taken].every((a) => a.verified)) throw new Error('an alert was taken unverified');
  return web;
}
