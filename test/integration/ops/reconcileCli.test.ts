/**
 * `kg reconcile` against a spawned redis-server and the fake open API: a table or JSON, exit 0 when all is
 * well, 1 when something disagrees or a query failed, and no secret in what it prints.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../infra/cli/command';
import { command } from '../../../infra/cli/commands/reconcile';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi';
import { compact } from '../../support/compactTime';
import { countingProvisioner } from '../../support/countingProvisioner';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { startRedis, type RedisServer } from '../../support/redis';
import { captureIo } from '../../support/simulateCli';

const KEY = 'test-access-key-0001';
const AK = 'AK-reconcile-cli';
const SK = 'SK-reconcile-cli-very-secret';
const DAY = 24 * 3_600_000;

describe('kg reconcile', () => {
  let fake: RunningFakeOpenApi;
  let clean: RedisServer;
  let troubled: RedisServer;
  let unsubscribedId: string;
  let env: NodeJS.ProcessEnv;

  async function buy(handler: Handler, orderType: string, expireTime: string): Promise<string> {
    const line = orderIds('RCLI');
    fake.api.addOrder({ orderId: line.orderId, orderType, orderLine: [{ orderLineId: line.orderLineId, chargingMode: 'PERIOD', expireTime }] });
    const created = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...line }));
    expect(created.json.resultCode).toBe('000000');
    return created.json.instanceId as string;
  }

  beforeAll(async () => {
    fake = await startFakeOpenApi({ ak: AK, sk: SK, key: KEY });
    [clean, troubled] = await Promise.all([startRedis({ appendonly: false }), startRedis({ appendonly: false })]);
    const dataKey = randomBytes(32).toString('base64');
    const handlerOn = (redis: RedisServer) => createProduceHandler({ settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: dataKey, KG_REDIS_URL: redis.url }, provisioner: countingProvisioner() });
    const inFuture = compact(Date.now() + 200 * DAY);
    await buy(handlerOn(clean), 'NEW', inFuture);
    const troubledHandler = handlerOn(troubled);
    await buy(troubledHandler, 'NEW', inFuture);
    unsubscribedId = await buy(troubledHandler, 'UNSUBSCRIBE', inFuture);
    env = { KG_OPENAPI_AK: AK, KG_OPENAPI_SK: SK, KG_OPENAPI_ENDPOINT: fake.url };
  });

  afterAll(async () => {
    await Promise.allSettled([clean?.stop(), troubled?.stop()]);
    await fake?.close();
  });

  it('exits 0 and says so when every instance agrees with its order', async () => {
    const out = captureIo({ ...env, KG_REDIS_URL: clean.url });
    expect(await command.run([], out)).toBe(0);
    expect(out.stdout).toBe('checked 1 instance, 0 findings, 0 query errors\n');
  });

  it('prints a table of findings and exits 1', async () => {
    const out = captureIo(env);
    expect(await command.run(['--redis', troubled.url], out)).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KIND +INSTANCE +ORDER +DETAIL$/);
    expect(lines[1]).toMatch(new RegExp(`^order-unsubscribed-instance-live +${unsubscribedId} +RCLI\\w+ +the order's type is UNSUBSCRIBE, but the instance is ACTIVE$`));
    expect(lines.at(-1)).toBe('checked 2 instances, 1 finding, 0 query errors');
    expect(out.stdout + out.stderr).not.toContain(SK);
  });

  it('prints the report as JSON with --json', async () => {
    const out = captureIo({ ...env, KG_REDIS_URL: troubled.url });
    expect(await command.run(['--json'], out)).toBe(1);
    const report = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ checked: 2, errors: 0, findings: [{ kind: 'order-unsubscribed-instance-live', instanceId: unsubscribedId }] });
  });

  it('exits 1 with the error samples when the queries fail, without printing the secret key', async () => {
    const out = captureIo({ ...env, KG_OPENAPI_SK: 'a-wrong-secret-key', KG_REDIS_URL: clean.url });
    expect(await command.run([], out)).toBe(1);
    expect(out.stdout).toContain('checked 1 instance, 0 findings, 1 query error');
    expect(out.stdout).toMatch(/error: \w+: MarketplaceAuthError APIGW\.0301 \(HTTP 401\)/);
    expect(out.stdout + out.stderr).not.toContain('a-wrong-secret-key');
  });

  it('exits 1 and says it stopped early at --limit', async () => {
    const out = captureIo({ ...env, KG_REDIS_URL: troubled.url });
    expect(await command.run(['--limit', '1'], out)).toBe(1);
    expect(out.stdout).toContain('checked 1 instance');
    expect(out.stdout).toContain('stopped early (limit)');
  });

  it.each([[['--limit', '0']], [['--limit', 'x']], [['--bogus']], [['extra']]])('refuses %j as bad arguments', async (args) => {
    await expect(command.run(args, captureIo({ ...env, KG_REDIS_URL: clean.url }))).rejects.toBeInstanceOf(UsageError);
  });

  it('asks for Redis and for the open API keys', async () => {
    await expect(command.run([], captureIo(env))).rejects.toThrow(/KG_REDIS_URL/);
    await expect(command.run([], captureIo({ KG_REDIS_URL: clean.url }))).rejects.toThrow(/KG_OPENAPI_AK/);
  });
});
