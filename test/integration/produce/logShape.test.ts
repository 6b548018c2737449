/**
 * The one line every call logs has one fixed shape: the same keys in the same order whatever the call
 * (answered, refused before parsing, a query, a replayed answer), null where a call has no value.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localContext } from '../../../shared/platform/context';
import type { ApigEvent } from '../../../shared/platform/apig';
import { countingProvisioner } from '../../support/countingProvisioner';
import { createProduceHandler } from '../../support/handlers';
import { orderIds, v1Event, v2Event } from '../../support/produceClient';

const KEY = `shape-key-${randomBytes(8).toString('hex')}`;
const SHAPE = ['level', 'event', 'fn', 'requestId', 'protocol', 'activity', 'resultCode', 'instanceId', 'tenantId', 'keyIndex', 'payloadForm', 'latencyMs', 'reason'];

describe('produce.done', () => {
  it('has the same keys in the same order on every call', async () => {
    const handler = createProduceHandler({ settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') }, allowMemoryStore: true, provisioner: countingProvisioner() });
    const lines: string[] = [];
    const run = (event: ApigEvent) => handler(event, localContext({ requestId: 'r', log: (l) => lines.push(l) }));
    const line = orderIds();
    await run(v2Event(KEY, { activity: 'newInstance', businessId: 'a', ...line }));
    await run(v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...line }));
    await run(v2Event(KEY, { activity: 'queryInstance', instanceId: 'unknown' }));
    await run(v2Event(KEY, { activity: 'queryInstance', instanceId: 'x' }, { signature: 'f'.repeat(64) }));
    await run(v2Event(KEY, '{"broken'));
    await run(v1Event(KEY, { activity: 'newInstance', businessId: 'v1', orderId: `${line.orderId}V1`, customerId: 'c' }));
    const done = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'produce.done');
    expect(done).toHaveLength(6);
    for (const d of done) expect(Object.keys(d)).toEqual(SHAPE);
    // A refusal before parsing carries its reason; an answer the decision gave (000003 for an unknown id) carries none.
    expect(done.map((d) => d.reason === null)).toEqual([true, true, true, false, false, true]);
  });
});
