/**
 * Provisioning slower than the budget: newInstance answers 000004 with the instanceId, queryInstance
 * answers 000004 until it is done, and provision-worker takes over when the first attempt's lease ends
 * without a result (a crashed invocation).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/platform/config';
import { buildDeps } from '../../support/handlers';
import { createProduceHandler } from '../../support/handlers';
import { runProvisionWorker } from '../../../shared/basic/worker';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import type { Provisioner } from '../../../shared/provisioning/Provisioner';
import { startRedis } from '../../support/redis';
import { countingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';
const poll = async <T>(fn: () => Promise<T>, done: (v: T) => boolean, tries = 100): Promise<T> => {
  let v = await fn();
  for (let i = 0; i < tries && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
};

describe('asynchronous provisioning', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let store: Store;
  let settings: Record<string, string>;

  beforeAll(async () => {
    redis = await startRedis();
    settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url, KG_PROVISION_BUDGET_MS: '100', KG_PROVISION_LEASE_MS: '600' };
    store = createStore(loadConfig((k) => settings[k]), { allowMemory: false });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('answers 000004 while provisioning runs, then 000000 once the late result is stored', async () => {
    const provisioner = countingProvisioner(800);
    const handler = createProduceHandler({ settings, store, provisioner });
    const line = orderIds();
    const created = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...line }));
    expect(created.json.resultCode).toBe('000004');
    const instanceId = created.json.instanceId as string;
    expect(instanceId).toMatch(/^[0-9a-f]{32}$/);
    const retry = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...line }));
    expect(retry.json).toMatchObject({ resultCode: '000004', instanceId });
    const query = await invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId }));
    expect(query.json.resultCode).toBe('000004');

    const done = await poll(() => invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId })), (a) => a.json.resultCode === '000000');
    expect(done.json.resultCode).toBe('000000');
    expect(provisioner.calls.provision).toBe(1);
    const after = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'c', ...line }));
    expect(after.json).toMatchObject({ resultCode: '000000', instanceId });
  });

  it('lets provision-worker take over a job whose first attempt never finished', async () => {
    const hung: Provisioner = { ...countingProvisioner(), name: 'hung', provision: () => new Promise(() => {}) };
    const crashed = createProduceHandler({ settings, store, provisioner: hung });
    const line = orderIds();
    const created = await invoke(crashed, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...line }));
    expect(created.json.resultCode).toBe('000004');
    const instanceId = created.json.instanceId as string;
    expect((await store.listJobs()).map((j) => j.instanceId)).toContain(instanceId);

    const healthy = countingProvisioner();
    const workerDeps = { ...buildDeps(undefined, { settings, store, provisioner: healthy }), leaseOwner: 'worker-2' };
    const report = await poll(() => runProvisionWorker(workerDeps), (r) => r.results[instanceId] === '000000', 50);
    expect(report.results[instanceId]).toBe('000000');
    expect(healthy.calls.provision).toBe(1);
    expect((await store.listJobs()).map((j) => j.instanceId)).not.toContain(instanceId);

    const handler = createProduceHandler({ settings, store, provisioner: healthy });
    const query = await invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId }));
    expect(query.json.resultCode).toBe('000000');
    const info = (query.json.info as Array<{ appInfo: { password: string } }>)[0]!;
    expect(info.appInfo.password).toBe(healthy.provisioned.get(instanceId)!.password);
  });

  it('aborts the provisioner signal when the attempt lease ends, so a takeover never runs beside it', async () => {
    let signal: AbortSignal | undefined;
    const slow: Provisioner = {
      ...countingProvisioner(),
      name: 'slow',
      provision: (req) => { signal = req.signal; return new Promise(() => {}); },
    };
    const handler = createProduceHandler({ settings, store, provisioner: slow });
    const created = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...orderIds() }));
    expect(created.json.resultCode).toBe('000004');
    expect(signal?.aborted).toBe(false);
    const aborted = await poll(async () => signal?.aborted === true, (v) => v, 50);
    expect(aborted).toBe(true);
  });
});
