/**
 * A record stays the same size however often its instance is renewed, and so do the bytes each call moves:
 * an instance renewed 1,000 times (an hour apart, so both the 24 h keep rule and the count cap of stored
 * answers come into play) through the real `produce` handler on a real redis-server. Sizes are read from
 * Redis (`HSTRLEN`, `HLEN`, `MEMORY USAGE`), bytes moved from the store connection's socket (written + read).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_CAP } from '../../../shared/basic/answers';
import { HISTORY_CAP } from '../../../shared/lifecycle/transition';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { standaloneOptions } from '../../../shared/store/connectionOptions';
import { instanceTag, recordKey } from '../../../shared/store/keys';
import { RedisStore } from '../../../shared/store/RedisStore';
import { countingProvisioner } from '../../support/countingProvisioner';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { invoke, orderIds, v2Event, type Answer } from '../../support/produceClient';
import { type RedisServer, startRedis, withAdmin } from '../../support/redis';

const KEY = 'test-access-key-0001';
const RENEWALS = 1000;
const HOUR_MS = 3_600_000;

interface Sample {
  renewal: number;
  /** Bytes of the record JSON (`r`). */
  recordJson: number;
  /** Fields of the record hash: v, r and the stored answers. */
  fields: number;
  /** Redis' own count of the record hash's memory, every field (bytes). */
  memory: number;
  /** Bytes the renewal moved on the store connection (both ways). */
  renewalBytes: number;
  /** Bytes its retry moved. */
  retryBytes: number;
  retryRoundTrips: number;
  /** Bytes a queryInstance moved. */
  queryBytes: number;
}

describe(`an instance renewed ${RENEWALS} times`, () => {
  let redis: RedisServer;
  let client: Redis;
  let store: RedisStore;
  let handler: Handler;
  let now = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    client = new Redis(redis.url, standaloneOptions(undefined));
    store = new RedisStore(client);
    handler = createProduceHandler({
      settings: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') },
      store, provisioner: countingProvisioner(), clock: () => now,
    });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  const call = (body: Record<string, unknown>): Promise<Answer> => invoke(handler, v2Event(KEY, body, { timestamp: String(now) }));

  /** `work`'s answer and the bytes it moved on the store connection. */
  async function measured(work: () => Promise<Answer>): Promise<[Answer, number]> {
    const socket = client.stream;
    const before = socket.bytesWritten + socket.bytesRead;
    const answer = await work();
    return [answer, socket.bytesWritten + socket.bytesRead - before];
  }

  it('keeps its record, and the bytes each renewal and each retry moves, within a fixed size', async () => {
    const { orderId, orderLineId } = orderIds();
    const instanceId = (await call({ activity: 'newInstance', businessId: 'b', orderId, orderLineId })).json.instanceId as string;
    const key = recordKey(instanceTag(instanceId));
    const samples: Sample[] = [];
    for (let n = 1; n <= RENEWALS; n++) {
      now += HOUR_MS;
      const renew = { activity: 'refreshInstance', instanceId, orderId: `${orderId}R${n}`, orderLineId: `${orderId}R${n}-1`, scene: 'RENEWAL', expireTime: '20991231235959' };
      const [renewed, renewalBytes] = await measured(() => call(renew));
      expect(renewed.json.resultCode).toBe('000000');
      if (n !== 10 && n !== 100 && n !== RENEWALS) continue;
      const trips = store.info().roundTrips;
      const [retried, retryBytes] = await measured(() => call(renew));
      expect(retried.raw).toBe(renewed.raw);
      const retryRoundTrips = store.info().roundTrips - trips;
      const [queried, queryBytes] = await measured(() => call({ activity: 'queryInstance', instanceId }));
      expect(queried.json.resultCode).toBe('000000');
      const size = await withAdmin(redis.port, async (r) => ({
        recordJson: await r.hstrlen(key, 'r'),
        fields: await r.hlen(key),
        memory: Number(await r.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')),
      }));
      samples.push({ renewal: n, ...size, renewalBytes, retryBytes, retryRoundTrips, queryBytes });
    }
    console.table(samples);

    const [, at100, at1000] = samples as [Sample, Sample, Sample];
    const [read] = await store.read<InstanceRecord>([instanceTag(instanceId)]);
    expect(read?.record?.history).toHaveLength(HISTORY_CAP);
    expect(read?.record?.responses).toEqual({});
    // v, r, p (the record's query view), the newInstance answer, the status answer and at most ANSWER_CAP
    // renewal answers.
    expect(at1000.fields).toBeLessThanOrEqual(5 + ANSWER_CAP);
    expect(at1000.fields).toBe(at100.fields);
    // Once the caps are reached nothing grows but the digits of the order numbers.
    expect(at1000.recordJson).toBeLessThan(8 * 1024);
    expect(at1000.recordJson).toBeLessThanOrEqual(at100.recordJson * 1.05);
    expect(at1000.memory).toBeLessThanOrEqual(at100.memory * 1.1);
    expect(at1000.renewalBytes).toBeLessThanOrEqual(at100.renewalBytes * 1.05);
    expect(at1000.retryBytes).toBeLessThanOrEqual(at100.retryBytes * 1.05);
    // A retry moves the stored answer and its audit line, not the record.
    expect(at1000.retryBytes).toBeLessThan(at1000.recordJson);
    expect(samples.every((s) => s.retryRoundTrips === 1)).toBe(true);
    // A query moves the record's view, not the record: the same bytes at 10 renewals as at 1,000.
    expect(at1000.queryBytes).toBeLessThanOrEqual(at100.queryBytes * 1.05);
    expect(at1000.queryBytes).toBeLessThan(at1000.recordJson);
  }, 120_000);
});
