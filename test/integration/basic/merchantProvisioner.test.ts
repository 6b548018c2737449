/**
 * `defineMerchant({ provisioner })` wires one custom provisioner into every function: `produce` calls it
 * for newInstance, and `provision-worker` (built from the same merchant) calls it to finish what answered
 * `000004`. The settings name the `http` provisioner without its URL, so a function that fell back to the
 * configured provisioner could not start: the custom one is the only one that can answer.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineMerchant, produceHandler, provisionWorkerHandler } from '../../../shared';
import { loadConfig } from '../../../shared/platform/config';
import { localContext } from '../../../shared/platform/context';
import { createStore } from '../../../shared/store/createStore';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import type { Store } from '../../../shared/store/Store';
import { finishWithWorker, leaseOutlivingProvisioner } from '../../support/leaseOutlivingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { startRedis, type RedisServer } from '../../support/redis';

const KEY = 'merchant-provisioner-key-0001';
const BUDGET_MS = 100;
const LEASE_MS = 600;

interface Target {
  name: string;
  open(): Promise<Store>;
  close(): Promise<void>;
}

function targets(): Target[] {
  let redis: RedisServer | undefined;
  let store: Store | undefined;
  return [
    { name: 'MemoryStore', open: async () => new MemoryStore(), close: async () => {} },
    {
      name: 'RedisStore (real redis-server)',
      open: async () => {
        redis = await startRedis();
        store = createStore(loadConfig((k) => (k === 'KG_REDIS_URL' ? redis!.url : undefined)), { allowMemory: false });
        return store;
      },
      close: async () => {
        await store?.close();
        await redis?.stop();
      },
    },
  ];
}

describe.each(targets())('a custom provisioner given to defineMerchant, on $name', (target) => {
  let store: Store;
  let settings: Record<string, string>;

  beforeAll(async () => {
    store = await target.open();
    settings = {
      KG_ACCESS_KEY: KEY,
      KG_DATA_KEY: randomBytes(32).toString('base64'),
      // The configured fallback cannot be built (no KG_PROVISIONER_URL): only the merchant's provisioner works.
      KG_PROVISIONER: 'http',
      KG_PROVISION_BUDGET_MS: String(BUDGET_MS),
      KG_PROVISION_LEASE_MS: String(LEASE_MS),
    };
  });
  afterAll(async () => {
    await target.close();
  });

  it('cannot run on these settings without it (the control: no silent fallback)', async () => {
    const merchant = defineMerchant({}, { settings, store });
    const answer = await invoke(produceHandler(merchant), v2Event(KEY, { activity: 'newInstance', businessId: 'b0', ...orderIds() }));
    expect(answer.json).toEqual({ resultCode: '000005', resultMsg: 'other inner error' });
    const report = await provisionWorkerHandler(merchant)({ instanceId: 'a'.repeat(32) }, localContext());
    expect(report).toEqual({ error: 'ConfigError' });
  });

  it('is the provisioner produce calls and the one provision-worker calls to finish a 000004', async () => {
    const provisioner = leaseOutlivingProvisioner({ name: 'custom-saas', laterDelayMs: BUDGET_MS * 2 });
    const merchant = defineMerchant({ provisioner }, { settings, store });
    const produce = produceHandler(merchant);
    const worker = provisionWorkerHandler(merchant);
    const line = orderIds();

    provisioner.phase = 'produce';
    const created = await invoke(produce, v2Event(KEY, { activity: 'newInstance', businessId: 'b1', ...line }));
    expect(created.status).toBe(200);
    expect(created.json.resultCode).toBe('000004');
    const instanceId = created.json.instanceId as string;
    expect(instanceId).toMatch(/^[0-9a-f]{32}$/);
    expect(provisioner.calls).toEqual([expect.objectContaining({ step: 'provision', instanceId, phase: 'produce' })]);
    expect((await store.listJobs()).map((j) => j.instanceId)).toContain(instanceId);

    provisioner.phase = 'worker';
    const report = await finishWithWorker(worker, provisioner, instanceId);
    expect(report).toMatchObject({ claimed: 1, results: { [instanceId]: '000000' } });
    expect(provisioner.calls.map((c) => [c.step, c.instanceId, c.phase])).toEqual([
      ['provision', instanceId, 'produce'],
      ['provision', instanceId, 'worker'],
    ]);
    expect(provisioner.calls[0]?.signal?.aborted).toBe(true);
    expect(provisioner.calls[1]?.signal?.aborted).toBe(false);
    expect((await store.listJobs()).map((j) => j.instanceId)).not.toContain(instanceId);

    // What the worker's call returned is what the marketplace now gets.
    provisioner.phase = 'after';
    const app = provisioner.apps.get(instanceId)!;
    const retry = await invoke(produce, v2Event(KEY, { activity: 'newInstance', businessId: 'b2', ...line }));
    expect(retry.json).toMatchObject({ resultCode: '000000', instanceId, appInfo: { frontEndUrl: app.frontEndUrl } });
    const query = await invoke(produce, v2Event(KEY, { activity: 'queryInstance', instanceId }));
    expect(query.json.resultCode).toBe('000000');
    expect((query.json.info as Array<{ appInfo: Record<string, string> }>)[0]?.appInfo).toMatchObject({
      frontEndUrl: app.frontEndUrl, userName: app.userName, password: app.password,
    });
    expect(provisioner.calls).toHaveLength(2);
  });

  it('is the provisioner produce calls for the other activities too', async () => {
    const provisioner = leaseOutlivingProvisioner({ name: 'custom-saas-2', laterDelayMs: 0 });
    const merchant = defineMerchant({ provisioner }, { settings, store });
    const produce = produceHandler(merchant);
    provisioner.phase = 'produce';
    const created = await invoke(produce, v2Event(KEY, { activity: 'newInstance', businessId: 'b1', ...orderIds() }));
    const instanceId = created.json.instanceId as string;
    await finishWithWorker(provisionWorkerHandler(merchant), provisioner, instanceId);
    const freeze = await invoke(produce, v2Event(KEY, { activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }));
    expect(freeze.json.resultCode).toBe('000000');
    const release = await invoke(produce, v2Event(KEY, { activity: 'releaseInstance', instanceId }));
    expect(release.json.resultCode).toBe('000000');
    expect(provisioner.calls.map((c) => c.step)).toEqual(['provision', 'provision', 'freeze', 'release']);
  });
});
