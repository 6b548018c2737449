/**
 * Rotating KG_DATA_KEY: credentials sealed under the old key still reach the buyer after the new key is
 * put in front, and new instances are sealed with the new key.
 */
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/platform/config';
import { createProduceHandler } from '../../support/handlers';
import { createStore } from '../../../shared/store/createStore';
import { openSecret } from '../../../shared/security/dataSeal';
import { countingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';

describe('KG_DATA_KEY rotation', () => {
  it('opens old credentials and seals new ones with the newest key', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const store = createStore(loadConfig(() => undefined), { allowMemory: true });
    const provisioner = countingProvisioner();
    const before = createProduceHandler({ settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: oldKey.toString('base64') }, store, provisioner });
    const old = (await invoke(before, v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...orderIds() }))).json.instanceId as string;

    const after = createProduceHandler({ settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: `${newKey.toString('base64')},${oldKey.toString('base64')}` }, store, provisioner });
    const query = await invoke(after, v2Event(KEY, { activity: 'queryInstance', instanceId: old }));
    expect(query.json.resultCode).toBe('000000');
    expect((query.json.info as Array<{ appInfo: { password: string } }>)[0]!.appInfo.password).toBe(provisioner.provisioned.get(old)!.password);

    const fresh = (await invoke(after, v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...orderIds() }))).json.instanceId as string;
    const [record] = await store.read<InstanceRecord>([fresh]);
    expect(openSecret(newKey, record!.record!.appInfo!.passwordSealed!)).toBe(provisioner.provisioned.get(fresh)!.password);
  });
});
