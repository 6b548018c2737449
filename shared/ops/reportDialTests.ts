/**
 * Dial tests in a month's report: the marketplace replays the saved debug cases (testFlag "1") twice a
 * day, and freezes trading after 5 consecutive days of failures (lifecycle.md §4.3). Pure.
 *
 * Readings chosen where the rule is vague, all on the cautious side:
 * - every testFlag "1" call is a dial test (the debug tool's own calls and kit test data included):
 *   we cannot tell a replayed case from a manual one;
 * - a day fails when at least one dial test failed that day (the marketplace may judge by either run);
 * - a day without any dial test neither breaks nor extends a failing run: the marketplace dials every
 *   day, so silence says our record is missing (a dial that never reached us), not that it passed.
 * The run is counted inside the month only; `ops-watch` follows it across months.
 * @module
 */
import { chinaDay } from './calendar';
import type { CallEvent } from './calls';

/** Consecutive failing days after which the marketplace freezes trading (lifecycle.md §4.3). */
export const DIAL_FREEZE_DAYS = 5;

/** Dial tests of one China day. */
export interface DialDay {
  /** `YYYY-MM-DD`, China time. */
  day: string;
  total: number;
  failed: number;
}

/** The dial-test part of a report. */
export interface DialTests {
  /** Every day of the month up to today, in order (total 0: no dial test that day). */
  days: DialDay[];
  /** Failing days in a row ending at the latest day that had dial tests (0 when that day passed). */
  failingRun: number;
  /** {@link DIAL_FREEZE_DAYS}. */
  freezeAfter: number;
}

/**
 * Dial tests per day over `days` and the current failing run.
 * @example dialTests(calls, ['2026-10-01', '2026-10-02']) // { days: [...], failingRun: 1, freezeAfter: 5 }
 */
export function dialTests(calls: readonly CallEvent[], days: readonly string[]): DialTests {
  const byDay = new Map<string, DialDay>(days.map((day) => [day, { day, total: 0, failed: 0 }]));
  for (const c of calls) {
    if (!c.test) continue;
    const slot = byDay.get(chinaDay(c.at));
    if (!slot) continue;
    slot.total += 1;
    if (!c.ok) slot.failed += 1;
  }
  const list = days.map((day) => byDay.get(day) ?? { day, total: 0, failed: 0 });
  return { days: list, failingRun: failingRun(list), freezeAfter: DIAL_FREEZE_DAYS };
}

/** Failing days counted back from the latest day with dial tests; silent days are skipped. */
function failingRun(days: readonly DialDay[]): number {
  let run = 0;
  for (let i = days.length - 1; i >= 0; i--) {
    const d = days[i] as DialDay;
    if (d.total === 0) continue;
    if (d.failed === 0) break;
    run += 1;
  }
  return run;
}
