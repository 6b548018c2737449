/**
 * `kg serve` on its embedded store under a flood of hostile calls (bad signatures, replayed and odd nonces, stale
 * timestamps, garbage and oversized bodies, odd methods and paths, and correctly signed calls on instances and
 * tenants that do not exist) keeps no per-call state beyond what the store bounds: at most one failure-stream
 * entry per call (the stream capped at FAILURE_CAP), one nonce per call whose signature verified (until its TTL),
 * the audit lines of unknown tags within their cap, and nothing else: no record, answer, job or index entry.
 * Two rounds of the same mix: the second passes the audit cap, and nothing may pass its cap anywhere. Entry counts,
 * not timings or heap figures, so parallel load cannot make it flaky.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../../infra/server/localServer';
import { MAX_BODY_BYTES } from '../../../shared/platform/apig';
import { FAILURE_CAP } from '../../../shared/store/limits';
import { MemoryStore, type MemoryStoreFootprint } from '../../../shared/store/MemoryStore';
import { signKitRequest, signV2Request } from '../../../shared/testing';

const KEY = 'test-access-key-hostile';
const KIT_KEY = 'test-kit-key-hostile';
/** A small cap, so two rounds pass it well (the default is MEMORY_UNRECORDED_AUDIT_LINES). */
const UNRECORDED_CAP = 30;
/** Copies of each kind of call per round. */
const EACH = 12;
const CONCURRENCY = 16;

interface Call {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** A correctly signed call with a fresh nonce: the only kind that may reserve one. */
  reserves?: boolean;
}

const hex = (n: number) => randomBytes(n).toString('hex');

function v2(body: Record<string, string>, opts: { nonce?: string; timestampMs?: number; badSignature?: boolean } = {}): Call {
  const text = JSON.stringify(body);
  const query = signV2Request({ key: KEY, body: text, ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}), ...(opts.timestampMs !== undefined ? { nowMs: opts.timestampMs } : {}) });
  if (opts.badSignature) query.signature = hex(32);
  return { method: 'POST', path: `/?${new URLSearchParams(query)}`, body: text };
}

function unknownInstanceBody(i: number): Record<string, string> {
  const instanceId = `hostile-${hex(8)}`;
  switch (i % 4) {
    case 0: return { activity: 'queryInstance', instanceId };
    case 1: return { activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' };
    case 2: return { activity: 'releaseInstance', instanceId };
    default: {
      const orderId = `CSHOSTILE${hex(4)}`;
      return { activity: 'refreshInstance', instanceId, orderId, orderLineId: `${orderId}-000001`, scene: 'RENEWAL', expireTime: '20991231000000' };
    }
  }
}

function kit(path: string, body: Record<string, unknown>, signed: boolean): Call {
  const text = JSON.stringify(body);
  const headers = signed ? signKitRequest({ key: KIT_KEY, body: text }) : { 'x-sign': hex(32), 'x-timestamp': String(Date.now()), 'x-nonce': hex(16) };
  return { method: 'POST', path, body: text, headers: { ...headers, 'content-type': 'application/json' } };
}

/** One round: EACH calls of every kind. `replayed` is the same signed call every time (reserved once, ever). */
function round(replayed: Call): Call[] {
  const calls: Call[] = [];
  for (let i = 0; i < EACH; i++) {
    calls.push(
      v2(unknownInstanceBody(i), { badSignature: true }),
      replayed,
      v2(unknownInstanceBody(i), { nonce: ['', 'x', hex(300), '../..'][i % 4] as string }),
      v2(unknownInstanceBody(i), { timestampMs: Date.now() - 3_600_000 }),
      { method: 'POST', path: `/?signature=${hex(32)}&timestamp=${Date.now()}&nonce=${hex(16)}`, body: randomBytes(2048) },
      { method: ['PUT', 'DELETE', 'PATCH', 'OPTIONS'][i % 4] as string, path: `/${hex(4)}/${hex(20)}?${hex(2)}=${hex(30)}`, body: hex(100) },
      { method: 'GET', path: `/?activity=queryInstance&instanceId=hostile-${hex(8)}&authToken=${hex(32)}&timeStamp=20250101000000000` },
      kit(['/produceAPI/v2/tenantSync', '/produceAPI/v2/authSync', '/produceAPI/v2/singleOrgSync'][i % 3] as string, { tenantId: `t-${hex(8)}`, x: hex(50) }, false),
      { method: 'POST', path: ['/usage', '/v1/chat/completions'][i % 2] as string, body: JSON.stringify({ instanceId: `hostile-${hex(8)}`, model: hex(8) }), headers: { 'x-kg-signature': hex(32), authorization: `Bearer ${hex(60)}`, 'content-type': 'application/json' } },
      { method: 'GET', path: `/sso/callback?code=${hex(20)}&state=${hex(20)}` },
      { ...v2(unknownInstanceBody(i)), reserves: true },
      { ...kit('/produceAPI/v2/authSync', { tenantId: `t-${hex(8)}`, userName: hex(6), flag: 0 }, true), reserves: true },
    );
  }
  // Two bodies one byte over the limit (4 MB each): refused before anything is read from them.
  for (let i = 0; i < 2; i++) calls.push({ method: 'POST', path: `/?signature=${hex(32)}&timestamp=${Date.now()}&nonce=${hex(16)}`, body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x7b) });
  return calls;
}

describe('kg serve under hostile load', () => {
  let server: LocalServer;
  const store = new MemoryStore({ unrecordedAuditLines: UNRECORDED_CAP });

  beforeAll(async () => {
    server = await startLocalServer({
      env: { KG_ACCESS_KEY: KEY, KG_KIT_ACCESS_KEY: KIT_KEY, KG_DATA_KEY: randomBytes(32).toString('base64') },
      store, workerIntervalMs: 0, usagePushIntervalMs: 0, opsWatchIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Sends `calls`, CONCURRENCY at a time; every one must get an HTTP answer. */
  async function send(calls: Call[]): Promise<void> {
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls.length) {
        const call = calls[next++] as Call;
        const res = await fetch(`${server.url}${call.path}`, { method: call.method, headers: call.headers ?? {}, ...(call.body !== undefined ? { body: call.body } : {}) });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    }));
    expect(statuses).toHaveLength(calls.length);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  }

  it('keeps only capped per-call state, round after round', async () => {
    const replayed = v2(unknownInstanceBody(0));
    await send([replayed]); // reserved here, refused as replayed from now on
    const start = store.footprint();
    const sizes: MemoryStoreFootprint[] = [];
    let reserving = 1;
    for (let r = 0; r < 2; r++) {
      const calls = round(replayed);
      reserving += calls.filter((c) => c.reserves).length;
      await send(calls);
      const now = store.footprint();
      sizes.push(now);
      // Refused calls create nothing an instance, a tenant or the worker keeps.
      expect(now).toMatchObject({ records: 0, answers: 0, jobs: 0, indexMembers: 0 });
      // At most one failure per call, one nonce per correctly signed call with a fresh nonce.
      expect(now.failures).toBeLessThanOrEqual(Math.min(FAILURE_CAP, start.failures + (r + 1) * calls.length));
      expect(now.nonces).toBeLessThanOrEqual(reserving);
      // With no record anywhere, every audit line is one of a tag without a record: within their cap.
      expect(now.auditLines).toBeLessThanOrEqual(UNRECORDED_CAP);
      expect(now.auditLogs).toBeLessThanOrEqual(UNRECORDED_CAP);
    }
    const [first, second] = sizes as [MemoryStoreFootprint, MemoryStoreFootprint];
    // Refused calls were recorded in both rounds (the stream far from its cap here) ...
    expect(first.failures).toBeGreaterThan(start.failures);
    expect(second.failures).toBeGreaterThan(first.failures);
    // ... and the signed calls on unknown tags (up to 2 * EACH a round, more than the cap in all) filled the audit cap.
    expect(second.auditLines).toBe(UNRECORDED_CAP);
    expect(second.unrecordedAuditLines).toBe(UNRECORDED_CAP);
  });
});
