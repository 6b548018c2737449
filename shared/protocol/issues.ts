/**
 * Turns a schema failure into the one-line `resultMsg` the marketplace sees: `<field>: <rule>`, for example
 * `orderId: at most 64 characters` or `userList[2].role: required`. The rule is derived from the issue, never
 * from the received value, so input (possibly a secret) is not echoed.
 * @module
 */
import type { core } from 'zod/mini';

/** The part of a zod error this module reads. */
export interface IssueList {
  readonly issues: readonly core.$ZodIssue[];
}

/** Longest field path written into a message (characters). */
const MAX_PATH = 64;

/** `['userList', 2, 'role']` -> `userList[2].role`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out.length > MAX_PATH ? `${out.slice(0, MAX_PATH)}…` : out;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function unit(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  return '';
}

/** The rule an issue broke, in words. */
export function describeIssue(issue: core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : `must be ${article(issue.expected)}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'required';
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_format':
    case 'custom':
      return issue.message;
    default:
      return 'is invalid';
  }
}

/** `<field>: <rule>` for the first issue of a failed parse (`body: ...` when the whole value is wrong). */
export function firstIssue(error: IssueList): string {
  const issue = error.issues[0];
  if (!issue) return 'body: is invalid';
  const path = formatPath(issue.path);
  return `${path === '' ? 'body' : path}: ${describeIssue(issue)}`;
}
