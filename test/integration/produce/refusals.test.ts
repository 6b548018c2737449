/**
 * The provisioner's refusals and errors reach the marketplace with the documented codes, refusals of a
 * purchase are final for that order line, and an error changes nothing.
 */
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/platform/config';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { ProvisionerError } from '../../../shared/core/errors';
import type { ResultCode } from '../../../shared/core/resultCodes';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { countingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';

describe('produce with a provisioner that refuses or fails', () => {
  let store: Store;
  let handler: Handler;
  const refuse = { code: '000100' as ResultCode, failFreeze: false, allowChange: true };
  const call = (body: Record<string, unknown>) => invoke(handler, v2Event(KEY, body));

  beforeAll(() => {
    const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') };
    store = createStore(loadConfig((k) => settings[k as keyof typeof settings]), { allowMemory: true });
    const inner = countingProvisioner();
    handler = createProduceHandler({
      settings,
      store,
      provisioner: {
        ...inner,
        provision: async (req) => (req.orderId.startsWith('REFUSE') ? { refused: true, resultCode: refuse.code, resultMsg: `refused with ${refuse.code}` } : inner.provision(req)),
        upgrade: async () => ({ refused: true, resultCode: '000100', resultMsg: 'no capacity for the upgrade' }),
        freeze: async (r) => { if (refuse.failFreeze) throw new ProvisionerError('backend down'); return inner.freeze(r); },
        checkChange: async () => (refuse.allowChange ? { allowed: true } : { allowed: false, message: 'more users than the new plan allows' }),
      },
    });
  });

  it.each(['000100', '000101', '000102', '000103', '000104', '000105', '000106', '000107'] as ResultCode[])(
    'answers newInstance with the provisioner refusal %s and replays it on retries',
    async (code) => {
      refuse.code = code;
      const line = orderIds('REFUSE');
      const first = await call({ activity: 'newInstance', businessId: 'a', ...line });
      expect(first.json).toMatchObject({ resultCode: code, resultMsg: `refused with ${code}` });
      expect(first.json.instanceId).toMatch(/^[0-9a-f]{32}$/);
      const retry = await call({ activity: 'newInstance', businessId: 'b', ...line });
      expect(retry.raw).toBe(first.raw);
      const [failure] = await store.listFailures({ limit: 1 });
      expect(failure).toMatchObject({ resultCode: code, activity: 'newInstance', orderId: line.orderId });
    },
  );

  it('answers an upgrade without capacity with 000100 and keeps the instance as it was', async () => {
    const created = await call({ activity: 'newInstance', businessId: 'a', ...orderIds() });
    const instanceId = created.json.instanceId as string;
    const [before] = await store.read<InstanceRecord>([instanceId]);
    const answer = await call({ activity: 'upgradeInstance', instanceId, orderId: 'U1', orderLineId: 'U1-1' });
    expect(answer.json).toMatchObject({ resultCode: '000100', resultMsg: 'no capacity for the upgrade' });
    const [after] = await store.read<InstanceRecord>([instanceId]);
    expect(after!.version).toBe(before!.version);
  });

  it('answers a refused renewal change with 000100 and the provisioner message', async () => {
    const created = await call({ activity: 'newInstance', businessId: 'a', ...orderIds() });
    refuse.allowChange = false;
    const answer = await call({ activity: 'changeInstanceCheck', instanceId: created.json.instanceId, productInfo: { productId: 'p', skuCode: 'small', productName: 'Small' } });
    refuse.allowChange = true;
    expect(answer.json).toMatchObject({ resultCode: '000100', resultMsg: 'more users than the new plan allows' });
  });

  it('answers 000005 when the provisioner fails a freeze, changes nothing, and succeeds on the retry', async () => {
    const created = await call({ activity: 'newInstance', businessId: 'a', ...orderIds() });
    const instanceId = created.json.instanceId as string;
    refuse.failFreeze = true;
    const failed = await call({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' });
    expect(failed.json).toMatchObject({ resultCode: '000005', resultMsg: 'other inner error' });
    expect((await store.read<InstanceRecord>([instanceId]))[0]!.record!.status).toBe('ACTIVE');
    refuse.failFreeze = false;
    const retried = await call({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' });
    expect(retried.json.resultCode).toBe('000000');
    expect((await store.read<InstanceRecord>([instanceId]))[0]!.record!.status).toBe('FROZEN');
  });
});

describe('produce with a provisioner slower than the newInstance budget', () => {
  it('still completes freeze, unfreeze and renewals: the budget applies only to newInstance', async () => {
    const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_PROVISION_BUDGET_MS: '20', KG_PROVISIONER_TIMEOUT_MS: '2000' };
    const inner = countingProvisioner();
    const slow = <T>(f: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => f().then(resolve, reject), 150));
    const handler = createProduceHandler({
      settings,
      allowMemoryStore: true,
      provisioner: { ...inner, freeze: (r) => slow(() => inner.freeze(r)), unfreeze: (r) => slow(() => inner.unfreeze(r)), renew: (r) => slow(() => inner.renew(r)) },
    });
    const created = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...orderIds() }));
    const instanceId = created.json.instanceId as string;
    for (const body of [
      { activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' },
      { activity: 'updateInstanceStatus', instanceId, status: 'UNFREEZE' },
      { activity: 'refreshInstance', instanceId, orderId: 'R', orderLineId: 'R-1', scene: 'RENEWAL', expireTime: '20991231235959' },
    ]) {
      expect((await invoke(handler, v2Event(KEY, body))).json.resultCode).toBe('000000');
    }
  });
});

describe('produce with a custom provisioner that "refuses" with 000000', () => {
  it('answers 000005 for newInstance and release, so no success is announced that nothing stored', async () => {
    const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') };
    const store = createStore(loadConfig((k) => settings[k as keyof typeof settings]), { allowMemory: true });
    const inner = countingProvisioner();
    const refusal = { refused: true as const, resultCode: '000000' as ResultCode, resultMsg: 'done, sort of' };
    const handler = createProduceHandler({
      settings,
      store,
      provisioner: {
        ...inner,
        provision: async (req) => (req.orderId.startsWith('ODD') ? refusal : inner.provision(req)),
        release: async () => refusal,
      },
    });
    const odd = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...orderIds('ODD') }));
    expect(odd.json).toMatchObject({ resultCode: '000005', resultMsg: 'other inner error' });

    const created = await invoke(handler, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...orderIds() }));
    const instanceId = created.json.instanceId as string;
    const released = await invoke(handler, v2Event(KEY, { activity: 'releaseInstance', instanceId }));
    expect(released.json).toMatchObject({ resultCode: '000005', resultMsg: 'other inner error' });
    expect((await store.read<InstanceRecord>([instanceId]))[0]!.record!.status).toBe('ACTIVE');
  });
});
