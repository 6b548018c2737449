/**
 * How each function is deployed: its trigger, memory and timeout. An endpoint's public routes come from
 * the route table (shared/routeTable.ts, declared by each spec); s.yaml is rendered from this plan and
 * the APIG script creates the routes, so a new function needs one line here (the build refuses a folder
 * it does not know).
 * @module
 */
import { ROUTE_TABLE, type Route } from '../../shared/routeTable';

export type { Route };

/** How the platform reaches a function. */
export type Trigger =
  /** APIG trigger in the shared group; `routes` are the public paths created by infra/apig. */
  | { kind: 'endpoint'; routes: Route[] }
  /** TIMER trigger. `scheduleType` Rate takes `'1m'`-style values, Cron takes 6-field Quartz-style values. */
  | { kind: 'timer'; scheduleType: 'Rate' | 'Cron'; schedule: string };

/** Deployment facts of one function. */
export interface FunctionPlan {
  trigger: Trigger;
  /** FunctionGraph memory (MB), one of the platform's sizes. */
  memoryMb: number;
  /** FunctionGraph timeout (s). */
  timeoutS: number;
  description: string;
}

/** The routes a spec declares for `folder`. */
function routesFor(folder: string): Route[] {
  const routes = ROUTE_TABLE[folder];
  if (!routes) throw new Error(`${folder} declares no routes: add its spec's routes to shared/routeTable.ts`);
  return [...routes];
}

const endpoint = (routes: Route[], description: string): FunctionPlan => ({
  trigger: { kind: 'endpoint', routes },
  memoryMb: 256,
  // Well above the APIG backend timeout (5000 ms): APIG gives up first and the function still finishes its write.
  timeoutS: 10,
  description,
});

/** Every function the project knows how to deploy, by folder name. */
export const DEPLOY_PLAN: Readonly<Record<string, FunctionPlan>> = {
  produce: endpoint(routesFor('produce'), 'KooGallery basic interfaces: V2 POST and V1 GET on the production address'),
  'tenant-sync': endpoint(routesFor('tenant-sync'), 'Joint-operation kit: tenant sync'),
  'application-sync': endpoint(routesFor('application-sync'), 'Joint-operation kit: application sync'),
  'auth-sync': endpoint(routesFor('auth-sync'), 'Joint-operation kit: user authorisation sync'),
  'single-org-sync': endpoint(routesFor('single-org-sync'), 'Joint-operation kit: incremental department sync'),
  'all-org-sync': endpoint(routesFor('all-org-sync'), 'Joint-operation kit: full department sync'),
  // 联营 SSO on the app's domain: /sso/login, /sso/callback (the 应用凭证 callback), /sso/session; /sso/logout.
  'sso-login': endpoint(routesFor('sso-login'), 'Joint-operation SSO: login, IdP callback and session'),
  'sso-logout': endpoint(routesFor('sso-logout'), 'Joint-operation SSO: logout (local session and the tenant IdP)'),
  // The merchant's back end reports on-demand usage here (HMAC-signed, KG_USAGE_INGEST_KEY).
  'usage-ingest': endpoint(routesFor('usage-ingest'), 'On-demand usage reported by the merchant back end (POST /usage)'),
  // The template API product behind the Agents gateway (JWT, KG_GATEWAY_KEYS): POST /v1/chat/completions.
  'agent-api-example': endpoint(routesFor('agent-api-example'), 'API product template: OpenAI-compatible chat completions with usage'),
  'provision-worker': {
    trigger: { kind: 'timer', scheduleType: 'Rate', schedule: '1m' },
    memoryMb: 256,
    // Matches the default provisioning lease (KG_PROVISION_LEASE_MS 60000 ms).
    timeoutS: 60,
    description: 'Finishes provisioning that answered 000004 (timer and async invoke)',
  },
  'usage-push': {
    // Every 10 minutes, at minute 2, 12, 22, ...: an hour's usage reported by :10 reaches KooGallery by :12,
    // inside the minutes 0-15 the marketplace asks of hourly-billed products.
    trigger: { kind: 'timer', scheduleType: 'Cron', schedule: '0 2/10 * * * ?' },
    memoryMb: 256,
    // A run stops starting pushes when less than one push's worst case is left.
    timeoutS: 300,
    description: 'Pushes recorded on-demand usage to the KooGallery open API (every 10 minutes)',
  },
  'ops-watch': {
    // Every 5 minutes, at minute 1, 6, 11, ... (apart from usage-push's minute 2). The fgs component deploys one
    // trigger per function, so this timer also carries the daily reconciliation: the first run at or after
    // 02:00 China time claims the day (shared/ops/nightlyRun.ts); a timer added by hand with user event
    // `reconcile` runs it at once.
    trigger: { kind: 'timer', scheduleType: 'Cron', schedule: '0 1/5 * * * ?' },
    memoryMb: 256,
    // The reconciliation gets what is left but 60 s, kept for the alerts (one order query at a time, 10 a second at most).
    timeoutS: 300,
    description: 'Alerts on failed orders, dial tests, stuck usage, kit forwards and Redis; daily reconciliation',
  },
};

/** The deployed FunctionGraph name of a function folder. */
export function deployedName(folder: string): string {
  return `kg-${folder}`;
}

/** The plan of `folder`, or an error that says where to add it. */
export function planFor(folder: string): FunctionPlan {
  const plan = DEPLOY_PLAN[folder];
  if (!plan) throw new Error(`functions/${folder} has no deployment plan: add it to infra/build/deployPlan.ts`);
  return plan;
}

/** Every public route with the function that serves it, in plan order. */
export function routesOf(folders: string[]): Array<Route & { folder: string }> {
  return folders.flatMap((folder) => {
    const t = planFor(folder).trigger;
    return t.kind === 'endpoint' ? t.routes.map((r) => ({ ...r, folder })) : [];
  });
}
