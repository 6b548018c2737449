/**
 * Reading the `Cookie` request header and writing `Set-Cookie`. Every cookie SSO sets is
 * `HttpOnly; Secure; SameSite=Lax; Path=/` (`Secure` left out only for an http loopback app, for local
 * rehearsal). An answer sets at most one cookie: APIG's response `headers` is a map of strings, and
 * whether it honours `multiValueHeaders` is not documented (platform-and-open-api.md §2.2), so no answer
 * depends on two `Set-Cookie` headers.
 * @module
 */

/**
 * The first value of cookie `name` in a `Cookie` header, or undefined. Pairs are split on `;` (and on `,`,
 * which a proxy joining two Cookie headers leaves); a quoted value is unquoted.
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  for (const part of header.split(/[;,]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** How a cookie is written. */
export interface CookieOptions {
  /** Add `Secure`. */
  secure: boolean;
  /** `Max-Age` (s); absent: a browser-session cookie (the server decides when the session ends). */
  maxAgeS?: number;
}

function attributes(options: CookieOptions): string {
  return `; HttpOnly${options.secure ? '; Secure' : ''}; SameSite=Lax; Path=/`;
}

/** A `Set-Cookie` value setting `name` to `value` (which must be cookie-safe: base64url here). */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  return `${name}=${value}${attributes(options)}${options.maxAgeS !== undefined ? `; Max-Age=${Math.max(0, Math.floor(options.maxAgeS))}` : ''}`;
}

/** A `Set-Cookie` value removing `name` (same attributes, empty value, `Max-Age=0` and a past `Expires`). */
export function clearCookie(name: string, options: { secure: boolean }): string {
  return `${name}=${attributes(options)}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}
