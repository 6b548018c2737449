/**
 * One conformance suite for every Store: MemoryStore, RedisStore on a standalone Redis and on a
 * 3-master Redis Cluster. Each test file calls {@link describeStoreConformance} with its target.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useSuiteTarget } from './suiteTarget';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { StoreUnavailableError } from '../../../shared/core/errors';
import { hashSlot } from '../../../shared/store/hashSlot';
import { recordKey } from '../../../shared/store/keys';
import { AUDIT_CAP, DEFAULT_RETENTION, FAILURE_CAP } from '../../../shared/store/limits';
import type { AuditEntry, BeginResult, FailureEntry, Store, StoredAnswer } from '../../../shared/store/Store';
import { eventually, sleep } from '../../support/redis';

/** Ways to break the server under a store (Redis targets only). */
export interface StoreFaults {
  /** Stops answering while keeping connections open (SIGSTOP). */
  pause(): void;
  resume(): void;
  /** SIGKILL every server process. */
  kill(): Promise<void>;
  /** Starts the servers again on the same ports and data dirs. */
  restart(): Promise<void>;
}

/** What a test file hands the suite. */
export interface ConformanceTarget {
  /** The store under test (the same object for the whole suite unless `reset` replaces it). */
  store(): Store;
  /** Empties all state before each test. */
  reset(): Promise<void>;
  faults?: StoreFaults;
  stop(): Promise<void>;
}

/** The limit the brief sets for any call against a hung or dead Redis (ms). */
const UNAVAILABLE_WITHIN_MS = 3000;

function record(instanceId: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId,
    orderId: `CS${instanceId.slice(0, 8)}`,
    orderLineId: `${instanceId.slice(0, 8)}-1`,
    protocol: 'v2',
    status: 'ACTIVE',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    responses: {},
    history: [],
    ...overrides,
  };
}

function audit(detail: string, at = 1_700_000_000_000): AuditEntry {
  return { at, activity: 'newInstance', resultCode: '000000', detail };
}

function failure(at: number, reason = `reason ${at}`): FailureEntry {
  return { at, resultCode: '000005', activity: 'newInstance', reason };
}

const newId = (): string => randomUUID();

/** Registers the whole suite under `describe(name)`. */
export function describeStoreConformance(
  name: string,
  start: () => Promise<ConformanceTarget>,
  capabilities: { faults: boolean },
): void {
  describe(name, () => {
    const target = useSuiteTarget(start);
    const store = (): Store => target().store();

    /** Round trips `work` costs on the store. */
    async function roundTripsOf(work: () => Promise<unknown>): Promise<number> {
      const before = store().info().roundTrips;
      await work();
      return store().info().roundTrips - before;
    }

    describe('begin', () => {
      it('reports a nonce fresh the first time and replayed the second time', async () => {
        const id = newId();
        expect((await store().begin<InstanceRecord>(id, { nonce: 'n1' })).nonce).toBe('fresh');
        expect((await store().begin<InstanceRecord>(id, { nonce: 'n1' })).nonce).toBe('replayed');
        expect((await store().begin<InstanceRecord>(id, { nonce: 'n2' })).nonce).toBe('fresh');
      });

      it('reports nonce none when no nonce is given, however often', async () => {
        const id = newId();
        expect((await store().begin<InstanceRecord>(id)).nonce).toBe('none');
        expect((await store().begin<InstanceRecord>(id)).nonce).toBe('none');
      });

      it('keeps nonces per instance: the same nonce on another instance is fresh', async () => {
        expect((await store().begin<InstanceRecord>(newId(), { nonce: 'shared' })).nonce).toBe('fresh');
        expect((await store().begin<InstanceRecord>(newId(), { nonce: 'shared' })).nonce).toBe('fresh');
      });

      it('claims nothing and logs nothing for a replayed nonce, yet reports the stored record', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { nonce: 'n', claim: record(id), audit: audit('first') });
        const replay = await store().begin<InstanceRecord>(id, { nonce: 'n', claim: record(id, { status: 'FROZEN' }), audit: audit('replay') });
        expect(replay).toMatchObject({ nonce: 'replayed', claimed: false, version: 1 });
        expect(replay.record?.status).toBe('ACTIVE');
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['first']);
      });

      it('forgets a nonce once its TTL (1 s) has passed', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { nonce: 'short', nonceTtlSeconds: 1 });
        expect((await store().begin<InstanceRecord>(id, { nonce: 'short', nonceTtlSeconds: 1 })).nonce).toBe('replayed');
        await sleep(1300);
        expect((await store().begin<InstanceRecord>(id, { nonce: 'short', nonceTtlSeconds: 1 })).nonce).toBe('fresh');
      });

      it('inserts a claim at version 1 and never overwrites an existing record with a later claim', async () => {
        const id = newId();
        const first = await store().begin<InstanceRecord>(id, { claim: record(id) });
        expect(first).toMatchObject({ claimed: true, version: 1, record: record(id) });
        const second = await store().begin<InstanceRecord>(id, { claim: record(id, { status: 'FAILED' }) });
        expect(second).toMatchObject({ claimed: false, version: 1 });
        expect(second.record?.status).toBe('ACTIVE');
      });

      it('reports an absent record as null at version 0', async () => {
        expect(await store().begin<InstanceRecord>(newId())).toEqual({ nonce: 'none', claimed: false, record: null, version: 0 });
      });

      it('lets exactly one of 100 concurrent begins claim the instance', async () => {
        const id = newId();
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) => store().begin<InstanceRecord>(id, { nonce: `n${i}`, claim: record(id, { attributes: { by: String(i) } }) })),
        );
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
        const winner = results.find((r) => r.claimed)?.record?.attributes?.by;
        expect(results.every((r) => r.version === 1 && r.record?.attributes?.by === winner)).toBe(true);
      });

      it('appends its audit entry in the same call', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { audit: audit('read-only call') });
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['read-only call']);
      });

      it('hands out copies: mutating the claim or a returned record changes nothing stored', async () => {
        const id = newId();
        const claim = record(id);
        const began = await store().begin<InstanceRecord>(id, { claim });
        claim.status = 'FAILED';
        claim.history.push({ at: 1, activity: 'x', from: null, to: 'FAILED' });
        if (began.record) began.record.status = 'RELEASED';
        const [again] = await store().read<InstanceRecord>([id]);
        expect(again?.record).toEqual(record(id));
      });

      it('costs one round trip with nonce, claim and audit together', async () => {
        const id = newId();
        expect(await roundTripsOf(() => store().begin<InstanceRecord>(id, { nonce: 'n', claim: record(id), audit: audit('a') }))).toBe(1);
      });
    });

    describe('commit', () => {
      it('writes the record at the next version and appends the audit entry', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        const result = await store().commit(id, { expectedVersion: 1, record: record(id, { status: 'FROZEN' }), audit: audit('freeze') });
        expect(result).toEqual({ ok: true, version: 2 });
        const [now] = await store().read<InstanceRecord>([id]);
        expect(now).toEqual({ version: 2, record: record(id, { status: 'FROZEN' }) });
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['freeze']);
      });

      it('refuses a stale version and writes nothing, not even the audit entry', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        await store().commit(id, { expectedVersion: 1, record: record(id, { status: 'FROZEN' }), audit: audit('won') });
        const stale = await store().commit(id, { expectedVersion: 1, record: record(id, { status: 'RELEASED' }), audit: audit('lost') });
        expect(stale).toEqual({ ok: false, version: 2 });
        expect((await store().read<InstanceRecord>([id]))[0]?.record?.status).toBe('FROZEN');
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['won']);
      });

      it('refuses version 0 once a record exists, and version 1 while none does', async () => {
        const a = newId();
        await store().begin<InstanceRecord>(a, { claim: record(a) });
        expect(await store().commit(a, { expectedVersion: 0, record: record(a), audit: audit('x') })).toEqual({ ok: false, version: 1 });
        const b = newId();
        expect(await store().commit(b, { expectedVersion: 1, record: record(b), audit: audit('x') })).toEqual({ ok: false, version: 0 });
        expect((await store().read<InstanceRecord>([b]))[0]).toEqual({ record: null, version: 0 });
      });

      it('without a record keeps the version and only logs', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        expect(await store().commit(id, { expectedVersion: 1, audit: audit('query') })).toEqual({ ok: true, version: 1 });
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['query']);
      });

      it('ends at exactly N after N concurrent begin/commit increment loops (N = 25)', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id, { provisioning: { attempts: 0 } }) });
        const n = 25;
        await Promise.all(
          Array.from({ length: n }, async (_, worker) => {
            for (;;) {
              const { record: current, version } = await store().begin<InstanceRecord>(id);
              if (!current) throw new Error('record vanished');
              const attempts = (current.provisioning?.attempts ?? 0) + 1;
              const next = { ...current, provisioning: { attempts } };
              const done = await store().commit(id, { expectedVersion: version, record: next, audit: audit(`w${worker}`) });
              if (done.ok) return;
            }
          }),
        );
        const [final] = await store().read<InstanceRecord>([id]);
        expect(final?.record?.provisioning?.attempts).toBe(n);
        expect(final?.version).toBe(n + 1);
        expect(await store().listAudit(id, AUDIT_CAP)).toHaveLength(n);
      });

      it('costs one round trip', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        expect(await roundTripsOf(() => store().commit(id, { expectedVersion: 1, record: record(id), audit: audit('a') }))).toBe(1);
      });
    });

    describe('stored answers', () => {
      const answer = (resultCode: string, body: string): StoredAnswer => ({ resultCode, body });
      const replayAudit = { at: 1_700_000_000_123, activity: 'refreshInstance', orderId: 'CS-R', orderLineId: 'CS-R-1', requestId: 'rq', nonce: 'n-r', test: true, ms: 7 };

      /** A record at version 2 with answer `k` stored beside it. */
      async function withAnswer(id: string, stored: StoredAnswer): Promise<void> {
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        expect((await store().commit(id, { expectedVersion: 1, record: record(id, { status: 'FROZEN' }), audit: audit('stored'), answers: { k: stored } })).ok).toBe(true);
      }

      it('replays a stored answer in one round trip: the nonce reserved, the audit entry written with its code, nothing claimed or read', async () => {
        const id = newId();
        await withAnswer(id, answer('000100', '{"resultCode":"000100","resultMsg":"no seats"}'));
        let began: BeginResult<InstanceRecord> | undefined;
        const trips = await roundTripsOf(async () => {
          began = await store().begin<InstanceRecord>(id, { nonce: 'n-r', claim: record(id, { status: 'FAILED' }), audit: audit('plain'), replay: { key: 'k', audit: replayAudit } });
        });
        expect(trips).toBe(1);
        expect(began).toEqual({ nonce: 'fresh', claimed: false, record: null, version: 2, answer: answer('000100', '{"resultCode":"000100","resultMsg":"no seats"}') });
        const [latest] = await store().listAudit(id, 1);
        expect(latest).toEqual({ ...replayAudit, resultCode: '000100' });
        expect((await store().listAudit(id)).map((e) => e.detail ?? e.resultCode)).toEqual(['000100', 'stored']);
        expect((await store().begin<InstanceRecord>(id, { nonce: 'n-r', replay: { key: 'k', audit: replayAudit } })).nonce).toBe('replayed');
        expect((await store().read<InstanceRecord>([id]))[0]).toEqual({ record: record(id, { status: 'FROZEN' }), version: 2 });
      });

      it('goes on as if there were no probe when nothing is stored under the key', async () => {
        const id = newId();
        await withAnswer(id, answer('000000', 'x'));
        expect(await store().begin<InstanceRecord>(id, { nonce: 'n', audit: audit('read'), replay: { key: 'other', audit: replayAudit } }))
          .toEqual({ nonce: 'fresh', claimed: false, record: record(id, { status: 'FROZEN' }), version: 2 });
        const fresh = newId();
        expect(await store().begin<InstanceRecord>(fresh, { claim: record(fresh), replay: { key: 'k', audit: replayAudit } }))
          .toEqual({ nonce: 'none', claimed: true, record: record(fresh), version: 1 });
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['read', 'stored']);
      });

      it('refuses a replayed nonce before replaying anything, and logs nothing', async () => {
        const id = newId();
        await withAnswer(id, answer('000000', 'x'));
        await store().begin<InstanceRecord>(id, { nonce: 'twice' });
        const again = await store().begin<InstanceRecord>(id, { nonce: 'twice', replay: { key: 'k', audit: replayAudit } });
        expect(again).toMatchObject({ nonce: 'replayed', claimed: false, version: 2 });
        expect(again.answer).toBeUndefined();
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['stored']);
      });

      it('replaces an answer under the same key, keeps the others across writes, and drops forgotten ones', async () => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        await store().commit(id, { expectedVersion: 1, record: record(id), audit: audit('1'), answers: { a: answer('000000', 'A'), b: answer('000000', 'B') } });
        await store().commit(id, { expectedVersion: 2, record: record(id, { status: 'FROZEN' }), audit: audit('2') });
        await store().commit(id, { expectedVersion: 3, audit: audit('3'), forget: ['a', 'never-stored'], answers: { b: answer('000003', 'B2'), c: answer('000000', 'C') } });
        const probe = async (key: string) => (await store().begin<InstanceRecord>(id, { replay: { key, audit: replayAudit } })).answer;
        expect(await probe('a')).toBeUndefined();
        expect(await probe('b')).toEqual(answer('000003', 'B2'));
        expect(await probe('c')).toEqual(answer('000000', 'C'));
        expect((await store().read<InstanceRecord>([id]))[0]).toEqual({ record: record(id, { status: 'FROZEN' }), version: 3 });
      });

      it('writes no answer and forgets none on a version conflict', async () => {
        const id = newId();
        await withAnswer(id, answer('000000', 'kept'));
        expect(await store().commit(id, { expectedVersion: 1, record: record(id), audit: audit('lost'), answers: { new: answer('000000', 'N') }, forget: ['k'] }))
          .toEqual({ ok: false, version: 2 });
        expect((await store().begin<InstanceRecord>(id, { replay: { key: 'k', audit: replayAudit } })).answer).toEqual(answer('000000', 'kept'));
        expect((await store().begin<InstanceRecord>(id, { replay: { key: 'new', audit: replayAudit } })).answer).toBeUndefined();
      });

      it('drops every stored answer with the record it was removed with', async () => {
        const id = newId();
        await withAnswer(id, answer('000000', 'gone'));
        expect(await store().commit(id, { expectedVersion: 2, record: null, audit: audit('removed'), answers: { late: answer('000000', 'L') } })).toEqual({ ok: true, version: 3 });
        for (const key of ['k', 'late']) expect((await store().begin<InstanceRecord>(id, { replay: { key, audit: replayAudit } })).answer).toBeUndefined();
        expect((await store().read<InstanceRecord>([id]))[0]).toEqual({ record: null, version: 3 });
      });

      it.each([
        ['a JSON body with bars and non-ASCII text', 'k', '{"resultCode":"000000","resultMsg":"成功 | ok","memo":"a|b\n"}'],
        ['keys named like the record fields', 'r', 'R'],
        ['keys named like the record fields', 'v', 'V'],
        ['a key with braces and colons', 'refresh:{x}:y:RENEWAL', 'body'],
        ['an empty body', 'empty', ''],
      ])('keeps answers byte for byte: %s (%s)', async (_, key, body) => {
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        await store().commit(id, { expectedVersion: 1, audit: audit('a'), answers: { [key]: answer('000000', body) } });
        expect((await store().begin<InstanceRecord>(id, { replay: { key, audit: replayAudit } })).answer).toEqual(answer('000000', body));
        expect((await store().read<InstanceRecord>([id]))[0]).toEqual({ record: record(id), version: 1 });
      });
    });

    describe('views', () => {
      /** A view as a writer keeps it: part of the record's fields, as JSON text. */
      const viewOf = (r: InstanceRecord): string => JSON.stringify({ instanceId: r.instanceId, status: r.status });

      /** A record at version 2 written with its view. */
      async function withView(id: string): Promise<InstanceRecord> {
        const frozen = record(id, { status: 'FROZEN', history: [{ at: 1, activity: 'newInstance', from: null, to: 'ACTIVE' }] });
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        expect((await store().commit(id, { expectedVersion: 1, record: frozen, audit: audit('w'), view: viewOf(frozen) })).ok).toBe(true);
        return frozen;
      }

      it('returns the view in place of the record, in the same round trip as the nonce and the audit entry', async () => {
        const id = newId();
        await withView(id);
        let began: BeginResult<InstanceRecord> | undefined;
        const trips = await roundTripsOf(async () => {
          began = await store().begin<InstanceRecord>(id, { nonce: 'nv', audit: audit('query'), view: true });
        });
        expect(trips).toBe(1);
        expect(began).toEqual({ nonce: 'fresh', claimed: false, record: { instanceId: id, status: 'FROZEN' }, version: 2, view: true });
        // Shared between readers of the same view text, so frozen: nobody can change what another reads.
        expect(Object.isFrozen(began?.record)).toBe(true);
        expect(() => Object.assign(began?.record as object, { status: 'ACTIVE' })).toThrow();
        expect((await store().listAudit(id)).map((e) => e.detail)).toEqual(['query', 'w']);
        // Without the option, and for read, the record is whole.
        expect((await store().begin<InstanceRecord>(id)).record?.history).toHaveLength(1);
        expect((await store().read<InstanceRecord>([id]))[0]?.record?.history).toHaveLength(1);
      });

      it('keeps the view through writes that leave the record as it is', async () => {
        const id = newId();
        await withView(id);
        expect((await store().commit(id, { expectedVersion: 2, audit: audit('audit only'), answers: { k: { resultCode: '000000', body: 'x' } } })).ok).toBe(true);
        expect((await store().begin<InstanceRecord>(id, { view: true })).record).toEqual({ instanceId: id, status: 'FROZEN' });
      });

      it('never returns a view older than the record: a record written without one is returned whole', async () => {
        const id = newId();
        await withView(id);
        const active = record(id, { status: 'ACTIVE', expireTime: '20300101000000' });
        expect((await store().commit(id, { expectedVersion: 2, record: active, audit: audit('no view') })).ok).toBe(true);
        const whole = await store().begin<InstanceRecord>(id, { view: true });
        expect(whole).toEqual({ nonce: 'none', claimed: false, record: active, version: 3 });
        expect(whole.view).toBeUndefined();
      });

      it('writes no view on a version conflict, and drops it with the record', async () => {
        const id = newId();
        const frozen = await withView(id);
        const lost = record(id, { status: 'RELEASED' });
        expect((await store().commit(id, { expectedVersion: 1, record: lost, audit: audit('lost'), view: viewOf(lost) })).ok).toBe(false);
        expect((await store().begin<InstanceRecord>(id, { view: true })).record).toEqual({ instanceId: id, status: frozen.status });
        expect(await store().commit(id, { expectedVersion: 2, record: null, audit: audit('removed') })).toEqual({ ok: true, version: 3 });
        expect(await store().begin<InstanceRecord>(id, { view: true })).toEqual({ nonce: 'none', claimed: false, record: null, version: 3 });
        // A record claimed again after the removal has no view until it is written with one.
        const again = await store().begin<InstanceRecord>(id, { claim: record(id), view: true });
        expect(again).toEqual({ nonce: 'none', claimed: true, record: record(id), version: 4 });
      });

      it('returns the record, not a view, for a replayed nonce', async () => {
        const id = newId();
        await withView(id);
        await store().begin<InstanceRecord>(id, { nonce: 'twice', view: true });
        const again = await store().begin<InstanceRecord>(id, { nonce: 'twice', view: true });
        expect(again).toMatchObject({ nonce: 'replayed', version: 2 });
      });
    });

    describe('read', () => {
      it('returns many records in the order asked, across slots, absent ids as null at version 0', async () => {
        const ids = Array.from({ length: 20 }, newId);
        for (const id of ids) await store().begin<InstanceRecord>(id, { claim: record(id) });
        const unknown = newId();
        const asked = [ids[3] as string, unknown, ...ids, ids[3] as string];
        // The ids really do spread over many cluster slots.
        expect(new Set(ids.map((id) => hashSlot(recordKey(id)))).size).toBeGreaterThan(10);
        const got = await store().read(asked);
        expect(got).toEqual(asked.map((id) => (id === unknown ? { record: null, version: 0 } : { record: record(id), version: 1 })));
      });

      it('reads one id in one round trip and no ids in none', async () => {
        const id = newId();
        expect(await roundTripsOf(() => store().read<InstanceRecord>([id]))).toBe(1);
        expect(await roundTripsOf(() => store().read<InstanceRecord>([]))).toBe(0);
      });

      it.each([
        ['a}b', 'a'],
        ['{a}', 'a'],
        ['x}{y', 'x'],
        ['}x', 'x'],
        ['%7B', '{'],
        ['', '%'],
      ])('keeps crafted id %j apart from %j, each in one slot', async (crafted, plain) => {
        await store().begin<InstanceRecord>(crafted, { nonce: 'n', claim: record(crafted), audit: audit('crafted') });
        await store().begin<InstanceRecord>(plain, { nonce: 'n', claim: record(plain, { status: 'FROZEN' }), audit: audit('plain') });
        const [a, b] = await store().read<InstanceRecord>([crafted, plain]);
        expect(a?.record?.instanceId).toBe(crafted);
        expect(b?.record?.instanceId).toBe(plain);
        expect((await store().commit(crafted, { expectedVersion: 1, record: record(crafted), audit: audit('c2') })).ok).toBe(true);
        expect((await store().listAudit(crafted)).map((e) => e.detail)).toEqual(['c2', 'crafted']);
      });
    });

    describe('listAudit', () => {
      it(`lists newest first and keeps only the newest ${AUDIT_CAP}`, async () => {
        const id = newId();
        for (let i = 0; i < AUDIT_CAP + 10; i++) await store().commit(id, { expectedVersion: 0, audit: audit(`e${i}`) });
        const all = await store().listAudit(id, AUDIT_CAP + 100);
        expect(all).toHaveLength(AUDIT_CAP);
        expect(all[0]?.detail).toBe(`e${AUDIT_CAP + 9}`);
        expect(all.at(-1)?.detail).toBe('e10');
        expect((await store().listAudit(id, 3)).map((e) => e.detail)).toEqual([`e${AUDIT_CAP + 9}`, `e${AUDIT_CAP + 8}`, `e${AUDIT_CAP + 7}`]);
      });

      it('returns an empty list for an instance never seen', async () => {
        expect(await store().listAudit(newId())).toEqual([]);
      });
    });

    describe('listFailures', () => {
      it('lists newest first, keeps entries at or after sinceMs and stops at limit', async () => {
        for (const at of [1000, 2000, 3000, 4000, 5000]) await store().recordFailure(failure(at));
        expect((await store().listFailures()).map((f) => f.at)).toEqual([5000, 4000, 3000, 2000, 1000]);
        expect((await store().listFailures({ sinceMs: 3000 })).map((f) => f.at)).toEqual([5000, 4000, 3000]);
        expect((await store().listFailures({ sinceMs: 3000, limit: 2 })).map((f) => f.at)).toEqual([5000, 4000]);
        expect(await store().listFailures({ sinceMs: 6000 })).toEqual([]);
      });

      it('keeps two identical failures as two entries', async () => {
        await store().recordFailure(failure(7000, 'same'));
        await store().recordFailure(failure(7000, 'same'));
        expect(await store().listFailures()).toEqual([failure(7000, 'same'), failure(7000, 'same')]);
      });

      it('lists failures with the same at newest recorded first', async () => {
        await store().recordFailure(failure(8000, 'older'));
        await sleep(5);
        await store().recordFailure(failure(8000, 'newer'));
        expect((await store().listFailures()).map((f) => f.reason)).toEqual(['newer', 'older']);
      });

      it(`keeps only the newest ${FAILURE_CAP}`, async () => {
        const total = FAILURE_CAP + 5;
        for (let start = 0; start < total; start += 500) {
          await Promise.all(
            Array.from({ length: Math.min(500, total - start) }, (_, k) => store().recordFailure(failure(10_000 + start + k))),
          );
        }
        const all = await store().listFailures({ limit: FAILURE_CAP + 100 });
        expect(all).toHaveLength(FAILURE_CAP);
        expect(all[0]?.at).toBe(10_000 + total - 1);
        expect(all.at(-1)?.at).toBe(10_000 + 5);
      });
    });

    describe('retention', () => {
      it(`drops failures older than the retention (default ${DEFAULT_RETENTION.failureMaxAgeMs / 86_400_000} days) when a newer one arrives`, async () => {
        const t0 = 1_700_000_000_000;
        await store().recordFailure(failure(t0, 'old'));
        await store().recordFailure(failure(t0 + 1, 'exactly as old as kept'));
        await store().recordFailure(failure(t0 + DEFAULT_RETENTION.failureMaxAgeMs + 1, 'new'));
        expect((await store().listFailures()).map((f) => f.reason)).toEqual(['new', 'exactly as old as kept']);
      });
    });

    describe('scanTags', () => {
      it('finds every tag with a record, and every tag with an audit log, whatever its characters', async () => {
        const tags = [newId(), `t:${newId()}`, `{odd}%${newId()}`, `i:t:${newId()}`];
        for (const tag of tags) await store().begin(tag, { claim: record(tag), audit: audit('x') });
        const logOnly = newId();
        await store().begin(logOnly, { audit: audit('read only') });
        await store().begin(newId(), { nonce: 'n-1' });
        const seen = async (what: 'record' | 'audit'): Promise<string[]> => {
          const all = new Set<string>();
          for await (const batch of store().scanTags(what)) for (const tag of batch) all.add(tag);
          return [...all].sort();
        };
        expect(await seen('record')).toEqual([...tags].sort());
        expect(await seen('audit')).toEqual([...tags, logOnly].sort());
      });
    });

    describe('jobs', () => {
      it('enqueueJob keeps the first due time of an instance', async () => {
        await store().enqueueJob('a', 1000);
        await store().enqueueJob('a', 9000);
        expect(await store().listJobs()).toEqual([{ instanceId: 'a', dueAtMs: 1000 }]);
      });

      it('claimDueJobs takes due jobs earliest first, up to limit, and leases them', async () => {
        await store().enqueueJob('late', 5000);
        await store().enqueueJob('b', 2000);
        await store().enqueueJob('a', 1000);
        expect(await store().claimDueJobs({ nowMs: 3000, leaseMs: 1000, limit: 1 })).toEqual(['a']);
        expect(await store().claimDueJobs({ nowMs: 3000, leaseMs: 1000, limit: 10 })).toEqual(['b']);
        expect(await store().listJobs()).toEqual([
          { instanceId: 'a', dueAtMs: 4000 },
          { instanceId: 'b', dueAtMs: 4000 },
          { instanceId: 'late', dueAtMs: 5000 },
        ]);
        expect(await store().claimDueJobs({ nowMs: 3500, leaseMs: 1000, limit: 10 })).toEqual([]);
      });

      it('hands a job whose lease ended to the next claimer', async () => {
        await store().enqueueJob('j', 1000);
        expect(await store().claimDueJobs({ nowMs: 1000, leaseMs: 60_000, limit: 5 })).toEqual(['j']);
        expect(await store().claimDueJobs({ nowMs: 60_999, leaseMs: 60_000, limit: 5 })).toEqual([]);
        expect(await store().claimDueJobs({ nowMs: 61_000, leaseMs: 60_000, limit: 5 })).toEqual(['j']);
      });

      it('lets exactly one of 20 concurrent claimers take a due job', async () => {
        await store().enqueueJob('once', 1000);
        const taken = await Promise.all(Array.from({ length: 20 }, () => store().claimDueJobs({ nowMs: 2000, leaseMs: 5000, limit: 1 })));
        expect(taken.flat()).toEqual(['once']);
      });

      it('completeJob removes the job so no one claims it again', async () => {
        await store().enqueueJob('done', 1000);
        await store().enqueueJob('open', 1000);
        await store().completeJob('done');
        expect(await store().claimDueJobs({ nowMs: 10_000, leaseMs: 1000, limit: 10 })).toEqual(['open']);
        expect((await store().listJobs()).map((j) => j.instanceId)).toEqual(['open']);
      });

      it('claimDueJobs with limit 0 takes nothing', async () => {
        await store().enqueueJob('x', 1000);
        expect(await store().claimDueJobs({ nowMs: 2000, leaseMs: 1000, limit: 0 })).toEqual([]);
      });
    });

    describe('ping', () => {
      it('answers in one round trip', async () => {
        expect(await roundTripsOf(() => store().ping())).toBe(1);
      });
    });

    // Only real Redis can hang or die; MemoryStore does not register these cases at all.
    if (capabilities.faults) describe('faults', () => {
      function requireFaults(): StoreFaults {
        const { faults } = target();
        if (!faults) throw new Error(`${name} declared faults but gave none`);
        return faults;
      }

      /** Settles `work` or reports that it was still pending after the limit. */
      async function settleWithin(work: Promise<unknown>): Promise<unknown> {
        return Promise.race([
          work.then(() => 'answered', (err: unknown) => err),
          sleep(UNAVAILABLE_WITHIN_MS).then(() => 'still pending'),
        ]);
      }

      it('rejects with StoreUnavailableError within 3 s while Redis hangs, and works again after', async () => {
        const faults = requireFaults();
        const id = newId();
        await store().begin<InstanceRecord>(id, { claim: record(id) });
        faults.pause();
        try {
          const outcomes = await Promise.all([
            settleWithin(store().begin<InstanceRecord>(id, { nonce: 'while-hung' })),
            settleWithin(store().commit(id, { expectedVersion: 1, audit: audit('hung') })),
            settleWithin(store().read<InstanceRecord>([id, newId()])),
          ]);
          for (const outcome of outcomes) expect(outcome).toBeInstanceOf(StoreUnavailableError);
        } finally {
          faults.resume();
        }
        const back = await eventually(async () => (await store().read<InstanceRecord>([id]))[0], 15_000, 'store answers after resume');
        expect(back).toEqual({ record: record(id), version: 1 });
      });

      it('rejects while Redis is dead; after a restart the same store works and acknowledged writes survived', async () => {
        const faults = requireFaults();
        const ids = Array.from({ length: 6 }, newId);
        for (const id of ids) {
          await store().begin<InstanceRecord>(id, { nonce: 'before-kill', claim: record(id) });
          await store().commit(id, { expectedVersion: 1, record: record(id, { status: 'FROZEN' }), audit: audit('kept') });
        }
        await store().enqueueJob(ids[0] as string, 1234);
        await faults.kill();
        try {
          expect(await settleWithin(store().begin<InstanceRecord>(ids[0] as string))).toBeInstanceOf(StoreUnavailableError);
          expect(await settleWithin(store().begin<InstanceRecord>(ids[1] as string))).toBeInstanceOf(StoreUnavailableError);
        } finally {
          await faults.restart();
        }
        const after = await eventually(async () => store().read(ids), 20_000, 'store answers after restart');
        expect(after).toEqual(ids.map((id) => ({ record: record(id, { status: 'FROZEN' }), version: 2 })));
        expect((await store().listAudit(ids[5] as string)).map((e) => e.detail)).toEqual(['kept']);
        expect((await store().begin<InstanceRecord>(ids[2] as string, { nonce: 'before-kill' })).nonce).toBe('replayed');
        expect(await store().listJobs()).toEqual([{ instanceId: ids[0], dueAtMs: 1234 }]);
      });
    });
  });
}
