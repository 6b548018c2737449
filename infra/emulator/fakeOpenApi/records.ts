/**
 * The usage record rules of the open API (platform-and-open-api.md §6.3) as the fake applies them:
 * every field present and well formed (`MKT.0100`, unknown fields `MKT.0101`), value > 0 with at most
 * 4 decimals and within Double(12,4), times UTC `yyyyMMdd'T'HHmmss'Z'`, end after begin and not in the
 * future (`MKT.9002`), begin within the last 21 days (`MKT.9004`), instance known (`MKT.9001`).
 * @module
 */
import { parseSdkDate } from './akskVerifier';

/** One record of `usage_records` as the open API takes it (snake_case, times as `yyyyMMddTHHmmssZ`). */
export interface WireUsageRecord {
  instance_id: string;
  metering_sn: string;
  usage_value: string | number;
  record_time: string;
  begin_time: string;
  end_time: string;
  relate_pkg_instance?: string;
}

/** A record the open API refuses, as it reports it in `abnormal_usage_data[]`. */
export interface AbnormalRecord {
  metering_sn?: string;
  instance_id?: string;
  error_code: string;
  error_msg: string;
}

/** How far back `begin_time` may be. */
export const USAGE_WINDOW_MS = 21 * 86_400_000;
/** Clock tolerance for times in the future. */
const FUTURE_TOLERANCE_MS = 15 * 60_000;

const FIELDS = new Set(['instance_id', 'metering_sn', 'usage_value', 'record_time', 'begin_time', 'end_time', 'relate_pkg_instance']);
const VALUE = /^\d{1,8}(\.\d{1,4})?$/;

/** Why `value` is not a usage value (> 0, at most 4 decimals, Double(12,4)), or undefined. */
export function usageValueProblem(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'usage_value is not a finite number';
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return 'usage_value must be a string (or a number)';
  }
  if (!VALUE.test(text)) return `usage_value "${text.slice(0, 32)}" is not a decimal > 0 with at most 8 integer digits and 4 decimals`;
  if (Number(text) <= 0) return 'usage_value must be > 0';
  return undefined;
}

function stringField(r: Record<string, unknown>, name: string, max: number, required: boolean): string | undefined {
  const v = r[name];
  if (v === undefined) return required ? `${name} missing` : undefined;
  if (typeof v !== 'string' || v === '') return `${name} must be a non-empty string`;
  if (v.length > max) return `${name} is ${v.length} characters (limit ${max})`;
  return undefined;
}

/**
 * Checks one record. `knows(instanceId)` says whether the instance exists for this seller.
 * Returns the refusal, or undefined when the record is fine.
 */
export function checkUsageRecord(value: unknown, nowMs: number, knows: (instanceId: string) => boolean): AbnormalRecord | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error_code: 'MKT.0100', error_msg: 'a usage record must be a JSON object' };
  const r = value as Record<string, unknown>;
  const ids: Pick<AbnormalRecord, 'metering_sn' | 'instance_id'> = {};
  if (typeof r.metering_sn === 'string') ids.metering_sn = r.metering_sn;
  if (typeof r.instance_id === 'string') ids.instance_id = r.instance_id;
  const refuse = (error_code: string, error_msg: string): AbnormalRecord => ({ ...ids, error_code, error_msg });
  const unknown = Object.keys(r).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) return refuse('MKT.0101', `unknown field ${unknown.slice(0, 3).join(', ')}`);
  const shape =
    stringField(r, 'instance_id', 64, true) ??
    stringField(r, 'metering_sn', 64, true) ??
    stringField(r, 'relate_pkg_instance', 64, false) ??
    usageValueProblem(r.usage_value);
  if (shape) return refuse('MKT.0100', shape);
  const times: Record<string, number> = {};
  for (const name of ['record_time', 'begin_time', 'end_time']) {
    const v = r[name];
    const at = typeof v === 'string' ? parseSdkDate(v) : undefined;
    if (at === undefined) return refuse('MKT.0100', `${name} must be UTC yyyyMMdd'T'HHmmss'Z'`);
    times[name] = at;
  }
  const begin = times.begin_time ?? 0;
  const end = times.end_time ?? 0;
  if (end <= begin) return refuse('MKT.9002', 'end_time must be after begin_time');
  if (end > nowMs + FUTURE_TOLERANCE_MS) return refuse('MKT.9002', 'end_time is in the future');
  if ((times.record_time ?? 0) > nowMs + FUTURE_TOLERANCE_MS) return refuse('MKT.9002', 'record_time is in the future');
  if (begin < nowMs - USAGE_WINDOW_MS) return refuse('MKT.9004', 'begin_time is more than 21 days ago');
  if (!knows(r.instance_id as string)) return refuse('MKT.9001', 'instance id not found');
  return undefined;
}

/** The fields that make two records with one `metering_sn` the same usage (record_time, the push time, left out). */
export function usageIdentity(r: WireUsageRecord): string {
  return JSON.stringify([r.instance_id, Number(r.usage_value), r.begin_time, r.end_time, r.relate_pkg_instance ?? null]);
}
