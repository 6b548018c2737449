/**
 * What the SSO contract (issue 10; joint-operation-kit-and-sso.md §11) says the merchant's /sso/* answers
 * look like, as functions returning the problems found (empty: fine). Messages never quote a code, token,
 * cookie value or secret.
 * @module
 */
import type { SessionView } from '../../../shared/sso/view';
import { isLoopbackHost, parseSetCookie, type WebAnswer } from './web';

/** The state cookie of the workbench flow (contract: `kg_sso_state`). */
export const STATE_COOKIE = 'kg_sso_state';

/** A URL without its query and fragment, for messages (queries carry codes and states). */
export function bare(url: string | undefined): string {
  if (!url) return '(none)';
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** How an answer reads in a report: status, JSON reason code, redirect target without its query. */
export function actualOf(a: WebAnswer): string | undefined {
  if (a.status === 0) return undefined;
  const reason = typeof a.json?.error === 'string' ? ` ${a.json.error}` : '';
  const to = a.status >= 300 && a.status < 400 ? ` -> ${bare(a.location)}` : '';
  return `${a.status}${reason}${to}`;
}

/** A status other than expected, or a transport failure. */
export function statusProblems(a: WebAnswer, expected: number | readonly number[]): string[] {
  if (a.error) return [a.error];
  const list = typeof expected === 'number' ? [expected] : expected;
  return list.includes(a.status) ? [] : [`HTTP ${a.status} where the contract expects ${list.join(' or ')}`];
}

const STACK = /\n\s+at\s+\S+.*\(?.*:\d+:\d+\)?|node_modules|\/(?:work|home|usr|opt)\/[\w./-]+\.(?:ts|js|cjs|mjs)/;

/** A body that shows a stack trace or source paths. */
export function leakProblems(a: WebAnswer): string[] {
  return STACK.test(a.text) ? ['the body shows a stack trace or a source path'] : [];
}

/** Set-Cookie headers that start a session (any cookie other than the state cookie with a value that is not being cleared). */
function sessionCookiesSet(a: WebAnswer): string[] {
  const names: string[] = [];
  for (const header of a.setCookies) {
    const c = parseSetCookie(header);
    if (!c || c.name === STATE_COOKIE || c.value === '' || cleared(header)) continue;
    names.push(c.name);
  }
  return names;
}

/** True for a Set-Cookie header that removes its cookie (empty value, Max-Age <= 0 or Expires in the past). */
export function cleared(header: string): boolean {
  const c = parseSetCookie(header);
  if (!c) return false;
  const maxAge = c.attributes.get('max-age');
  if (maxAge !== undefined && /^-?\d+$/.test(maxAge) && Number(maxAge) <= 0) return true;
  const expires = c.attributes.get('expires');
  if (expires !== undefined && Date.parse(expires) <= Date.now()) return true;
  return false;
}

/**
 * A refusal of the contract: the status, JSON `{ error, message }` with the reason code (the request asked
 * for JSON), no session cookie, no redirect, no stack trace.
 */
export function refusalProblems(a: WebAnswer, status: number, error: string): string[] {
  const problems = statusProblems(a, status);
  if (a.error) return problems;
  if (!a.json) problems.push(`Content-Type "${a.headers['content-type'] ?? '(none)'}" or body is not the JSON refusal asked for with Accept: application/json`);
  else {
    if (a.json.error !== error) problems.push(`reason "${String(a.json.error)}" where the contract expects "${error}"`);
    if (typeof a.json.message !== 'string' || a.json.message === '') problems.push('message missing');
  }
  const started = sessionCookiesSet(a);
  if (started.length > 0) problems.push(`a refusal set cookie ${started.join(', ')}`);
  if (a.headers.location) problems.push(`a refusal redirects (to ${bare(a.location)})`);
  problems.push(...leakProblems(a));
  return problems;
}

/** A refusal shown as a page to a browser: the status, HTML naming the reason code, no stack trace. */
export function pageRefusalProblems(a: WebAnswer, status: number, error: string): string[] {
  const problems = statusProblems(a, status);
  if (a.error) return problems;
  if (!/^text\/html\b/i.test(a.headers['content-type'] ?? '')) problems.push(`Content-Type "${a.headers['content-type'] ?? '(none)'}" instead of text/html for a browser`);
  if (!a.text.includes(error)) problems.push(`the page does not name the reason code "${error}"`);
  problems.push(...leakProblems(a));
  return problems;
}

/** The user a session must show (GET /sso/session): the session's view but its expiry. */
export type ExpectedSession = Omit<SessionView, 'expiresAt'>;

/** 200 JSON `{userName, name, role, orgCode, tenantId, tenantName, appId, expiresAt}` for `who`. */
export function sessionProblems(a: WebAnswer, who: ExpectedSession): string[] {
  const problems = statusProblems(a, 200);
  if (problems.length > 0) return a.json && typeof a.json.error === 'string' ? [...problems, `reason "${a.json.error}"`] : problems;
  if (!a.json) return ['the session is not a JSON object'];
  for (const [field, value] of Object.entries(who)) {
    if (a.json[field] !== value) problems.push(`${field} is ${JSON.stringify(a.json[field])} where ${JSON.stringify(value)} was synced`);
  }
  const expiresAt = a.json.expiresAt;
  const now = Date.now();
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) problems.push('expiresAt is not a number (epoch ms)');
  else if (expiresAt <= now) problems.push('expiresAt is in the past');
  else if (expiresAt > now + 12 * 3_600_000 + 60_000) problems.push('expiresAt is later than the 12 h absolute limit (not epoch ms?)');
  return problems;
}

/** 401 JSON `{ "error": "no_session" }`. */
export function noSessionProblems(a: WebAnswer): string[] {
  const problems = statusProblems(a, 401);
  if (a.error) return problems;
  if (a.json?.error !== 'no_session') problems.push(`body is not {"error":"no_session"} (reason ${JSON.stringify(a.json?.error)})`);
  return problems;
}

/** The attributes of the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure unless the app is http on loopback. */
export function sessionCookieProblems(header: string, appUrl: string): string[] {
  const c = parseSetCookie(header);
  if (!c) return ['the session Set-Cookie does not parse'];
  const problems: string[] = [];
  if (!c.attributes.has('httponly')) problems.push('session cookie without HttpOnly');
  if ((c.attributes.get('samesite') ?? '').toLowerCase() !== 'lax') problems.push(`session cookie SameSite=${c.attributes.get('samesite') ?? '(none)'} instead of Lax`);
  if (c.attributes.get('path') !== '/') problems.push(`session cookie Path=${c.attributes.get('path') ?? '(none)'} instead of /`);
  let app: URL | undefined;
  try {
    app = new URL(appUrl);
  } catch {
    app = undefined;
  }
  const local = app !== undefined && app.protocol === 'http:' && isLoopbackHost(app.hostname);
  if (!local && !c.attributes.has('secure')) problems.push('session cookie without Secure');
  if (local && c.attributes.has('secure')) problems.push('session cookie Secure on a http loopback app (the browser would drop it)');
  // 256-bit ids (issue 10): base64url of 32 bytes is 43 characters.
  if (c.value.length < 43) problems.push(`session id of ${c.value.length} characters (fewer than 256 bits)`);
  return problems;
}
