/**
 * What a MemoryStore holds stays within its documented bounds however many distinct tags and nonces arrive: the
 * audit logs of tags without a record at MEMORY_UNRECORDED_AUDIT_LINES lines in all (least recently written
 * dropped first, never a log whose tag holds a record), and nonces swept once their TTL has passed.
 */
import { describe, expect, it } from 'vitest';
import { MEMORY_UNRECORDED_AUDIT_LINES, MemoryStore } from '../../../shared/store/MemoryStore';
import type { AuditEntry } from '../../../shared/store/Store';

const audit = (detail: string): AuditEntry => ({ at: 1, activity: 'queryInstance', resultCode: 'received', detail });

describe('MemoryStore bounds', () => {
  it(`keeps at most ${MEMORY_UNRECORDED_AUDIT_LINES} audit lines of tags without a record by default`, async () => {
    const store = new MemoryStore();
    for (let i = 0; i < MEMORY_UNRECORDED_AUDIT_LINES + 500; i++) await store.begin(`unknown-${i}`, { audit: audit('q') });
    expect(store.footprint()).toMatchObject({ records: 0, auditLogs: MEMORY_UNRECORDED_AUDIT_LINES, unrecordedAuditLines: MEMORY_UNRECORDED_AUDIT_LINES });
    // The least recently written went first.
    expect(await store.listAudit('unknown-0')).toEqual([]);
    expect(await store.listAudit(`unknown-${MEMORY_UNRECORDED_AUDIT_LINES + 499}`)).toHaveLength(1);
  });

  it('drops the least recently written log first, and never the log of a tag that holds a record', async () => {
    const store = new MemoryStore({ unrecordedAuditLines: 3 });
    await store.begin('kept', { claim: { status: 'ok' }, audit: audit('claimed') });
    await store.begin('a', { audit: audit('a1') });
    await store.begin('b', { audit: audit('b1') });
    await store.begin('a', { audit: audit('a2') }); // a is now the most recently written
    await store.begin('c', { audit: audit('c1') }); // 4 lines: b goes
    expect(await store.listAudit('b')).toEqual([]);
    expect((await store.listAudit('a')).map((e) => e.detail)).toEqual(['a2', 'a1']);
    for (let i = 0; i < 50; i++) await store.begin(`x${i}`, { audit: audit('x') });
    expect((await store.listAudit('kept')).map((e) => e.detail)).toEqual(['claimed']);
    expect(store.footprint()).toMatchObject({ records: 1, unrecordedAuditLines: 3, auditLines: 4 });
  });

  it('keeps the newest lines of one log longer than the cap, and stops counting a tag once it holds a record', async () => {
    const store = new MemoryStore({ unrecordedAuditLines: 5 });
    for (let i = 0; i < 8; i++) await store.begin('t', { audit: audit(`t${i}`) });
    expect((await store.listAudit('t')).map((e) => e.detail)).toEqual(['t7', 't6', 't5', 't4', 't3']);
    await store.commit('t', { expectedVersion: 0, record: { status: 'ok' }, audit: audit('created') });
    for (let i = 0; i < 20; i++) await store.begin(`y${i}`, { audit: audit('y') });
    expect(await store.listAudit('t', 100)).toHaveLength(6);
    expect(store.footprint()).toMatchObject({ records: 1, unrecordedAuditLines: 5, auditLines: 11 });
  });

  it('sweeps nonces whose TTL has passed once 10 000 are held', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    for (let i = 0; i < 10_000; i++) await store.begin('i', { nonce: `n${i}`, nonceTtlSeconds: 60 });
    expect(store.footprint().nonces).toBe(10_000);
    now += 60_000;
    await store.begin('i', { nonce: 'last', nonceTtlSeconds: 60 });
    expect(store.footprint().nonces).toBe(1);
  });
});
