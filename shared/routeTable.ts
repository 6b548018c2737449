/**
 * The one route table: which public routes reach which endpoint function. Read by the local server,
 * `kg apig` and the s.yaml renderer; data only (no handler code), so reading it loads nothing else.
 * A new signed callback adds its routes here from its own routes module.
 * @module
 */
import { API_PRODUCT_FUNCTIONS } from './apiProduct/routes';
import { PRODUCE_ROUTES } from './basic/routes';
import type { Route } from './callback/spec';
import { KIT_FUNCTIONS, kitRoutes } from './kit/routes';
import { SSO_FUNCTIONS } from './sso/routes';
import { USAGE_INGEST_ROUTES } from './usage/routes';

export type { Route };

/** Every endpoint function (folder name) with its public routes. */
export const ROUTE_TABLE: Readonly<Record<string, readonly Route[]>> = {
  produce: PRODUCE_ROUTES,
  ...Object.fromEntries(Object.entries(KIT_FUNCTIONS).map(([folder, name]) => [folder, kitRoutes(name)])),
  ...SSO_FUNCTIONS,
  'usage-ingest': USAGE_INGEST_ROUTES,
  ...API_PRODUCT_FUNCTIONS,
};

/** `method \0 path` -> the first function (in table order) whose routes hold it; made at the first lookup. */
let routeIndex: Map<string, string> | undefined;

function indexOf(): Map<string, string> {
  if (routeIndex === undefined) {
    routeIndex = new Map();
    for (const [name, routes] of Object.entries(ROUTE_TABLE)) {
      for (const r of routes) {
        const key = `${r.method}\u0000${r.path}`;
        if (!routeIndex.has(key)) routeIndex.set(key, name);
      }
    }
  }
  return routeIndex;
}

/** The function whose routes hold `method` + `path` exactly (the first in table order), or undefined. */
export function functionFor(method: string, path: string): string | undefined {
  return indexOf().get(`${method}\u0000${path}`);
}
