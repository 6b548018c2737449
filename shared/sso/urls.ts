/**
 * The address rules of SSO: every address a browser is sent to or the function calls is https, or http to a
 * loopback host (local rehearsal); the tenant's IdP endpoints are built from the kit's `domainName` only,
 * never from a request; the unified login URL carries `ind=UNOP&appId=` after its fragment's path.
 * @module
 */
import { isHttpsOrLoopback } from '../platform/loopback';

/** An absolute https URL, or http to a loopback host, without user info; undefined otherwise. */
export function webUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  return isHttpsOrLoopback(url) ? url : undefined;
}

/**
 * The tenant IdP's base URL from the kit's `domainName` (§11.3 `{domain_name}`), or undefined when it may
 * not be called: not https (http only for loopback), user info, a query or a fragment. A bare host name
 * (`idp.example.com`, as the CAS row `https://{domain_name}` writes it) is read as https. A path is kept,
 * so an IdP under a prefix works.
 */
export function idpBase(domainName: string): URL | undefined {
  const text = domainName.trim();
  if (text === '') return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  const url = webUrl(withScheme);
  if (!url || url.search !== '' || url.hash !== '') return undefined;
  return url;
}

/** `base` + an IdP path such as `/api/v1/oauth2/token` (the base's own path kept, one slash between). */
export function idpEndpoint(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url;
}

/**
 * The unified login URL: `ind=UNOP&appId=<appId>` goes after the fragment's path when the page has a
 * fragment (the default `.../unified-login/#/portal-login?ind=UNOP&appId=X`), else into the query.
 */
export function unifiedLoginUrl(page: string, appId: string): string {
  const params = `ind=UNOP&appId=${encodeURIComponent(appId)}`;
  const hash = page.indexOf('#');
  if (hash >= 0) {
    const fragment = page.slice(hash + 1);
    return `${page}${fragment.includes('?') ? '&' : '?'}${params}`;
  }
  const url = new URL(page);
  url.searchParams.set('ind', 'UNOP');
  url.searchParams.set('appId', appId);
  return url.href;
}
