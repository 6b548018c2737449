/**
 * Structured JSON logs: one line per call with request id, activity, result code and latency, and no
 * key, signature, data key or password in any line, whatever the request.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localContext } from '../../../shared/platform/context';
import { createProduceHandler } from '../../support/handlers';
import { countingProvisioner } from '../../support/countingProvisioner';
import { orderIds, v1Event, v2Event } from '../../support/produceClient';
import type { ApigEvent } from '../../../shared/platform/apig';

const KEY = `log-secret-key-${randomBytes(8).toString('hex')}`;
const DATA_KEY = randomBytes(32).toString('base64');

describe('produce logs', () => {
  it('log every call as JSON and never a secret', async () => {
    const provisioner = countingProvisioner();
    const handler = createProduceHandler({ settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: DATA_KEY, KG_LOG_LEVEL: 'debug' }, allowMemoryStore: true, provisioner });
    const lines: string[] = [];
    const run = async (event: ApigEvent) => {
      const res = await handler(event, localContext({ requestId: event.requestContext?.requestId ?? 'r', log: (l) => lines.push(l) }));
      return JSON.parse(res.body) as { resultCode: string; instanceId?: string };
    };
    const line = orderIds();
    const created = await run(v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...line }));
    const events: ApigEvent[] = [
      v2Event(KEY, { activity: 'queryInstance', instanceId: created.instanceId }),
      v2Event(KEY, { activity: 'newInstance', businessId: 'c', ...line }, { signature: 'f'.repeat(64) }),
      v2Event(KEY, { activity: 'newInstance', businessId: 'c', ...line }, { timestamp: '1' }),
      v2Event(KEY, '{"broken'),
      v1Event(KEY, { activity: 'newInstance', businessId: 'v1', orderId: `${line.orderId}V1`, customerId: 'c' }),
    ];
    for (const e of events) await run(e);
    const secrets = [KEY, DATA_KEY, ...[...provisioner.provisioned.values()].map((a) => a.password!), 'f'.repeat(64)];
    expect(lines.length).toBeGreaterThanOrEqual(events.length + 1);
    const done = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'produce.done');
    expect(done).toHaveLength(events.length + 1);
    for (const d of done) {
      expect(d).toMatchObject({ level: 'info', fn: 'produce' });
      expect(typeof d.requestId).toBe('string');
      expect(typeof d.activity).toBe('string');
      expect(d.resultCode).toMatch(/^\d{6}$/);
      expect(typeof d.latencyMs).toBe('number');
    }
    for (const l of lines) for (const s of secrets) expect(l).not.toContain(s);
  });

  it('logs the name of a missing setting and answers 000005 as JSON', async () => {
    const handler = createProduceHandler({ settings: { KG_ACCESS_KEY: KEY }, allowMemoryStore: true });
    const lines: string[] = [];
    const res = await handler(v2Event(KEY, { activity: 'queryInstance', instanceId: 'x' }), localContext({ log: (l) => lines.push(l) }));
    expect(JSON.parse(res.body)).toEqual({ resultCode: '000005', resultMsg: 'other inner error' });
    expect(lines.join('\n')).toContain('KG_DATA_KEY');
  });

  it('refuses to fall back to memory in a deployed function without a Redis setting', async () => {
    const handler = createProduceHandler({ settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: DATA_KEY } });
    const lines: string[] = [];
    const res = await handler(v2Event(KEY, { activity: 'queryInstance', instanceId: 'x' }), localContext({ log: (l) => lines.push(l) }));
    expect(JSON.parse(res.body).resultCode).toBe('000005');
    expect(lines.join('\n')).toMatch(/KG_REDIS_URL/);
  });
});
