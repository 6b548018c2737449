/**
 * The answers SSO sends: redirects and JSON, every one `Cache-Control: no-store` (a session answer or a
 * redirect carrying a cookie must never be cached) with `X-Content-Type-Options: nosniff` and
 * `Referrer-Policy: no-referrer` (a callback URL holds a single-use code). At most one `Set-Cookie` per
 * answer (see cookies.ts).
 * @module
 */
import type { HttpResponse } from '../platform/apig';

/** Headers on every SSO answer. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function withCookie(headers: Record<string, string>, cookie: string | undefined): Record<string, string> {
  return cookie === undefined ? headers : { ...headers, 'Set-Cookie': cookie };
}

/** `302 Found` to `location`, optionally setting one cookie. */
export function redirect(location: string, cookie?: string): HttpResponse {
  return { statusCode: 302, headers: withCookie({ ...BASE_HEADERS, Location: location }, cookie), body: '' };
}

/** A JSON answer. */
export function jsonAnswer(statusCode: number, body: unknown, cookie?: string): HttpResponse {
  return { statusCode, headers: withCookie({ ...BASE_HEADERS, 'Content-Type': 'application/json;charset=UTF-8' }, cookie), body: JSON.stringify(body) };
}
