/**
 * The two APIG flavours and their REST paths. The fgs component can only create `/<functionName>` on
 * the shared gateway and cannot bind domains (platform-and-open-api.md §2.3, §3.6), so the kit's
 * public routes and the custom domain are set up through these APIs.
 *
 * Dedicated gateway (the default): `/v2/{project_id}/apigw/instances/{instance_id}/...` (documented).
 * Shared gateway (legacy, kept by Huawei for existing users only; `kg apig --shared`): the same resources under `/v1.0/apigw/...` (the legacy API the fgs component uses);
 * the reference names only its group endpoint, so the other shared paths are our reading of the
 * legacy API and the tolerant choice is to send the smallest bodies that API documents.
 * @module
 */

/** Which APIG the group lives in. */
export type Gateway = { kind: 'dedicated'; projectId: string; instanceId: string } | { kind: 'shared'; projectId: string };

/** REST paths of one gateway. */
export interface GatewayPaths {
  groups(): string;
  group(groupId: string): string;
  domains(groupId: string): string;
  certificate(groupId: string, domainId: string): string;
  apis(): string;
  apiAction(): string;
}

/** Builds the REST paths of `gateway`. */
export function gatewayPaths(gateway: Gateway): GatewayPaths {
  const base =
    gateway.kind === 'dedicated'
      ? `/v2/${encodeURIComponent(gateway.projectId)}/apigw/instances/${encodeURIComponent(gateway.instanceId)}`
      : '/v1.0/apigw';
  const g = (id: string) => `${base}/api-groups/${encodeURIComponent(id)}`;
  return {
    groups: () => `${base}/api-groups`,
    group: g,
    domains: (groupId) => `${g(groupId)}/domains`,
    certificate: (groupId, domainId) => `${g(groupId)}/domains/${encodeURIComponent(domainId)}/certificate`,
    apis: () => `${base}/apis`,
    apiAction: () => `${base}/apis/action`,
  };
}

/** The FunctionGraph URN APIG needs as a FUNCTION backend (package `default`, version `latest`). */
export function functionUrn(region: string, projectId: string, functionName: string): string {
  return `urn:fss:${region}:${projectId}:function:default:${functionName}:latest`;
}

/**
 * The URN of alias `alias` of a function (FunctionGraph writes an alias qualifier as `!alias`). APIG
 * calls the alias, so `kg deploy` (publish, move `live`) and `kg rollback` switch traffic without
 * touching a route.
 */
export function aliasUrn(region: string, projectId: string, functionName: string, alias: string): string {
  return `urn:fss:${region}:${projectId}:function:default:${functionName}:!${alias}`;
}

/** Query parameters of one page of a list call: v2 pages by offset/limit, v1.0 by page_no/page_size. */
export function pageQuery(gateway: Gateway, index: number, size: number): Record<string, string> {
  return gateway.kind === 'dedicated'
    ? { offset: String(index * size), limit: String(size) }
    : { page_no: String(index + 1), page_size: String(size) };
}
