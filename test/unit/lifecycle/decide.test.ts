import { describe, expect, it } from 'vitest';
import { decide, type InstanceCommand } from '../../../shared/lifecycle/decide';
import type { InstanceRecord, InstanceStatus } from '../../../shared/lifecycle/types';
import { INSTANCE_ID, ORDER_ID, T0, call, codeOf, deepFreeze, envAt, makeRecord } from './support';

const COMMANDS: Record<string, InstanceCommand> = {
  renew: { activity: 'refreshInstance', instanceId: INSTANCE_ID, orderId: 'R-1', orderLineId: 'R-1-000001', scene: 'RENEWAL', expireTime: '20270101000000000', test: false },
  freeze: { activity: 'updateInstanceStatus', instanceId: INSTANCE_ID, status: 'FREEZE', test: false },
  unfreeze: { activity: 'updateInstanceStatus', instanceId: INSTANCE_ID, status: 'UNFREEZE', test: false },
  release: { activity: 'releaseInstance', instanceId: INSTANCE_ID, test: false },
  upgrade: { activity: 'upgradeInstance', instanceId: INSTANCE_ID, orderId: 'U-1', orderLineId: 'U-1-000001', skuCode: 'sku-2', test: false },
  check: { activity: 'changeInstanceCheck', instanceId: INSTANCE_ID, productInfo: { productId: 'p-2', skuCode: 'sku-2', productName: 'Small' }, test: false },
};

type Status = InstanceStatus | 'unknown';
/** code, effect kind asked for (null = none), status afterwards (null = no record). */
type Cell = [code: string, effect: string | null, after: InstanceStatus | null];

const N3: Cell = ['000003', null, null];
const MATRIX: Record<string, Record<Status, Cell>> = {
  renew: { ACTIVE: ['000000', 'renew', 'ACTIVE'], FROZEN: ['000000', 'renew', 'FROZEN'], PROVISIONING: ['000004', null, 'PROVISIONING'], FAILED: ['000003', null, 'FAILED'], RELEASED: ['000003', null, 'RELEASED'], unknown: N3 },
  freeze: { ACTIVE: ['000000', 'freeze', 'FROZEN'], FROZEN: ['000000', null, 'FROZEN'], PROVISIONING: ['000004', null, 'PROVISIONING'], FAILED: ['000003', null, 'FAILED'], RELEASED: ['000003', null, 'RELEASED'], unknown: N3 },
  unfreeze: { ACTIVE: ['000000', null, 'ACTIVE'], FROZEN: ['000000', 'unfreeze', 'ACTIVE'], PROVISIONING: ['000004', null, 'PROVISIONING'], FAILED: ['000003', null, 'FAILED'], RELEASED: ['000003', null, 'RELEASED'], unknown: N3 },
  release: { ACTIVE: ['000000', 'release', 'RELEASED'], FROZEN: ['000000', 'release', 'RELEASED'], PROVISIONING: ['000004', null, 'PROVISIONING'], FAILED: ['000000', 'release', 'RELEASED'], RELEASED: ['000000', null, 'RELEASED'], unknown: N3 },
  upgrade: { ACTIVE: ['000000', 'upgrade', 'ACTIVE'], FROZEN: ['000000', 'upgrade', 'FROZEN'], PROVISIONING: ['000004', null, 'PROVISIONING'], FAILED: ['000003', null, 'FAILED'], RELEASED: ['000003', null, 'RELEASED'], unknown: N3 },
  check: { ACTIVE: ['000000', 'checkChange', 'ACTIVE'], FROZEN: ['000000', 'checkChange', 'FROZEN'], PROVISIONING: ['000000', 'checkChange', 'PROVISIONING'], FAILED: ['000003', null, 'FAILED'], RELEASED: ['000003', null, 'RELEASED'], unknown: N3 },
};

const CASES = Object.entries(MATRIX).flatMap(([name, row]) =>
  (Object.entries(row) as Array<[Status, Cell]>).map(([status, cell]) => ({ name, status, cell })));

function recordFor(status: Status): InstanceRecord | null {
  return status === 'unknown' ? null : makeRecord(status);
}

describe('decide', () => {
  it.each(CASES)('$name on $status answers $cell.0', ({ name, status, cell: [code, effect, after] }) => {
    const first = call(recordFor(status), COMMANDS[name]!);
    expect(codeOf(first.answer)).toBe(code);
    expect(first.effect?.kind ?? null).toBe(effect);
    expect(first.record?.status ?? null).toBe(after);
    if (first.effect) expect(first.effect.instanceId).toBe(INSTANCE_ID);
  });

  it.each(CASES)('$name on $status answers the same when repeated, without a second state change', ({ name, status }) => {
    const first = call(recordFor(status), COMMANDS[name]!);
    // Repeated within the provisioning lease of the PROVISIONING fixture (until T0 + 10 s).
    const second = call(first.record, COMMANDS[name]!, { ok: true }, T0 + 5_000);
    expect(second.body).toBe(first.body);
    expect(second.record).toEqual(first.record);
    // Only the read-only check asks the provisioner again; every state change happens once.
    if (name !== 'check') expect(second.effect).toBeUndefined();
  });

  it.each(CASES.filter((c) => c.cell[1] !== null))('$name on $status passes an effect failure on and changes nothing', ({ name, status }) => {
    const before = recordFor(status);
    const failed = call(before, COMMANDS[name]!, { ok: false, resultCode: '000100', resultMsg: 'no capacity' });
    expect(failed.answer.response).toEqual({ resultCode: '000100', resultMsg: 'no capacity' });
    expect(failed.answer.next).toBeUndefined();
    expect(failed.answer.remember).toBeUndefined();
  });

  it.each(CASES.filter((c) => c.cell[2] !== null && c.cell[2] !== c.status))(
    '$name on $status appends one history entry and sets updatedAt to the time after the effect',
    ({ name, status, cell: [, , after] }) => {
      const result = call(recordFor(status), COMMANDS[name]!, { ok: true }, T0);
      const history = result.record!.history;
      expect(history).toHaveLength(2);
      expect(history[1]).toMatchObject({ at: T0 + 5, activity: COMMANDS[name]!.activity, from: status, to: after });
      expect(result.record!.updatedAt).toBe(T0 + 5);
    },
  );

  it('answers 000003 for an unknown id with no effect for every activity', () => {
    for (const cmd of Object.values(COMMANDS)) {
      const decision = decide(null, cmd, envAt());
      expect(decision).toEqual({ kind: 'answer', response: { resultCode: '000003', resultMsg: 'instance is invalid' } });
    }
  });

  it('never mutates the record it decides on (deep-frozen input, every activity and status)', () => {
    for (const { name, status } of CASES) {
      const record = recordFor(status);
      const snapshot = structuredClone(record);
      call(record, COMMANDS[name]!);
      expect(record).toEqual(snapshot);
    }
  });

  it('walks a whole life: renew, freeze, renew in the freeze window, unfreeze, upgrade, release', () => {
    let record: InstanceRecord | null = deepFreeze(makeRecord('ACTIVE'));
    const steps: InstanceCommand[] = [COMMANDS.renew!, COMMANDS.freeze!, { ...COMMANDS.renew!, orderId: 'R-2', orderLineId: 'R-2-000001' } as InstanceCommand, COMMANDS.unfreeze!, COMMANDS.upgrade!, { ...COMMANDS.release!, orderId: ORDER_ID } as InstanceCommand];
    steps.forEach((cmd, i) => {
      const result = call(record, cmd, { ok: true }, T0 + i * 1000);
      expect(codeOf(result.answer)).toBe('000000');
      record = result.record;
    });
    expect(record!.history.map((h) => `${h.activity}:${h.from}->${h.to}`)).toEqual([
      'newInstance:null->PROVISIONING',
      'refreshInstance:ACTIVE->ACTIVE',
      'updateInstanceStatus:ACTIVE->FROZEN',
      'refreshInstance:FROZEN->FROZEN',
      'updateInstanceStatus:FROZEN->ACTIVE',
      'upgradeInstance:ACTIVE->ACTIVE',
      'releaseInstance:ACTIVE->RELEASED',
    ]);
    expect(Object.keys(record!.responses).sort()).toEqual(['refresh:R-1:R-1-000001:RENEWAL', 'refresh:R-2:R-2-000001:RENEWAL', 'upgrade:U-1:U-1-000001']);
  });
});
