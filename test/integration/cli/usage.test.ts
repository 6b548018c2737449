/**
 * `kg usage record|push|status|dead-letters|requeue` and `kg order` against a real Redis and the fake open API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../infra/cli/main';
import type { CliIo } from '../../../infra/cli/command';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { loadConfig } from '../../../shared/platform/config';
import { createStore } from '../../../shared/store/createStore';
import { instanceTag } from '../../../shared/store/keys';
import { startRedis, type RedisServer } from '../../support/redis';

const AK = 'AK-cli';
const SK = 'SK-cli-secret-value';
const KEY = 'cli-basic-key';
const HOUR = 3_600_000;
const h = Math.floor(Date.now() / HOUR) * HOUR;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function io(env: NodeJS.ProcessEnv, stdin = ''): CliIo & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', env, readStdin: async () => Buffer.from(stdin), out: (t: string) => { o.stdout += t; }, err: (t: string) => { o.stderr += t; } };
  return o;
}

let redis: RedisServer;
let fake: RunningFakeOpenApi;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  [redis, fake] = await Promise.all([startRedis({ appendonly: false }), startFakeOpenApi({ ak: AK, sk: SK, key: KEY, knownInstances: 'registered' })]);
  env = { KG_REDIS_URL: redis.url, KG_OPENAPI_ENDPOINT: fake.url, KG_OPENAPI_AK: AK, KG_OPENAPI_SK: SK, KG_ACCESS_KEY: KEY };
  const store = createStore(loadConfig((k) => env[k]));
  for (const id of ['cli-a', 'cli-b']) {
    const record: InstanceRecord = { instanceId: id, orderId: `CS${id}`, orderLineId: `CS${id}-1`, protocol: 'v2', status: 'ACTIVE', createdAt: 1, updatedAt: 1, responses: {}, history: [] };
    await store.begin(instanceTag(id), { claim: record });
  }
  await store.close();
  fake.api.addInstances(['cli-a']);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), fake?.close()]);
});

describe('kg usage', () => {
  it('walks record -> status -> push -> dead-letters -> requeue', async () => {
    const records = [
      { instanceId: 'cli-a', usageValue: 2, beginTime: iso(h - 2 * HOUR), endTime: iso(h - HOUR), meteringSn: 'cli-sn-1' },
      { instanceId: 'cli-a', usageValue: '0.5', beginTime: iso(h - HOUR), endTime: iso(h) },
      { instanceId: 'cli-b', usageValue: 1, beginTime: iso(h - HOUR), endTime: iso(h), meteringSn: 'cli-sn-b' },
    ];
    const bad = [...records, { instanceId: 'nope', usageValue: 1, beginTime: iso(h - HOUR), endTime: iso(h) }];
    const refused = io(env, JSON.stringify(bad));
    expect(await main(['usage', 'record', '--file', '-'], refused)).toBe(1);
    expect(refused.stdout).toContain('stored 3, duplicates 0, refused 1 of 4');
    expect(refused.stdout).toMatch(/refused #3 \([0-9a-f]{32}\): instanceId: no such instance/);

    const again = io(env, JSON.stringify({ records }));
    expect(await main(['usage', 'record', '--file', '-'], again)).toBe(0);
    expect(again.stdout).toContain('stored 0, duplicates 3, refused 0 of 3');

    const status = io(env);
    expect(await main(['usage', 'status'], status)).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`cli-a\\s+${iso(h - 2 * HOUR).slice(0, 13)}:00Z\\s+1\\s+0\\s+0`));
    expect(status.stdout).toMatch(/total\s+3\s+0\s+0/);

    const dry = io(env);
    expect(await main(['usage', 'push', '--dry-run'], dry)).toBe(0);
    expect(dry.stdout).toContain('dry run: 3 records due, 0 past the 21-day window');
    expect(fake.api.usage().requests.usage).toBe(0);

    const push = io(env);
    expect(await main(['usage', 'push', '--json'], push)).toBe(0);
    expect(JSON.parse(push.stdout)).toMatchObject({ pushed: 2, deadLettered: 1 });
    expect(fake.api.usage().records.map((r) => r.metering_sn).sort()).toEqual(expect.arrayContaining(['cli-sn-1']));

    const dead = io(env);
    expect(await main(['usage', 'dead-letters'], dead)).toBe(0);
    expect(dead.stdout).toMatch(/MKT\.9001\s+cli-sn-b\s+cli-b\s+\S+Z\.\.\S+Z\s+1\s+/);

    const json = io(env);
    expect(await main(['usage', 'status', '--json', '--instance', 'cli-b'], json)).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{ instanceId: 'cli-b', hour: iso(h - HOUR).replace(/\D/g, '').slice(0, 10), pending: 0, pushed: 0, dead: 1 }]);

    fake.api.addInstances(['cli-b']);
    const requeue = io(env);
    expect(await main(['usage', 'requeue', 'cli-sn-b'], requeue)).toBe(0);
    expect(requeue.stdout).toContain('requeued 1 of 1');
    expect(await main(['usage', 'push'], io(env))).toBe(0);
    expect(fake.api.usage().records.map((r) => r.metering_sn)).toContain('cli-sn-b');
    const after = io(env);
    await main(['usage', 'status'], after);
    expect(after.stdout).toMatch(/total\s+0\s+3\s+0/);
  });

  it('exits 1 and says why when the open API refuses the run (wrong body key)', async () => {
    const records = [{ instanceId: 'cli-a', usageValue: 9, beginTime: iso(h - 5 * HOUR), endTime: iso(h - 4 * HOUR) }];
    expect(await main(['usage', 'record', '--file', '-'], io(env, JSON.stringify(records)))).toBe(0);
    const out = io({ ...env, KG_ACCESS_KEY: 'not-the-bound-key' });
    expect(await main(['usage', 'push'], out)).toBe(1);
    expect(out.stdout).toContain('STOPPED: MKT.0102');
    expect(out.stderr).toContain('usage.push_stopped');
    expect(out.stdout + out.stderr).not.toContain(SK);
    expect(await main(['usage', 'push'], io(env))).toBe(0);
  });

  it.each([
    [['usage'], /missing sub-command/],
    [['usage', 'nope'], /unknown sub-command "nope"/],
    [['usage', 'record'], /missing --file/],
    [['usage', 'record', '--file', '/no/such/file'], /cannot read/],
    [['usage', 'requeue'], /name the metering_sn/],
    [['order'], /expected one order id/],
  ])('kg %j is a usage error (exit 2)', async (argv, message) => {
    const out = io(env);
    expect(await main(argv, out)).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it('refuses a file that is not a list of records', async () => {
    const out = io(env, '{"instanceId":"x"}');
    expect(await main(['usage', 'record', '--file', '-'], out)).toBe(2);
    expect(out.stderr).toContain('expected a JSON array of records');
  });
});

describe('kg order', () => {
  it('prints an order with its lines, or JSON', async () => {
    const out = io(env);
    expect(await main(['order', 'MOCKPERIODYEARNEW'], out)).toBe(0);
    expect(out.stdout).toBe('order MOCKPERIODYEARNEW  type NEW  placed 2024-01-01 08:00:00 UTC\n  line MOCKPERIODYEARNEW-000001  PERIOD  1 year  expires 2025-01-01 15:59:59 UTC\n');
    const json = io(env);
    expect(await main(['order', 'MOCKONDEMAND', '--line', 'MOCKONDEMAND-000001', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ orderId: 'MOCKONDEMAND', orderLine: [{ chargingMode: 'ON_DEMAND' }] });
  });

  it('exits 1 with the marketplace code for an unknown order, and names a missing AK', async () => {
    const out = io(env);
    expect(await main(['order', 'CSNOSUCH'], out)).toBe(1);
    expect(out.stderr).toContain('MarketplaceNotFoundError MKT.9001');
    const noAk = io({ ...env, KG_OPENAPI_AK: '' });
    expect(await main(['order', 'MOCKONDEMAND'], noAk)).toBe(1);
    expect(noAk.stderr).toContain('missing setting KG_OPENAPI_AK');
  });
});
