/**
 * The marketplace's compact UTC timestamps: `yyyyMMddHHmmss` (14 digits) or `yyyyMMddHHmmssSSS` (17 digits).
 * @module
 */

const COMPACT_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * True when `value` is 14 or 17 digits naming a real calendar instant (month 1-12, a day that exists in that
 * month, hour 0-23, minute and second 0-59; the optional last three digits are milliseconds).
 */
export function isCompactTime(value: string): boolean {
  const m = COMPACT_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;
  return hour <= 23 && minute <= 59 && second <= 59;
}
