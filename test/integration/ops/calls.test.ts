/**
 * What the callbacks leave for operations, read back by collectCalls: every answer once (successes from the
 * audit logs, failures from the failure stream), with its order line, test flag, record and latency, and a
 * request refused before parsing still named by its body.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { collectCalls } from '../../../shared/ops/calls';
import { orderLineOutcomes } from '../../../shared/ops/orderLines';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { countingProvisioner } from '../../support/countingProvisioner';
import { createProduceHandler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';

function setup() {
  const store = new MemoryStore();
  let now = Date.parse('2026-11-10T02:00:00Z');
  const clock = (): number => now;
  const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_CLOCK_SKEW_MS: String(10 * 365 * 86_400_000) };
  const handler = createProduceHandler({ settings, store, clock, provisioner: countingProvisioner() });
  const call = (body: Record<string, unknown>, key = KEY) => invoke(handler, v2Event(key, body, { timestamp: String(now) }));
  return { store, call, advance: (ms: number) => { now += ms; }, now: () => now };
}

describe('collectCalls', () => {
  it('reads each answered call once, successes from the audit logs and failures from the failure stream', async () => {
    const { store, call, advance, now } = setup();
    const since = now();
    const { orderId, orderLineId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'b1', orderId, orderLineId });
    const instanceId = created.json.instanceId as string;
    advance(1000);
    await call({ activity: 'newInstance', businessId: 'b2', orderId, orderLineId });
    await call({ activity: 'queryInstance', instanceId });
    await call({ activity: 'queryInstance', instanceId: 'unknown-instance' });
    await call({ activity: 'newInstance', businessId: 't1', orderId: 'CSTEST', orderLineId: 'CSTEST-1', testFlag: '1' });
    // Refused before parsing: a wrong key. Still named by its body: order, line, test flag and record.
    const bad = await call({ activity: 'newInstance', businessId: 'b3', orderId: 'CSBAD', orderLineId: 'CSBAD-1', testFlag: '1' }, 'wrong-key');
    expect(bad.json.resultCode).toBe('000001');

    const calls = await collectCalls(store, { sinceMs: since, untilMs: now() + 1, audits: 'all' });
    const brief = calls.map((c) => [c.activity, c.ok, c.test, c.orderId ?? null]);
    // Sorted by time; these share one instant, so compare as a set.
    expect(brief).toEqual(expect.arrayContaining([
      ['newInstance', true, false, orderId],
      ['queryInstance', true, false, null],
      ['queryInstance', false, false, null],
      ['newInstance', true, true, 'CSTEST'],
      ['newInstance', false, true, 'CSBAD'],
    ]));
    expect(brief.filter((row) => row[0] === 'newInstance' && row[3] === orderId)).toHaveLength(2);
    expect(calls).toHaveLength(6);
    expect(calls.every((c) => typeof c.ms === 'number' && c.ms >= 0)).toBe(true);
    const refused = calls.find((c) => c.resultCode === '000001');
    expect(refused).toMatchObject({ orderLineId: 'CSBAD-1', test: true, fn: 'produce', reason: expect.any(String) });
    expect(refused?.tag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('with audits "failed", reads only the logs of records a failure names, enough to see a recovery', async () => {
    const { store, call, advance, now } = setup();
    const since = now();
    const { orderId, orderLineId } = orderIds();
    await call({ activity: 'newInstance', businessId: 'b1', orderId, orderLineId }, 'wrong-key');
    advance(3_600_000);
    await call({ activity: 'newInstance', businessId: 'b2', orderId, orderLineId });
    const other = orderIds();
    await call({ activity: 'newInstance', businessId: 'b3', ...other });
    const calls = await collectCalls(store, { sinceMs: since, untilMs: now() + 1, audits: 'failed' });
    expect(calls.map((c) => [c.orderId, c.ok])).toEqual([[orderId, false], [orderId, true]]);
    const [line] = orderLineOutcomes(calls, now());
    expect(line).toMatchObject({ orderId, orderLineId, state: 'recovered', attempts: 1 });
  });
});
