/**
 * The marketplace's calendar: months and days in China time (UTC+8), as its own timestamps and its
 * "failed orders in one calendar month" rule use, and the retry window of each activity
 * (lifecycle.md §4.1).
 * @module
 */

const HOUR_MS = 3600 * 1000;

/** China Standard Time has no daylight saving: always UTC+8. */
export const CHINA_OFFSET_MS = 8 * HOUR_MS;

/** Failed orders in one month past which the marketplace may delist the product (lifecycle.md §4.3). */
export const DELISTING_LIMIT = 5;

/**
 * How long the marketplace retries a failed call of each activity before it gives up (lifecycle.md §4.1):
 * newInstance and upgradeInstance 3 h (then the order is unsubscribed and refunded), the others 1 h.
 */
export const RETRY_WINDOW_MS: Readonly<Record<string, number>> = {
  newInstance: 3 * HOUR_MS,
  upgradeInstance: 3 * HOUR_MS,
  refreshInstance: HOUR_MS,
  updateInstanceStatus: HOUR_MS,
  releaseInstance: HOUR_MS,
};

/** The longest retry window of any activity (ms): how far around a month the calls that decide it reach. */
export const LONGEST_RETRY_WINDOW_MS = Math.max(...Object.values(RETRY_WINDOW_MS));

/** The retry window of an activity; an activity the table does not name gets the shortest, 1 h. */
export function retryWindowMs(activity: string): number {
  return RETRY_WINDOW_MS[activity] ?? HOUR_MS;
}

/** The China wall clock of an instant in ISO form (`YYYY-MM-DDTHH:mm:ss.sss`, then a `Z` that does not apply). */
function chinaClock(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString();
}

/** `YYYY-MM` of an instant, China time. */
export function chinaMonth(ms: number): string {
  return chinaClock(ms).slice(0, 7);
}

/** `YYYY-MM-DD` of an instant, China time. */
export function chinaDay(ms: number): string {
  return chinaClock(ms).slice(0, 10);
}

/**
 * An instant (epoch ms) as `YYYY-MM-DD HH:mm:ss` China time.
 * @example chinaTime(Date.UTC(2026, 9, 31, 16, 30)) // '2026-11-01 00:30:00'
 */
export function chinaTime(ms: number): string {
  return chinaClock(ms).slice(0, 19).replace('T', ' ');
}

/** The instants a China-time month covers: `[startMs, endMs)`. @throws RangeError for anything but `YYYY-MM`. */
export function chinaMonthRange(month: string): { startMs: number; endMs: number } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return { startMs: Date.UTC(year, index, 1) - CHINA_OFFSET_MS, endMs: Date.UTC(year, index + 1, 1) - CHINA_OFFSET_MS };
}

/** The China-time days from `firstDay` to `lastDay` inclusive (`YYYY-MM-DD`). */
export function chinaDaysBetween(firstDay: string, lastDay: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${firstDay}T00:00:00Z`); ; t += 24 * HOUR_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > lastDay) break;
    days.push(day);
  }
  return days;
}
