import { describe, expect, it } from 'vitest';
import { newInstanceKey } from '../../../shared/lifecycle/keys';
import type { InstanceCommand } from '../../../shared/lifecycle/decide';
import { INSTANCE_ID, ORDER_ID, ORDER_LINE_ID, T0, call, makeRecord } from './support';

const RELEASE: InstanceCommand = { activity: 'releaseInstance', instanceId: INSTANCE_ID, test: false };

describe('decideRelease', () => {
  it('keeps a tombstone without the password but with the rest of the access details', () => {
    const result = call(makeRecord('FROZEN'), RELEASE);
    expect(result.record?.status).toBe('RELEASED');
    expect(result.record?.appInfo).toEqual({ frontEndUrl: 'https://app.example.com/t/1', adminUrl: 'https://admin.example.com/t/1', userName: 'admin01', memo: '登录说明' });
    expect(JSON.stringify(result.record)).not.toContain('sealed:');
  });

  it('records the unsubscribe order in history when one is sent, and none otherwise', () => {
    const withOrder = call(makeRecord('ACTIVE'), { ...RELEASE, orderId: 'T-1', orderLineId: 'T-1-000001' } as InstanceCommand);
    expect(withOrder.record?.history.at(-1)).toEqual({ at: T0 + 5, activity: 'releaseInstance', orderId: 'T-1', orderLineId: 'T-1-000001', from: 'ACTIVE', to: 'RELEASED' });
    const afterFreeze = call(makeRecord('FROZEN'), RELEASE);
    expect(afterFreeze.record?.history.at(-1)).toEqual({ at: T0 + 5, activity: 'releaseInstance', from: 'FROZEN', to: 'RELEASED' });
  });

  it('answers 000004 for a PROVISIONING instance whose lease is live, so the release cannot race provision', () => {
    const result = call(makeRecord('PROVISIONING'), RELEASE, { ok: true }, T0);
    expect(result.effect).toBeUndefined();
    expect(result.record?.status).toBe('PROVISIONING');
    expect(JSON.parse(result.body)).toMatchObject({ resultCode: '000004' });
  });

  it('releases a PROVISIONING instance whose lease ended and clears the lease so no worker resumes it', () => {
    const result = call(makeRecord('PROVISIONING'), RELEASE, { ok: true }, T0 + 10_001);
    expect(result.effect?.kind).toBe('release');
    expect(result.record?.status).toBe('RELEASED');
    expect(result.record?.provisioning).toEqual({ attempts: 1 });
  });

  it('drops a V1 newInstance answer (it carries credentials) but keeps V2 ones', () => {
    const key = newInstanceKey(ORDER_ID, ORDER_LINE_ID);
    const responses = { [key]: '{"resultCode":"000000"}', 'upgrade:U:U-1': '{"resultCode":"000000"}' };
    expect(Object.keys(call(makeRecord('ACTIVE', { protocol: 'v1', responses }), RELEASE).record!.responses)).toEqual(['upgrade:U:U-1']);
    expect(Object.keys(call(makeRecord('ACTIVE', { protocol: 'v2', responses }), RELEASE).record!.responses)).toEqual([key, 'upgrade:U:U-1']);
  });
});
