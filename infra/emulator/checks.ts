/**
 * What the specification says every answer must look like (lifecycle.md §1.1, §2, §5), as functions
 * that return the problems they find (an empty list means the answer is fine). Messages name fields
 * and lengths, never credential values.
 * @module
 */
import type { Exchange } from './marketplace';

const RESULT_CODE = /^\d{6}$/;

/** HTTP 200, `Content-Type: application/json`, a JSON object with a 6-digit `resultCode` and a `resultMsg`. */
export function envelopeProblems(answer: Exchange): string[] {
  if (answer.error) return [answer.error];
  const problems: string[] = [];
  if (answer.status !== 200) problems.push(`HTTP ${answer.status} instead of 200`);
  const type = answer.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type.trim())) problems.push(`Content-Type "${type || '(none)'}" instead of application/json`);
  if (!answer.json) {
    problems.push(answer.parseError ?? 'body is not a JSON object');
    return problems;
  }
  const code = answer.json.resultCode;
  if (typeof code !== 'string' || !RESULT_CODE.test(code)) problems.push('resultCode missing or not a 6-digit string');
  // The FAQ says always include resultMsg (String 255) even though the field tables mark it optional.
  const msg = answer.json.resultMsg;
  if (typeof msg !== 'string') problems.push('resultMsg missing');
  else if (msg.length > 255) problems.push(`resultMsg is ${msg.length} chars (limit 255)`);
  return problems;
}

/** The `resultCode` of an answer, if it has one. */
export function resultCodeOf(answer: Exchange): string | undefined {
  const code = answer.json?.resultCode;
  return typeof code === 'string' ? code : undefined;
}

/** A non-empty string of at most `max` characters, or a problem naming the field. */
export function stringFieldProblems(value: unknown, field: string, max: number, required: boolean): string[] {
  if (value === undefined || value === null) return required ? [`${field} missing`] : [];
  if (typeof value !== 'string') return [`${field} is not a string`];
  if (required && value.length === 0) return [`${field} is empty`];
  if (value.length > max) return [`${field} is ${value.length} chars (limit ${max})`];
  return [];
}

/** The `info[]` entry for `instanceId` in a queryInstance answer. */
export function infoEntry(answer: Exchange, instanceId: string): Record<string, unknown> | undefined {
  const info = answer.json?.info;
  if (!Array.isArray(info)) return undefined;
  return info.find((e): e is Record<string, unknown> => !!e && typeof e === 'object' && (e as Record<string, unknown>).instanceId === instanceId);
}

/** V2 AppInfo (lifecycle.md §5.1): `frontEndUrl` mandatory, every field within its length. */
export function appInfoProblems(appInfo: unknown): string[] {
  if (!appInfo || typeof appInfo !== 'object') return ['appInfo missing'];
  const a = appInfo as Record<string, unknown>;
  return [
    ...stringFieldProblems(a.frontEndUrl, 'appInfo.frontEndUrl', 512, true),
    ...stringFieldProblems(a.adminUrl, 'appInfo.adminUrl', 512, false),
    ...stringFieldProblems(a.userName, 'appInfo.userName', 128, false),
    ...stringFieldProblems(a.password, 'appInfo.password', 128, false),
    ...stringFieldProblems(a.memo, 'appInfo.memo', 1024, false),
  ];
}

/** UsageInfo entries, when present (lifecycle.md §5.2): `usageValue` and `statisticalTime` mandatory. */
export function usageInfoProblems(entry: Record<string, unknown>): string[] {
  const usage = entry.usageInfo;
  if (usage === undefined) return [];
  if (!Array.isArray(usage)) return ['usageInfo is not an array'];
  const problems: string[] = [];
  usage.forEach((u, i) => {
    const item = (u ?? {}) as Record<string, unknown>;
    if (typeof item.usageValue !== 'number') problems.push(`usageInfo[${i}].usageValue missing or not a number`);
    if (typeof item.statisticalTime !== 'string' || !/^\d{17}$/.test(item.statisticalTime)) problems.push(`usageInfo[${i}].statisticalTime is not yyyyMMddHHmmssSSS`);
  });
  return problems;
}
