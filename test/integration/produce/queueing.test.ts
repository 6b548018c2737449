/**
 * Handing a slow newInstance to provision-worker survives a store failure between its two writes: the
 * job goes in before the record is marked queued, so a record marked queued always has its job, and
 * one that is not marked is re-queued by queryInstance once its lease has ended.
 */
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveInstanceId } from '../../../shared/lifecycle/instanceId';
import { buildDeps } from '../../support/handlers';
import { createProduceHandler } from '../../support/handlers';
import { runProvisionWorker } from '../../../shared/basic/worker';
import type { Provisioner } from '../../../shared/provisioning/Provisioner';
import { StoreUnavailableError } from '../../../shared/core/errors';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import type { Store } from '../../../shared/store/Store';
import { countingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';
const LEASE_MS = 60_000;

/** The real MemoryStore, except that the next `enqueueJob` fails as an unreachable Redis would. */
function storeFailingOneEnqueue(inner: MemoryStore): Store {
  let fail = true;
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'enqueueJob' && fail) {
        return async () => {
          fail = false;
          throw new StoreUnavailableError('store enqueueJob failed');
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('queueing a newInstance that outlives its budget', () => {
  it('leaves the order line to provision-worker after the job could not be queued', async () => {
    let now = Date.now();
    const clock = () => now;
    const store = storeFailingOneEnqueue(new MemoryStore({ now: clock }));
    const settings = {
      KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'),
      KG_PROVISION_BUDGET_MS: '20', KG_PROVISION_LEASE_MS: String(LEASE_MS),
    };
    const hung: Provisioner = { ...countingProvisioner(), name: 'hung', provision: () => new Promise(() => {}) };
    const handler = createProduceHandler({ settings, store, provisioner: hung, clock });
    const line = orderIds();
    const instanceId = deriveInstanceId(line.orderId, line.orderLineId);

    const created = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...line }));
    expect(created.json.resultCode).toBe('000005');

    now += LEASE_MS + 1;
    const query = await invoke(handler, v2Event(KEY, { activity: 'queryInstance', instanceId }, { timestamp: String(now) }));
    expect(query.json.resultCode).toBe('000004');

    const healthy = countingProvisioner();
    const worker = { ...buildDeps(undefined, { settings, store, provisioner: healthy, clock }), leaseOwner: 'worker-2' };
    const report = await runProvisionWorker(worker);
    expect(report.results[instanceId]).toBe('000000');
    expect(healthy.calls.provision).toBe(1);
    const [stored] = await store.read<InstanceRecord>([instanceId]);
    expect(stored?.record?.status).toBe('ACTIVE');
  });
});

