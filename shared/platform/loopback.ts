/**
 * The one exception to "https only" for every address a function calls or sends a browser to: a loopback
 * host, so a merchant can rehearse everything on one machine.
 * @module
 */

/** Whether `hostname` (as `URL.hostname` gives it) names this machine: `localhost`, `127.0.0.0/8`, `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Whether a function may call or send a browser to `url`: https, or http to a loopback host. */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
