/**
 * usage-push end to end on real Redis against the fake open API (its own AK/SK, body-signature and record
 * checks): 10,000 records over 20 instances reported through POST /usage, a pusher process SIGKILLed in the
 * middle of a batch, then two pushers at once while the fake injects MKT.0250, HTTP 500 and timeouts.
 * Every valid record must end in the fake's ledger exactly once by metering_sn, every invalid one in our
 * dead letters with its reason, nothing lost, no push over 1,000 records. And two push runs at once (two
 * processes; two connections on a Redis Cluster) never send one record twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { createOpenApiClient } from '../../../shared/marketplace/openApiClient';
import { localContext } from '../../../shared/platform/context';
import { loadConfig } from '../../../shared/platform/config';
import { silentLogger } from '../../../shared/platform/logger';
import { createStore } from '../../../shared/store/createStore';
import { instanceTag } from '../../../shared/store/keys';
import type { Store } from '../../../shared/store/Store';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import { createUsageIngestHandler } from '../../../shared/usage/ingestHandler';
import { signUsageIngest } from '../../../shared/usage/ingestSignature';
import { EXPIRED_CODE, runUsagePush, type UsagePushReport } from '../../../shared/usage/push';
import { defaultMeteringSn, wireTime } from '../../../shared/usage/record';
import { eventually, sleep, startRedis, startRedisCluster, type RedisClusterHandle, type RedisServer } from '../../support/redis';

const ROOT = resolve(__dirname, '../../..');
const KG = resolve(ROOT, 'bin/kg.cjs');
const AK = 'AK-push-test';
const SK = 'SK-push-test-secret';
const BODY_KEY = 'basic-key-push-test';
const INGEST_KEY = 'ingest-key-push-test';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** The pushers' per-attempt limit (ms): a batch lease is then 4 x 1 s + 3 s of pauses + 10 s = 17 s. */
const TIMEOUT_MS = 1000;

interface Dataset {
  /** Every record as reported. */
  records: Array<Record<string, unknown>>;
  /** meteringSn of each record, by index. */
  sns: string[];
  valid: Set<string>;
  expired: Set<string>;
  rejected: Set<string>;
  unknownInstance: Set<string>;
}

function instanceIds(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => `inst-${tag}-${String(i).padStart(2, '0')}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * 19 instances with 525 half-hour records each and one instance the marketplace does not know with 25:
 * 10,000 records. Of the known ones, 50 begin 21 days minus 10 minutes before `ingestAt` (valid when reported,
 * past the window an hour later when pushed) and 50 carry an sn the fake refuses (MKT.9002).
 */
function dataset(ids: string[], ingestAt: number): Dataset {
  const d: Dataset = { records: [], sns: [], valid: new Set(), expired: new Set(), rejected: new Set(), unknownInstance: new Set() };
  const base = Math.floor(ingestAt / (30 * MIN)) * 30 * MIN;
  ids.forEach((instanceId, i) => {
    const count = i === 19 ? 25 : 525;
    for (let k = 0; k < count; k++) {
      let begin = base - (k + 1) * 30 * MIN;
      let kind: 'valid' | 'expired' | 'rejected' | 'unknown' = i === 19 ? 'unknown' : 'valid';
      if (i < 10 && k >= 520) {
        begin = ingestAt - 21 * DAY + 10 * MIN + k * 1000;
        kind = 'expired';
      }
      const explicit = k % 3 === 0 || (i < 10 && k < 5);
      const sn = i < 10 && k < 5 ? `rej-${instanceId}-${k}` : explicit ? `sn-${instanceId}-${k}` : undefined;
      if (sn?.startsWith('rej-')) kind = 'rejected';
      const record: Record<string, unknown> = {
        instanceId, usageValue: k % 4 === 0 ? (k + 1) * 0.25 : k + 1, beginTime: iso(begin), endTime: iso(begin + 30 * MIN),
        ...(sn ? { meteringSn: sn } : {}), ...(k % 50 === 7 ? { relatePkgInstance: `pkg-${instanceId}` } : {}),
      };
      const finalSn = sn ?? defaultMeteringSn(instanceId, wireTime(begin), wireTime(begin + 30 * MIN), record.relatePkgInstance as string | undefined);
      d.records.push(record);
      d.sns.push(finalSn);
      ({ valid: d.valid, expired: d.expired, rejected: d.rejected, unknown: d.unknownInstance })[kind].add(finalSn);
    }
  });
  return d;
}

function instanceRecord(id: string): InstanceRecord {
  return { instanceId: id, orderId: `CS${id}`, orderLineId: `CS${id}-1`, protocol: 'v2', status: 'ACTIVE', createdAt: Date.now(), updatedAt: Date.now(), responses: {}, history: [] };
}

/** Reports `records` through POST /usage (the usage-ingest handler) as of `nowMs`, 2,500 per request. */
async function report(store: Store, records: Array<Record<string, unknown>>, nowMs: number): Promise<void> {
  const handler = createUsageIngestHandler({ settings: { KG_USAGE_INGEST_KEY: INGEST_KEY }, store, clock: () => nowMs });
  for (let i = 0; i < records.length; i += 2500) {
    const body = JSON.stringify(records.slice(i, i + 2500));
    const res = await handler({ httpMethod: 'POST', path: '/usage', headers: signUsageIngest(INGEST_KEY, body, nowMs), body, isBase64Encoded: false }, localContext());
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ stored: Math.min(2500, records.length - i), refused: [] });
  }
}

/** The environment of a `kg usage push` process. */
function pusherEnv(redis: Record<string, string>, fake: RunningFakeOpenApi): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KG_') && k !== 'PORT') env[k] = v;
  return {
    ...env, ...redis, KG_OPENAPI_ENDPOINT: fake.url, KG_OPENAPI_AK: AK, KG_OPENAPI_SK: SK, KG_ACCESS_KEY: BODY_KEY, KG_OPENAPI_TIMEOUT_MS: String(TIMEOUT_MS),
  };
}

function spawnPusher(env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [KG, 'usage', 'push', '--json'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, done };
}

/** A pusher in this process with its own connection. */
function pusher(store: Store) {
  return {
    ledger: usageLedgerFor(store),
    client: createOpenApiClient({ endpoint: fakeUrl(), ak: AK, sk: SK, timeoutMs: TIMEOUT_MS }),
    bodyKey: BODY_KEY,
    clock: Date.now,
    logger: silentLogger,
  };
}

let fake: RunningFakeOpenApi;
const fakeUrl = () => fake.url;

beforeAll(async () => {
  fake = await startFakeOpenApi({ ak: AK, sk: SK, key: BODY_KEY, knownInstances: 'registered' });
});
afterAll(async () => {
  await fake?.close();
});

describe('usage-push', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('delivers 10,000 records over 20 instances exactly once through MKT.0250, 5xx, timeouts and a pusher killed mid-batch', async () => {
    fake.api.reset();
    await redis.flush();
    const ids = instanceIds(20, 'k');
    const config = loadConfig((k) => (k === 'KG_REDIS_URL' ? redis.url : undefined));
    const stores = [createStore(config), createStore(config), createStore(config)];
    const [main, a, b] = stores as [Store, Store, Store];
    try {
      for (const id of ids) await main.begin(instanceTag(id), { claim: instanceRecord(id) });
      fake.api.addInstances(ids.slice(0, 19));
      // Reported an hour ago: 50 records were inside the 21-day window then and are past it now.
      const ingestAt = Math.floor((Date.now() - HOUR) / 1000) * 1000;
      const data = dataset(ids, ingestAt);
      expect(data.records).toHaveLength(10_000);
      expect([data.valid.size, data.expired.size, data.rejected.size, data.unknownInstance.size]).toEqual([9875, 50, 50, 25]);
      fake.api.setFaults({ rejectSn: [...data.rejected] });
      await report(main, data.records, ingestAt);
      const ledger = usageLedgerFor(main);
      expect((await ledger.counts()).reduce((n, r) => n + r.pending, 0)).toBe(10_000);

      // 1. A pusher process is SIGKILLed while its first push is in flight (the fake took the batch and holds the answer).
      fake.api.setFaults({ timeouts: 1, timeoutMs: 30_000 });
      const killed = spawnPusher(pusherEnv({ KG_REDIS_URL: redis.url }, fake));
      await eventually(async () => fake.api.requestLog().some((e) => e.api === 'usage'), 60_000, 'the first push of the pusher process');
      killed.child.kill('SIGKILL');
      const end = await killed.done;
      expect(end.signal).toBe('SIGKILL');
      const firstPush = fake.api.requestLog().filter((e) => e.api === 'usage');
      expect(firstPush).toHaveLength(1);
      expect(firstPush[0]?.fault).toBe('timeout');
      // Nothing was marked pushed: the batch is leased to the dead process until its lease ends.
      expect((await ledger.counts()).reduce((n, r) => n + r.pushed, 0)).toBe(0);

      // 2. Two pushers at once, while the fake answers MKT.0250 three times, HTTP 500 twice and holds two answers past the timeout.
      fake.api.setFaults({ rate429: 3, http500: 2, timeouts: 2, timeoutMs: TIMEOUT_MS + 500 });
      const reports: UsagePushReport[] = [];
      const started = Date.now();
      for (;;) {
        reports.push(...(await Promise.all([runUsagePush(pusher(a)), runUsagePush(pusher(b))])));
        const pending = (await ledger.counts()).reduce((n, r) => n + r.pending, 0);
        if (pending === 0) break;
        expect(Date.now() - started, `${pending} records still pending`).toBeLessThan(90_000);
        await sleep(500);
      }

      // Every valid record accepted exactly once by metering_sn, nothing else.
      const got = fake.api.usage();
      const accepted = new Set(got.records.map((r) => r.metering_sn));
      expect(got.records).toHaveLength(accepted.size);
      expect([...data.valid].filter((sn) => !accepted.has(sn))).toEqual([]);
      expect([...accepted].filter((sn) => !data.valid.has(sn))).toEqual([]);
      expect(got.conflicts).toBe(0);
      // No push over 1,000 records, from the killed process or the others.
      expect(got.maxBatch).toBeLessThanOrEqual(1000);
      expect(Math.max(...reports.map((r) => r.largestBatch))).toBeLessThanOrEqual(1000);
      // The faults happened.
      expect(got.injected).toMatchObject({ rate429: 3, http500: 2, timeouts: 3 });
      expect(got.injected.rejectSn).toBeGreaterThanOrEqual(50);

      // Invalid ones dead-lettered with their reasons; the rest pushed; nothing pending or lost.
      const dead = await ledger.deadLetters({ limit: 10_000 });
      const byCode = (code: string) => new Set(dead.filter((d) => d.code === code).map((d) => d.usage.meteringSn));
      expect(byCode(EXPIRED_CODE)).toEqual(data.expired);
      expect(byCode('MKT.9002')).toEqual(data.rejected);
      expect(byCode('MKT.9001')).toEqual(data.unknownInstance);
      expect(dead).toHaveLength(125);
      expect(dead.every((d) => d.reason.length > 0)).toBe(true);
      expect(dead.find((d) => d.code === EXPIRED_CODE)?.reason).toContain('21 days');
      const totals = (await ledger.counts()).reduce((t, r) => ({ pending: t.pending + r.pending, pushed: t.pushed + r.pushed, dead: t.dead + r.dead }), { pending: 0, pushed: 0, dead: 0 });
      expect(totals).toEqual({ pending: 0, pushed: 9875, dead: 125 });
      const states = await ledger.lookup(data.sns);
      expect(states.filter((s) => s === null)).toHaveLength(0);

      // What the fake holds is what was reported.
      const byIndex = new Map(data.sns.map((sn, i) => [sn, data.records[i]!]));
      for (const r of got.records.filter((_, i) => i % 97 === 0)) {
        const sent = byIndex.get(r.metering_sn)!;
        expect(Number(r.usage_value)).toBe(sent.usageValue);
        expect([r.instance_id, r.begin_time, r.end_time, r.relate_pkg_instance]).toEqual([sent.instanceId, wireTime(Date.parse(sent.beginTime as string)), wireTime(Date.parse(sent.endTime as string)), sent.relatePkgInstance]);
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 240_000);

  it('two `kg usage push` processes at once send no record twice', async () => {
    fake.api.reset();
    await redis.flush();
    const ids = instanceIds(20, 'p');
    const config = loadConfig((k) => (k === 'KG_REDIS_URL' ? redis.url : undefined));
    const store = createStore(config);
    try {
      for (const id of ids) await store.begin(instanceTag(id), { claim: instanceRecord(id) });
      fake.api.knownInstances = 'any';
      const now = Math.floor(Date.now() / 1000) * 1000;
      const records = ids.flatMap((instanceId) => Array.from({ length: 500 }, (_, k) => ({ instanceId, usageValue: k + 1, beginTime: iso(now - (k + 2) * HOUR), endTime: iso(now - (k + 1) * HOUR) })));
      await report(store, records, now);
      const env = pusherEnv({ KG_REDIS_URL: redis.url }, fake);
      const runs = await Promise.all([spawnPusher(env).done, spawnPusher(env).done]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const [ra, rb] = runs.map((r) => JSON.parse(r.stdout) as UsagePushReport) as [UsagePushReport, UsagePushReport];
      const got = fake.api.usage();
      expect(got.accepted).toBe(10_000);
      expect(got.duplicates).toBe(0);
      expect(ra.pushed + rb.pushed).toBe(10_000);
      expect(got.maxBatch).toBeLessThanOrEqual(1000);
      expect(got.requests.usage).toBe(ra.requests + rb.requests);
      // Both really ran at once: each sent some of the batches.
      expect(ra.pushed).toBeGreaterThan(0);
      expect(rb.pushed).toBeGreaterThan(0);
    } finally {
      fake.api.knownInstances = 'registered';
      await store.close();
    }
  }, 120_000);
});

describe('usage-push on a 3-master Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('two pushers at once (two connections) send no record twice, 3,000 records over 20 instances', async () => {
    fake.api.reset();
    fake.api.knownInstances = 'any';
    const config = loadConfig((k) => (k === 'KG_REDIS_CLUSTER_NODES' ? cluster.seeds : undefined));
    const stores = [createStore(config), createStore(config)] as [Store, Store];
    try {
      const ids = instanceIds(20, 'c');
      for (const id of ids) await stores[0].begin(instanceTag(id), { claim: instanceRecord(id) });
      const now = Math.floor(Date.now() / 1000) * 1000;
      await report(stores[0], ids.flatMap((instanceId) => Array.from({ length: 150 }, (_, k) => ({ instanceId, usageValue: 1, beginTime: iso(now - (k + 2) * HOUR), endTime: iso(now - (k + 1) * HOUR) }))), now);
      const [ra, rb] = await Promise.all(stores.map((s) => runUsagePush(pusher(s), { batchSize: 100 })));
      const got = fake.api.usage();
      expect(got).toMatchObject({ accepted: 3000, duplicates: 0 });
      expect(ra!.pushed + rb!.pushed).toBe(3000);
      expect(ra!.pushed).toBeGreaterThan(0);
      expect(rb!.pushed).toBeGreaterThan(0);
    } finally {
      fake.api.knownInstances = 'registered';
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 120_000);
});
