/**
 * The answers a merchant's backend may give to the `http` provisioner, validated with zod/mini.
 *
 * - success: `{ "ok": true }`; `provision` must add `app` (`frontEndUrl` required); `checkChange` must
 *   add `allowed` (boolean) and may add `message`.
 * - refusal: `{ "ok": false, "resultCode": "0001xx" | "000005", "resultMsg": "..." }`.
 *
 * Unknown extra fields are ignored (tolerant reader). A refusal without `resultMsg` gets the
 * documented default text, and messages longer than 255 characters are cut (the field is `String 255`).
 * @module
 */
import { boolean, enum as zenum, literal, maxLength, object, optional, safeParse, string } from 'zod/mini';
import { RESULT, RESULT_MESSAGE } from '../core/resultCodes';
import type { ProvisionedApp, ProvisionRefusal } from './Provisioner';
import type { ProvisionerStep } from './provisionerSignature';
import { MAX_URL_LENGTH, urlProblem } from './urlTemplate';

/** Codes a backend may refuse with: the documented business codes 000100-000107, and 000005. */
export const REFUSAL_CODES = [
  RESULT.NO_RESOURCE,
  RESULT.MOBILE_OR_APP_SECRET,
  RESULT.EMAIL_INVALID,
  RESULT.REPURCHASE_FORBIDDEN,
  RESULT.PRODUCT_INTERNAL_ERROR,
  RESULT.ALREADY_ENTITLED,
  RESULT.SOLD_OUT,
  RESULT.EMAIL_DOMAIN_TAKEN,
  RESULT.INTERNAL_ERROR,
] as const;

/** `resultMsg` is `String 255`. */
const MAX_RESULT_MSG_LENGTH = 255;

const okHead = object({ ok: boolean() });

const refusalSchema = object({
  ok: literal(false),
  resultCode: zenum(REFUSAL_CODES),
  resultMsg: optional(string()),
});

// Lengths are those of the V2 AppInfo (lifecycle.md §5.1).
const appSchema = object({
  frontEndUrl: string().check(maxLength(MAX_URL_LENGTH)),
  adminUrl: optional(string().check(maxLength(MAX_URL_LENGTH))),
  userName: optional(string().check(maxLength(128))),
  password: optional(string().check(maxLength(128))),
  memo: optional(string().check(maxLength(1024))),
});

const provisionedSchema = object({ ok: literal(true), app: appSchema });
const checkedSchema = object({ ok: literal(true), allowed: boolean(), message: optional(string()) });
const doneSchema = object({ ok: literal(true) });

/** A backend answer after validation. `invalid.detail` names fields and issue codes only, never values. */
export type BackendAnswer =
  | { kind: 'provisioned'; app: ProvisionedApp }
  | { kind: 'checked'; allowed: boolean; message?: string }
  | { kind: 'done' }
  | { kind: 'refused'; refusal: ProvisionRefusal }
  | { kind: 'invalid'; detail: string };

function describeIssues(issues: ReadonlyArray<{ path: readonly PropertyKey[]; code: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.code}`)
    .join('; ');
}

function cut(text: string): string {
  return text.length > MAX_RESULT_MSG_LENGTH ? text.slice(0, MAX_RESULT_MSG_LENGTH) : text;
}

/** Validates the parsed JSON `value` a backend answered to `step`. */
export function parseBackendAnswer(step: ProvisionerStep, value: unknown): BackendAnswer {
  const head = safeParse(okHead, value);
  if (!head.success) return { kind: 'invalid', detail: describeIssues(head.error.issues) };
  if (!head.data.ok) {
    const refusal = safeParse(refusalSchema, value);
    if (!refusal.success) return { kind: 'invalid', detail: describeIssues(refusal.error.issues) };
    const { resultCode, resultMsg } = refusal.data;
    const text = resultMsg === undefined || resultMsg.trim() === '' ? RESULT_MESSAGE[resultCode] : cut(resultMsg);
    return { kind: 'refused', refusal: { refused: true, resultCode, resultMsg: text } };
  }
  if (step === 'provision') {
    const parsed = safeParse(provisionedSchema, value);
    if (!parsed.success) return { kind: 'invalid', detail: describeIssues(parsed.error.issues) };
    const app = parsed.data.app;
    for (const field of ['frontEndUrl', 'adminUrl'] as const) {
      const url = app[field];
      const problem = url === undefined ? undefined : urlProblem(url);
      if (problem) return { kind: 'invalid', detail: `app.${field}: ${problem}` };
    }
    const result: ProvisionedApp = { frontEndUrl: app.frontEndUrl };
    if (app.adminUrl !== undefined) result.adminUrl = app.adminUrl;
    if (app.userName !== undefined) result.userName = app.userName;
    if (app.password !== undefined) result.password = app.password;
    if (app.memo !== undefined) result.memo = app.memo;
    return { kind: 'provisioned', app: result };
  }
  if (step === 'checkChange') {
    const parsed = safeParse(checkedSchema, value);
    if (!parsed.success) return { kind: 'invalid', detail: describeIssues(parsed.error.issues) };
    const { allowed, message } = parsed.data;
    return message === undefined ? { kind: 'checked', allowed } : { kind: 'checked', allowed, message: cut(message) };
  }
  const parsed = safeParse(doneSchema, value);
  return parsed.success ? { kind: 'done' } : { kind: 'invalid', detail: describeIssues(parsed.error.issues) };
}
