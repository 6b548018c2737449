/**
 * The marketplace's compact UTC timestamps: `yyyyMMddHHmmss` (14 digits) or `yyyyMMddHHmmssSSS` (17 digits).
 * @module
 */

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The number the ASCII digits of `value` at [from, to) spell, or -1 when one of them is not a digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * True when `value` is 14 or 17 digits naming a real calendar instant (month 1-12, a day that exists in that
 * month, hour 0-23, minute and second 0-59; the optional last three digits are milliseconds). Read digit by
 * digit: every refreshInstance and upgrade carries one, and a regex with six groups cost more than the rest
 * of its field checks.
 */
export function isCompactTime(value: string): boolean {
  if (value.length !== 14 && value.length !== 17) return false;
  if (value.length === 17 && digitsAt(value, 14, 17) < 0) return false;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 4, 6);
  const day = digitsAt(value, 6, 8);
  const hour = digitsAt(value, 8, 10);
  const minute = digitsAt(value, 10, 12);
  const second = digitsAt(value, 12, 14);
  if (year < 0 || hour < 0 || minute < 0 || second < 0) return false;
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;
  return hour <= 23 && minute <= 59 && second <= 59;
}
