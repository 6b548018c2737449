/**
 * The whole APIG setup in one idempotent call: resolve the group, bind domain and certificate, create
 * and publish the routes of every endpoint function.
 * @module
 */
import { deployedName, routesOf } from '../build/deployPlan';
import type { SetupAction } from './actions';
import type { ApigClient } from './apigClient';
import { ensureApis } from './ensureApis';
import { ensureDomain, type CertificateInput } from './ensureDomain';
import { aliasUrn, functionUrn, gatewayPaths, pageQuery, type Gateway } from './gateway';

export interface SetupOptions {
  gateway: Gateway;
  region: string;
  /** Either the id or the exact name of the API group (the `apiGroup` var of s.yaml). */
  groupId?: string;
  groupName?: string;
  /** Function folders; routes come from infra/build/deployPlan.ts. */
  functions: string[];
  /** Production domain (host only); absent = skip the domain step. */
  domain?: string;
  certificate?: CertificateInput;
  envId?: string;
  /** Alias the routes call (default `live`, the one kg deploy moves); `null`: the function's latest. */
  alias?: string | null;
  dryRun?: boolean;
}

/** Finds the id of the group named `name` (exact match). */
export async function resolveGroupId(client: ApigClient, gateway: Gateway, name: string): Promise<string> {
  const paths = gatewayPaths(gateway);
  const res = await client.call<{ groups?: Array<{ id: string; name: string }> }>({
    method: 'GET',
    path: paths.groups(),
    query: { name, ...pageQuery(gateway, 0, 500) },
  });
  const match = (res.groups ?? []).filter((g) => g.name === name);
  if (match.length === 0) throw new Error(`no API group named "${name}" (create it first, see docs/deploy.md)`);
  if (match.length > 1) throw new Error(`several API groups are named "${name}"; pass --group-id`);
  return match[0]!.id;
}

/** Runs every step; returns what each did. */
export async function setupApig(client: ApigClient, o: SetupOptions): Promise<SetupAction[]> {
  const paths = gatewayPaths(o.gateway);
  let groupId = o.groupId;
  if (!groupId) {
    if (!o.groupName) throw new Error('an API group id or name is needed');
    groupId = await resolveGroupId(client, o.gateway, o.groupName);
  }
  const actions: SetupAction[] = [];
  if (o.domain) {
    actions.push(
      ...(await ensureDomain(client, {
        gateway: o.gateway,
        paths,
        groupId,
        domain: o.domain,
        ...(o.certificate ? { certificate: o.certificate } : {}),
        ...(o.dryRun ? { dryRun: true } : {}),
      })),
    );
  }
  const routes = routesOf(o.functions).map((r) => ({
    ...r,
    functionUrn: functionUrn(o.region, o.gateway.projectId, deployedName(r.folder)),
    ...(o.alias === null ? {} : { aliasUrn: aliasUrn(o.region, o.gateway.projectId, deployedName(r.folder), o.alias ?? 'live') }),
  }));
  actions.push(
    ...(await ensureApis(client, {
      gateway: o.gateway,
      paths,
      groupId,
      routes,
      ...(o.envId ? { envId: o.envId } : {}),
      ...(o.dryRun ? { dryRun: true } : {}),
    })),
  );
  return actions;
}
