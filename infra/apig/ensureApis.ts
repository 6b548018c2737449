/**
 * Creates the public routes of docs/design.md (shared/routeTable.ts) as APIs of the group (backend = the matching function,
 * no APIG auth: the functions verify KooGallery's signatures) and publishes them, creating only what is
 * missing and publishing only what is not yet published: a second run sends no mutation.
 * @module
 */
import type { Route } from '../build/deployPlan';
import type { SetupAction } from './actions';
import type { ApigClient } from './apigClient';
import { pageQuery, type Gateway, type GatewayPaths } from './gateway';

/** An API as the list call returns it. */
interface ListedApi {
  id: string;
  name: string;
  group_id?: string;
  req_method: string;
  req_uri: string;
  /** Set once published (v2: publish_id / run_env_id). */
  publish_id?: string;
  run_env_id?: string;
}

/** One route and the function URN that serves it. */
export interface RouteTarget extends Route {
  folder: string;
  functionUrn: string;
  /** The alias APIG calls (`live`, moved by kg deploy / kg rollback); absent: the function's latest. */
  aliasUrn?: string;
}

export interface EnsureApisOptions {
  gateway: Gateway;
  paths: GatewayPaths;
  groupId: string;
  routes: RouteTarget[];
  /** Environment to publish to; the default RELEASE environment id. */
  envId?: string;
  /** APIG backend timeout (ms). Default 5000. */
  backendTimeoutMs?: number;
  dryRun?: boolean;
}

/** The default RELEASE environment of every APIG group. */
export const RELEASE_ENV_ID = 'DEFAULT_ENVIRONMENT_RELEASE_ID';

const PAGE = 500;

/** APIG API names: letters, digits and `_`, starting with a letter. */
export function apiName(route: Route & { folder: string }): string {
  const path = route.path === '/' ? 'root' : route.path.replace(/^\/+/, '').replace(/[^A-Za-z0-9]+/g, '_');
  return `kg_${route.folder.replace(/[^A-Za-z0-9]+/g, '_')}_${route.method.toLowerCase()}_${path}`;
}

async function listApis(client: ApigClient, o: EnsureApisOptions): Promise<ListedApi[]> {
  const all: ListedApi[] = [];
  for (let page = 0; ; page++) {
    const res = await client.call<{ apis?: ListedApi[]; total?: number }>({
      method: 'GET',
      path: o.paths.apis(),
      query: { group_id: o.groupId, ...pageQuery(o.gateway, page, PAGE) },
    });
    const apis = res.apis ?? [];
    all.push(...apis);
    if (apis.length < PAGE || (res.total !== undefined && all.length >= res.total)) break;
  }
  // The filter is a query parameter the gateway may ignore; check it here too.
  return all.filter((a) => a.group_id === undefined || a.group_id === o.groupId);
}

/** Makes sure every route exists in the group and is published. */
export async function ensureApis(client: ApigClient, o: EnsureApisOptions): Promise<SetupAction[]> {
  const actions: SetupAction[] = [];
  const existing = await listApis(client, o);
  const toPublish: string[] = [];
  for (const route of o.routes) {
    const label = `API ${route.method} ${route.path} -> ${route.folder}`;
    const found = existing.find((a) => a.req_method.toUpperCase() === route.method && a.req_uri === route.path);
    if (found) {
      actions.push({ outcome: 'exists', what: label });
      if (!found.publish_id && !found.run_env_id) toPublish.push(found.id);
      continue;
    }
    if (o.dryRun) {
      actions.push({ outcome: 'planned', what: `create ${label}` });
      continue;
    }
    const created = await client.call<{ id: string }>({
      method: 'POST',
      path: o.paths.apis(),
      body: {
        group_id: o.groupId,
        name: apiName(route),
        type: 1,
        req_protocol: 'HTTPS',
        req_method: route.method,
        req_uri: route.path,
        auth_type: 'NONE',
        match_mode: 'NORMAL',
        backend_type: 'FUNCTION',
        remark: `KooGallery merchant kit: ${route.folder}`,
        func_info: {
          function_urn: route.functionUrn,
          invocation_type: 'sync',
          timeout: o.backendTimeoutMs ?? 5000,
          version: 'latest',
          // An alias URN wins over the version: traffic follows `live`.
          ...(route.aliasUrn ? { alias_urn: route.aliasUrn } : {}),
        },
      },
    });
    actions.push({ outcome: 'created', what: label });
    toPublish.push(created.id);
  }
  if (toPublish.length > 0) {
    if (o.dryRun) {
      actions.push({ outcome: 'planned', what: `publish ${toPublish.length} API(s)` });
    } else {
      await client.call({ method: 'POST', path: o.paths.apiAction(), body: { action: 'online', env_id: o.envId ?? RELEASE_ENV_ID, apis: toPublish } });
      actions.push({ outcome: 'updated', what: `published ${toPublish.length} API(s) to ${o.envId ?? RELEASE_ENV_ID}` });
    }
  }
  return actions;
}
