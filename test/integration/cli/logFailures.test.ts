/**
 * `kg log` and `kg failures` read what the functions wrote to a real Redis.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../infra/cli/main';
import type { CliIo } from '../../../infra/cli/command';
import { parseSince } from '../../../infra/cli/commands/failures';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { startRedis, type RedisServer } from '../../support/redis';
import { countingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';

function io(env: NodeJS.ProcessEnv = {}): CliIo & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', env, readStdin: async () => Buffer.alloc(0), out: (t: string) => { o.stdout += t; }, err: (t: string) => { o.stderr += t; } };
  return o;
}

describe('kg log and kg failures', () => {
  let redis: RedisServer;
  let handler: Handler;
  let instanceId: string;
  let password: string;

  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    const provisioner = countingProvisioner();
    handler = createProduceHandler({ settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url }, provisioner });
    const line = orderIds();
    instanceId = (await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...line }))).json.instanceId as string;
    password = provisioner.provisioned.get(instanceId)!.password!;
    await invoke(handler, v2Event(KEY, { activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }));
    await invoke(handler, v2Event(KEY, { activity: 'releaseInstance', instanceId: 'never-created' }));
  });
  afterAll(async () => { await redis?.stop(); });

  it('kg log shows the state changes and every call, never the password', async () => {
    const out = io({ KG_REDIS_URL: redis.url });
    expect(await main(['log', instanceId], out)).toBe(0);
    expect(out.stdout).toContain(`${instanceId}: FROZEN`);
    expect(out.stdout).toMatch(/state .* newInstance .* PROVISIONING -> ACTIVE|state .* newInstance/);
    expect(out.stdout).toMatch(/call .* updateInstanceStatus .* 000000/);
    expect(out.stdout).not.toContain(password);
    const json = io();
    expect(await main(['log', instanceId, '--json', '--redis', redis.url], json)).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ instanceId, status: 'FROZEN' });
  });

  it('kg failures lists the 000003 with its activity, and filters by --since', async () => {
    const out = io({ KG_REDIS_URL: redis.url });
    expect(await main(['failures', '--since', '1h'], out)).toBe(0);
    expect(out.stdout).toMatch(/000003 +releaseInstance/);
    const later = io({ KG_REDIS_URL: redis.url });
    expect(await main(['failures', '--since', new Date(Date.now() + 60_000).toISOString()], later)).toBe(0);
    expect(later.stdout).toBe('no failures\n');
  });

  it.each([[['log'], 2], [['log', 'a', 'b'], 2], [['failures', '--since', 'yesterday-ish'], 2], [['failures', '--bogus'], 2]])('exits %j with %i on bad arguments', async (args, code) => {
    const out = io({ KG_REDIS_URL: redis.url });
    expect(await main(args, out)).toBe(code);
    expect(out.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('asks for Redis when none is configured', async () => {
    const out = io({});
    expect(await main(['failures'], out)).toBe(2);
    expect(out.stderr).toContain('KG_REDIS_URL');
  });

  it.each([['90m', 90 * 60_000], ['24h', 86_400_000], ['7d', 7 * 86_400_000]])('parseSince reads %s as a duration back from now', (text, ms) => {
    expect(parseSince(text, 1_000_000_000_000)).toBe(1_000_000_000_000 - ms);
  });
});
