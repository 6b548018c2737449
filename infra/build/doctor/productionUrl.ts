/**
 * The production address rules of the seller console: https, port 443, a public domain name (never an
 * IP), no query string (security-and-crypto.md §1.1, joint-operation-kit-and-sso.md §2.1).
 * @module
 */
import { isIP } from 'node:net';
import { error, ok, warn, type Finding } from './finding';

const AREA = 'production-url';

/** Checks one production address; `source` names where it came from (for the messages). */
export function checkProductionUrl(raw: string | undefined, source: string): Finding[] {
  if (raw === undefined || raw.trim() === '') {
    return [warn(AREA, 'no production address to check', 'set KG_PRODUCTION_URL or pass --url https://your.domain')];
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return [error(AREA, `${source} is not a URL`, 'write it as https://your.domain')];
  }
  const findings: Finding[] = [];
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:') findings.push(error(AREA, `${source} uses ${url.protocol.replace(':', '')}, the marketplace calls https only`, 'use https:// and bind a certificate (kg apig --cert --key)'));
  if (url.port !== '' && url.port !== '443') findings.push(error(AREA, `${source} uses port ${url.port}; only 443 is accepted`, 'drop the port and serve on 443'));
  if (isIP(host) !== 0) findings.push(error(AREA, `${source} is an IP address; a domain name is required`, 'bind a domain to the APIG group (kg apig --domain)'));
  else if (host === 'localhost' || !host.includes('.') || /\.(local|localhost|internal|test|invalid)$/.test(host)) {
    findings.push(error(AREA, `${host} is not a public domain name`, 'use the domain bound to the APIG group'));
  } else if (/(^|\.)example\.(com|org|net)$/.test(host)) {
    findings.push(error(AREA, `${host} is the template's placeholder domain`, 'set your own domain (s.yaml vars.domain, KG_PRODUCTION_URL)'));
  }
  if (url.search !== '') findings.push(error(AREA, `${source} has a query string; the marketplace appends its own`, 'remove everything from "?"'));
  if (url.hash !== '') findings.push(error(AREA, `${source} has a fragment`, 'remove everything from "#"'));
  if (url.username !== '' || url.password !== '') findings.push(error(AREA, `${source} carries user information`, 'remove the user:password@ part'));
  if (url.pathname !== '/' && url.pathname !== '') {
    findings.push(warn(AREA, `${source} has the path ${url.pathname}; the APIs are created at / and /produceAPI/...`, 'register the bare domain, or create matching routes under that path'));
  }
  if (findings.length === 0) findings.push(ok(AREA, `${url.origin} is https on 443 with a domain name`));
  return findings;
}
