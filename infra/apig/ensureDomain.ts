/**
 * Binds the production domain to the API group and its SSL certificate to the domain, each only when
 * missing: a second run sends no mutation.
 * @module
 */
import type { SetupAction } from './actions';
import type { ApigClient } from './apigClient';
import type { Gateway, GatewayPaths } from './gateway';

/** A domain as APIG lists it inside a group (`url_domains`). */
interface UrlDomain {
  id: string;
  domain: string;
  ssl_id?: string;
  ssl_name?: string;
}

/** PEM certificate chain and key to bind, under a name (4-50 chars, starts with a letter). */
export interface CertificateInput {
  name: string;
  certificatePem: string;
  privateKeyPem: string;
}

export interface EnsureDomainOptions {
  gateway: Gateway;
  paths: GatewayPaths;
  groupId: string;
  /** Host name only, e.g. `saas.example.com`. */
  domain: string;
  /** Absent: bind the domain only. A certificate under a new name replaces the bound one. */
  certificate?: CertificateInput;
  /** Report what would be done without mutating. */
  dryRun?: boolean;
}

/** Makes sure `domain` (and its certificate) is bound to the group. */
export async function ensureDomain(client: ApigClient, o: EnsureDomainOptions): Promise<SetupAction[]> {
  const actions: SetupAction[] = [];
  const group = await client.call<{ url_domains?: UrlDomain[] }>({ method: 'GET', path: o.paths.group(o.groupId) });
  const wanted = o.domain.toLowerCase();
  let bound = (group.url_domains ?? []).find((d) => d.domain.toLowerCase() === wanted);
  if (bound) {
    actions.push({ outcome: 'exists', what: `domain ${o.domain}` });
  } else if (o.dryRun) {
    actions.push({ outcome: 'planned', what: `bind domain ${o.domain}` });
  } else {
    const body: Record<string, unknown> =
      o.gateway.kind === 'dedicated'
        ? { url_domain: o.domain, min_ssl_version: 'TLSv1.2', is_http_redirect_to_https: true }
        : { url_domain: o.domain };
    const created = await client.call<{ id: string; url_domain?: string }>({ method: 'POST', path: o.paths.domains(o.groupId), body });
    bound = { id: created.id, domain: created.url_domain ?? o.domain };
    actions.push({ outcome: 'created', what: `domain ${o.domain}` });
  }
  if (!o.certificate) return actions;
  if (bound?.ssl_id && bound.ssl_name === o.certificate.name) {
    actions.push({ outcome: 'exists', what: `certificate ${o.certificate.name} on ${o.domain}` });
  } else if (o.dryRun || !bound) {
    actions.push({ outcome: 'planned', what: `bind certificate ${o.certificate.name} to ${o.domain}` });
  } else {
    await client.call({
      method: 'POST',
      path: o.paths.certificate(o.groupId, bound.id),
      body: { name: o.certificate.name, cert_content: o.certificate.certificatePem, private_key: o.certificate.privateKeyPem },
    });
    actions.push({ outcome: bound.ssl_id ? 'updated' : 'created', what: `certificate ${o.certificate.name} on ${o.domain}` });
  }
  return actions;
}
