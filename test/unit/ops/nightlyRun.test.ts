/**
 * When the daily reconciliation is due (shared/ops/nightlyRun.ts): from 02:00 China time, once a day, claimed
 * by one run; a failed one is tried again a few times; `force` runs it whatever the hour.
 */
import { describe, expect, it } from 'vitest';
import { claimNightly, finishNightly, MAX_ATTEMPTS_PER_DAY, nightlyDue, NIGHTLY_LEASE_MS, readNightly } from '../../../shared/ops/nightlyRun';
import { MemoryStore } from '../../../shared/store/MemoryStore';

/** `hh:mm` China time on 2030-05-20, as epoch ms. */
const china = (hh: number, mm = 0) => Date.UTC(2030, 4, 20, hh - 8, mm);
const summary = { at: china(2, 1), checked: 3, findings: 1, sample: ['order-unknown i1 order CS1: MKT.9001'] };

describe('nightly reconciliation schedule', () => {
  it.each([
    [1, 59, false],
    [2, 0, true],
    [23, 59, true],
  ])('is due at %i:%i China time with nothing claimed: %s', (hh, mm, due) => {
    expect(nightlyDue({}, china(hh, mm))).toBe(due);
  });

  it('is claimed by one of two concurrent runs, then done for the day', async () => {
    const store = new MemoryStore();
    const claims = await Promise.all([claimNightly(store, china(2, 1), false), claimNightly(store, china(2, 1), false)]);
    expect(claims.sort()).toEqual([false, true]);
    await finishNightly(store, china(2, 3), summary);
    expect(await readNightly(store)).toMatchObject({ day: '2030-05-20', done: true, last: summary });
    expect(nightlyDue(await readNightly(store), china(23))).toBe(false);
    expect(nightlyDue(await readNightly(store), china(23) + 3 * 3600_000)).toBe(true); // 02:00 the next day
  });

  it('is tried again after a failure, at most a few times a day, and not while one runs', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < MAX_ATTEMPTS_PER_DAY; i++) {
      expect(await claimNightly(store, china(3, i * 10), false)).toBe(true);
      expect(nightlyDue(await readNightly(store), china(3, i * 10) + 1000)).toBe(false);
      await finishNightly(store, china(3, i * 10 + 1), 'failed');
    }
    expect(nightlyDue(await readNightly(store), china(5))).toBe(false);
    expect(await claimNightly(store, china(5), true)).toBe(true);
  });

  it('lets another run take over a claim whose run vanished, once its lease ended', async () => {
    const store = new MemoryStore();
    expect(await claimNightly(store, china(2), false)).toBe(true);
    expect(await claimNightly(store, china(2) + NIGHTLY_LEASE_MS - 1, false)).toBe(false);
    expect(await claimNightly(store, china(2) + NIGHTLY_LEASE_MS, false)).toBe(true);
  });

  it('counts a skipped day as done', async () => {
    const store = new MemoryStore();
    await claimNightly(store, china(2), false);
    await finishNightly(store, china(2), 'skipped');
    expect(nightlyDue(await readNightly(store), china(4))).toBe(false);
  });
});
