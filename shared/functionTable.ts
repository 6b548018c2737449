/**
 * The one route table: which public routes reach which function, read by the local server, `kg apig`
 * and the s.yaml renderer. Each entry comes from the function's spec, so a new signed callback is one
 * spec, one line here and one `functions/<name>/index.ts`.
 * @module
 */
import type { Handler } from './callback/handler';
import type { Route } from './callback/spec';
import { PRODUCE_ROUTES } from './basic/produceSpec';
import { kitHandler, produceHandler } from './handlers';
import { KIT_FUNCTIONS, kitRoutes } from './kit/routes';
import type { Merchant } from './merchant';

/** An endpoint function: its routes and how to build its handler for a merchant. */
export interface EndpointEntry {
  routes: readonly Route[];
  handler(merchant: Merchant): Handler;
}

/** Every endpoint function by folder name. */
export const ENDPOINTS: Readonly<Record<string, EndpointEntry>> = {
  produce: { routes: PRODUCE_ROUTES, handler: produceHandler },
  ...Object.fromEntries(Object.entries(KIT_FUNCTIONS).map(([folder, name]) => [folder, { routes: kitRoutes(name), handler: (m: Merchant) => kitHandler(m, name) }])),
};

/** The folder whose routes hold `method` + `path`, or undefined. */
export function functionFor(method: string, path: string): string | undefined {
  for (const [name, entry] of Object.entries(ENDPOINTS)) {
    if (entry.routes.some((r) => r.method === method && r.path === path)) return name;
  }
  return undefined;
}
