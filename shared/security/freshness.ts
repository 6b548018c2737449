/**
 * The request clock check of V2 basic and kit calls.
 * @module
 */

/** Default freshness window (ms): the marketplace documents 60 s. */
export const DEFAULT_WINDOW_MS = 60_000;

/** Why a timestamp was refused. */
export type TimestampProblem = 'missing' | 'malformed' | 'stale' | 'future';

/** The outcome of {@link checkTimestamp}. `timestampMs` is the parsed time in ms since the epoch. */
export type TimestampCheck =
  | { ok: true; timestampMs: number }
  | { ok: false; problem: TimestampProblem; reason: string; timestampMs?: number };

// 1 to 16 digits: a ms value stays far inside Number.MAX_SAFE_INTEGER.
const DIGITS = /^\d{1,16}$/;
/** Values of this many digits or fewer are read as seconds (the docs disagree on the unit). */
const MAX_SECONDS_DIGITS = 10;

/**
 * Parses a marketplace timestamp: milliseconds since the epoch, or seconds when it has 10 digits or
 * fewer (tolerated because some doc versions say seconds). Returns undefined when not all digits.
 * @returns the time in ms since the epoch.
 */
export function parseTimestampMs(ts: string): number | undefined {
  if (!DIGITS.test(ts)) return undefined;
  const n = Number(ts);
  return ts.length <= MAX_SECONDS_DIGITS ? n * 1000 : n;
}

/**
 * Checks that `ts` lies within `windowMs` of `nowMs`, in either direction (the sample checks only the
 * past; a symmetric window also refuses far-future stamps and still accepts every honest call).
 * @param ts the received timestamp text (ms, or s when <= 10 digits).
 * @param nowMs the current time (ms since the epoch).
 * @param windowMs the allowed distance (ms), inclusive; default 60 000.
 */
export function checkTimestamp(ts: string | undefined, nowMs: number, windowMs: number = DEFAULT_WINDOW_MS): TimestampCheck {
  if (ts === undefined || ts === '') return { ok: false, problem: 'missing', reason: 'timestamp is missing' };
  const timestampMs = parseTimestampMs(ts);
  if (timestampMs === undefined) return { ok: false, problem: 'malformed', reason: 'timestamp is not a number of ms' };
  const ageMs = nowMs - timestampMs;
  if (ageMs > windowMs) {
    return { ok: false, problem: 'stale', reason: `timestamp is ${Math.round(ageMs / 1000)} s old (limit ${windowMs / 1000} s)`, timestampMs };
  }
  if (-ageMs > windowMs) {
    return { ok: false, problem: 'future', reason: `timestamp is ${Math.round(-ageMs / 1000)} s in the future (limit ${windowMs / 1000} s)`, timestampMs };
  }
  return { ok: true, timestampMs };
}
