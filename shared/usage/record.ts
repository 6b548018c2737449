/**
 * One usage record as the merchant reports it, checked the way the open API will check it (§6.3: UTC times,
 * begin within 21 days, value > 0 with at most 4 decimals) and normalised for the ledger: wire-format times,
 * a decimal value without superfluous zeros, and a `meteringSn` (generated deterministically when absent).
 * Pure: no I/O, no clock (the caller passes `nowMs`).
 * @module
 */
import { createHash } from 'node:crypto';
import type { LedgerEntry, StoredUsage } from '../store/UsageLedger';

/** A usage record as the merchant's back end (or code) reports it. */
export interface UsageRecordInput {
  /** The instance the usage belongs to (the `instanceId` newInstance answered). */
  instanceId: string;
  /** Your unique id of the record (the marketplace's idempotency key); generated from the others when absent. */
  meteringSn?: string;
  /** The amount used: > 0, at most 4 decimals (a number or a decimal string). */
  usageValue: number | string;
  /** ISO-8601 UTC, whole seconds (`2024-01-01T00:00:00Z`); `20240101T000000Z` is accepted too. */
  beginTime: string;
  /** ISO-8601 UTC, whole seconds, after beginTime. */
  endTime: string;
  /** The package instance of a "use up, then stop" product. */
  relatePkgInstance?: string;
}

/** How far back a record may begin (ms): 21 days, the open API's window. */
export const USAGE_WINDOW_MS = 21 * 24 * 3600 * 1000;

/** How far ahead of our clock a record may end (ms): clock differences only. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Longest instanceId, meteringSn and relatePkgInstance (characters). */
export const MAX_ID_LENGTH = 64;

/** Digits allowed before the decimal point: the international doc's Double(12,4). */
export const MAX_INTEGER_DIGITS = 8;

/** A record ready for the ledger, with its instant bounds for the instance checks. */
export interface NormalizedUsage {
  entry: LedgerEntry;
  beginMs: number;
  endMs: number;
}

/** A refused record: the field and the rule it broke, never the received value. */
export class UsageRecordProblem extends Error {
  override name = 'UsageRecordProblem';
}

const WIRE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]00:?00)$/;

/** Epoch ms of a real calendar instant, or NaN. */
function utcMs(y: string, mo: string, d: string, h: string, mi: string, s: string): number {
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  const real = back.getUTCFullYear() === Number(y) && back.getUTCMonth() === Number(mo) - 1 && back.getUTCDate() === Number(d)
    && back.getUTCHours() === Number(h) && back.getUTCMinutes() === Number(mi) && back.getUTCSeconds() === Number(s);
  return real ? ms : Number.NaN;
}

/**
 * Epoch ms of an ISO-8601 UTC time (whole seconds) or a wire time (`yyyyMMdd'T'HHmmss'Z'`).
 * @throws UsageRecordProblem naming `field`
 */
export function parseUsageTime(value: unknown, field: string): number {
  if (typeof value !== 'string') throw new UsageRecordProblem(`${field}: required, an ISO-8601 UTC time such as 2024-01-01T00:00:00Z`);
  const wire = WIRE_TIME.exec(value);
  if (wire) {
    const ms = utcMs(wire[1]!, wire[2]!, wire[3]!, wire[4]!, wire[5]!, wire[6]!);
    if (Number.isNaN(ms)) throw new UsageRecordProblem(`${field}: not a real UTC time`);
    return ms;
  }
  const iso = ISO_TIME.exec(value);
  if (!iso) throw new UsageRecordProblem(`${field}: must be ISO-8601 in UTC (ending in Z), e.g. 2024-01-01T00:00:00Z`);
  if (iso[7] !== undefined && /[1-9]/.test(iso[7])) throw new UsageRecordProblem(`${field}: must be whole seconds (the open API has no fractions)`);
  const ms = utcMs(iso[1]!, iso[2]!, iso[3]!, iso[4]!, iso[5]!, iso[6]!);
  if (Number.isNaN(ms)) throw new UsageRecordProblem(`${field}: not a real UTC time`);
  return ms;
}

/** The open API's time format, `yyyyMMdd'T'HHmmss'Z'` (UTC). */
export function wireTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** `yyyyMMddHH` of a wire time: the hour a record is counted under. */
export function hourOf(wire: string): string {
  return `${wire.slice(0, 8)}${wire.slice(9, 11)}`;
}

/** ISO-8601 of a wire time (for people). */
export function isoOfWire(wire: string): string {
  const m = WIRE_TIME.exec(wire);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : wire;
}

/**
 * The value as the open API takes it: decimal text, > 0, at most 4 decimals and {@link MAX_INTEGER_DIGITS}
 * integer digits, without leading or trailing zeros (`"012.50"` -> `"12.5"`).
 * @throws UsageRecordProblem
 */
export function normalizeUsageValue(value: unknown): string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UsageRecordProblem('usageValue: must be a finite number');
    text = String(value);
    if (/e/i.test(text)) throw new UsageRecordProblem('usageValue: must be > 0 with at most 4 decimals');
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw new UsageRecordProblem('usageValue: required, a number or a decimal string');
  }
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new UsageRecordProblem('usageValue: must be a positive decimal number such as 12 or 0.25');
  const intPart = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > 4) throw new UsageRecordProblem('usageValue: at most 4 decimals');
  if (intPart.length > MAX_INTEGER_DIGITS) throw new UsageRecordProblem(`usageValue: at most ${MAX_INTEGER_DIGITS} digits before the decimal point (Double(12,4))`);
  if (/^0$/.test(intPart) && frac === '') throw new UsageRecordProblem('usageValue: must be greater than 0');
  return frac === '' ? intPart : `${intPart}.${frac}`;
}

/** A mandatory or optional id: 1 to 64 characters, no control characters. */
function idField(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null || (!required && value === '')) {
    if (required) throw new UsageRecordProblem(`${field}: required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new UsageRecordProblem(`${field}: must be a string`);
  if (value.length === 0 || value.length > MAX_ID_LENGTH) throw new UsageRecordProblem(`${field}: must be 1 to ${MAX_ID_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new UsageRecordProblem(`${field}: must not contain control characters`);
  return value;
}

/**
 * The `meteringSn` given to a record without one: the first 32 hex characters of
 * SHA-256(`instanceId|beginTime|endTime|relatePkgInstance`), with wire-format times and '' for no package.
 * The same period of the same instance always gets the same sn, so reporting it twice is a duplicate (and
 * with another value, a conflict) rather than a second charge.
 */
export function defaultMeteringSn(instanceId: string, beginWire: string, endWire: string, relatePkgInstance?: string): string {
  return createHash('sha256').update(`${instanceId}|${beginWire}|${endWire}|${relatePkgInstance ?? ''}`, 'utf8').digest('hex').slice(0, 32);
}

/** SHA-256 hex of what a record says (not when it was stored): equal content, equal fingerprint. */
export function usageFingerprint(u: Pick<StoredUsage, 'instanceId' | 'usageValue' | 'beginTime' | 'endTime' | 'relatePkgInstance'>): string {
  return createHash('sha256').update(JSON.stringify([u.instanceId, u.usageValue, u.beginTime, u.endTime, u.relatePkgInstance ?? '']), 'utf8').digest('hex');
}

/**
 * Checks and normalises one record (everything but the instance, which needs the store).
 * @param nowMs the time of recording (epoch ms).
 * @throws UsageRecordProblem naming the field and the rule
 */
export function normalizeUsage(input: unknown, nowMs: number): NormalizedUsage {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new UsageRecordProblem('record: must be a JSON object');
  const o = input as Record<string, unknown>;
  const instanceId = idField(o.instanceId, 'instanceId', true) as string;
  const givenSn = idField(o.meteringSn, 'meteringSn', false);
  const relatePkgInstance = idField(o.relatePkgInstance, 'relatePkgInstance', false);
  const usageValue = normalizeUsageValue(o.usageValue);
  const beginMs = parseUsageTime(o.beginTime, 'beginTime');
  const endMs = parseUsageTime(o.endTime, 'endTime');
  if (endMs <= beginMs) throw new UsageRecordProblem('endTime: must be after beginTime');
  if (beginMs < nowMs - USAGE_WINDOW_MS) throw new UsageRecordProblem('beginTime: more than 21 days ago; the open API refuses it');
  if (endMs > nowMs + FUTURE_TOLERANCE_MS) throw new UsageRecordProblem('endTime: in the future; report usage once its period has ended');
  const beginTime = wireTime(beginMs);
  const endTime = wireTime(endMs);
  const usage: StoredUsage = {
    meteringSn: givenSn ?? defaultMeteringSn(instanceId, beginTime, endTime, relatePkgInstance),
    instanceId,
    usageValue,
    beginTime,
    endTime,
    ...(relatePkgInstance !== undefined ? { relatePkgInstance } : {}),
    recordedAt: nowMs,
  };
  return { entry: { usage, fingerprint: usageFingerprint(usage), hour: hourOf(beginTime) }, beginMs, endMs };
}
