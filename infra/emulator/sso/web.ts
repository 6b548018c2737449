/**
 * A browser as the SSO scenario needs one: a cookie jar that keeps cookies per host the way browsers do
 * (ports share cookies, `Path`, `Max-Age`/`Expires`, `Secure` only over https or on loopback, which
 * browsers treat as secure), and requests that never follow redirects on their own, so every hop can be
 * checked.
 * @module
 */
import { sendHttp, type HttpAnswer } from '../httpClient';

/** One stored cookie with the attributes the checks look at. */
export interface Cookie {
  name: string;
  value: string;
  /** Host the cookie belongs to (host-only), or the Domain attribute's value. */
  host: string;
  domain: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** `Lax`, `Strict`, `None`, or undefined when absent. */
  sameSite?: string;
  /** Epoch ms; undefined for a session cookie. */
  expiresAt?: number;
  /** The Set-Cookie header it came from. */
  raw: string;
}

/** A Set-Cookie header parsed (no storing). `maxAge`/`expires` as given. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

/** Splits one Set-Cookie header into name, value and lower-cased attributes. */
export function parseSetCookie(header: string): ParsedSetCookie | undefined {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = (at < 0 ? part : part.slice(0, at)).trim().toLowerCase();
    if (key) attributes.set(key, at < 0 ? '' : part.slice(at + 1).trim());
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

/** True for 127.0.0.0/8, ::1 and localhost, which browsers treat as secure contexts. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const secureContext = (url: URL) => url.protocol === 'https:' || isLoopbackHost(url.hostname);

function defaultPath(url: URL): string {
  const p = url.pathname;
  if (!p.startsWith('/') || p.lastIndexOf('/') === 0) return '/';
  return p.slice(0, p.lastIndexOf('/'));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** The cookies of one browser. */
export class CookieJar {
  private cookies: Cookie[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Stores (or removes, when expired) the cookies a response from `url` set. */
  store(url: URL, headers: readonly string[]): void {
    for (const header of headers) {
      const parsed = parseSetCookie(header);
      if (!parsed) continue;
      const { name, value, attributes } = parsed;
      const secure = attributes.has('secure');
      if (secure && !secureContext(url)) continue;
      const domainAttr = attributes.get('domain')?.replace(/^\./, '').toLowerCase();
      const host = domainAttr || url.hostname.toLowerCase();
      const path = attributes.get('path')?.startsWith('/') ? (attributes.get('path') as string) : defaultPath(url);
      let expiresAt: number | undefined;
      const maxAge = attributes.get('max-age');
      if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) expiresAt = this.now() + Number(maxAge) * 1000;
      else if (attributes.has('expires')) {
        const t = Date.parse(attributes.get('expires') ?? '');
        if (!Number.isNaN(t)) expiresAt = t;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === host && c.path === path));
      if (expiresAt !== undefined && expiresAt <= this.now()) continue;
      const cookie: Cookie = { name, value, host, domain: domainAttr !== undefined && domainAttr !== '', path, secure, httpOnly: attributes.has('httponly'), raw: header };
      const sameSite = attributes.get('samesite');
      if (sameSite !== undefined) cookie.sameSite = sameSite;
      if (expiresAt !== undefined) cookie.expiresAt = expiresAt;
      this.cookies.push(cookie);
    }
  }

  /** The cookies a request to `url` carries, longest path first. */
  matching(url: URL): Cookie[] {
    const host = url.hostname.toLowerCase();
    const now = this.now();
    this.cookies = this.cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
    return this.cookies
      .filter((c) => (c.domain ? host === c.host || host.endsWith(`.${c.host}`) : host === c.host))
      .filter((c) => pathMatches(url.pathname, c.path))
      .filter((c) => !c.secure || secureContext(url))
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** The `Cookie` header for `url`, or undefined. */
  header(url: URL): string | undefined {
    const list = this.matching(url);
    return list.length === 0 ? undefined : list.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** The cookie `name` a request to `url` would carry. */
  get(url: URL, name: string): Cookie | undefined {
    return this.matching(url).find((c) => c.name === name);
  }

  /** Sets a cookie by hand (e.g. to replay an old session id). */
  put(url: URL, name: string, value: string): void {
    this.store(url, [`${name}=${value}; Path=/`]);
  }
}

/** An answer with what the checks read. */
export interface WebAnswer extends HttpAnswer {
  url: string;
  text: string;
  /** The body as a JSON object, when it is one. */
  json?: Record<string, unknown>;
  /** The Location header resolved against the request URL. */
  location?: string;
  setCookies: string[];
}

/** Accept headers of a browser navigation and of a script asking for JSON. */
const ACCEPT_HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
export const ACCEPT_JSON = 'application/json';

/** What a request may add. */
export interface WebRequestOptions {
  accept?: string;
  headers?: Record<string, string>;
  /** Send no cookies (the jar still stores what comes back). */
  noCookies?: boolean;
}

/** One browser: its jar and its requests. Redirects are never followed automatically. */
export class WebClient {
  readonly jar: CookieJar;

  constructor(private readonly timeoutMs: number, jar?: CookieJar) {
    this.jar = jar ?? new CookieJar();
  }

  /** GET `url`. */
  get(url: string, options: WebRequestOptions = {}): Promise<WebAnswer> {
    return this.send('GET', url, undefined, options);
  }

  /** POST a form to `url` (an empty body when `form` is undefined). */
  post(url: string, form: Record<string, string> | undefined, options: WebRequestOptions = {}): Promise<WebAnswer> {
    return this.send('POST', url, form === undefined ? '' : new URLSearchParams(form).toString(), options);
  }

  private async send(method: 'GET' | 'POST', url: string, body: string | undefined, options: WebRequestOptions): Promise<WebAnswer> {
    const target = new URL(url);
    const headers: Record<string, string> = { Accept: options.accept ?? ACCEPT_HTML, 'User-Agent': 'kg-simulate-sso/1', ...options.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const cookie = options.noCookies ? undefined : this.jar.header(target);
    if (cookie) headers.Cookie = cookie;
    const answer = await sendHttp({ method, url: target.toString(), headers, ...(body !== undefined ? { body } : {}), timeoutMs: this.timeoutMs });
    const setCookies = answer.setCookies ?? [];
    this.jar.store(target, setCookies);
    const text = answer.body.toString('utf8');
    const out: WebAnswer = { ...answer, url: target.toString(), text, setCookies };
    const location = answer.headers.location;
    if (location) {
      try {
        out.location = new URL(location, target).toString();
      } catch {
        out.location = location;
      }
    }
    if (/^application\/json\b/i.test(answer.headers['content-type'] ?? '')) {
      try {
        const value: unknown = JSON.parse(text);
        if (value && typeof value === 'object' && !Array.isArray(value)) out.json = value as Record<string, unknown>;
      } catch {
        // not JSON after all: checks report it
      }
    }
    return out;
  }
}
