/**
 * The endpoint functions' handlers by folder name, built for one merchant (the local server serves
 * them all behind one port, routed by {@link ROUTE_TABLE}).
 * @module
 */
import type { Handler } from './callback/handler';
import { agentApiExampleHandler, kitHandler, produceHandler, ssoLoginHandler, ssoLogoutHandler, usageIngestHandler } from './handlers';
import { KIT_FUNCTIONS } from './kit/routes';
import type { Merchant } from './merchant';

/** Every endpoint function's handler for `merchant`, by folder name (the keys of ROUTE_TABLE). */
export function endpointHandlers(merchant: Merchant): Record<string, Handler> {
  return {
    produce: produceHandler(merchant),
    ...Object.fromEntries(Object.entries(KIT_FUNCTIONS).map(([folder, name]) => [folder, kitHandler(merchant, name)])),
    'sso-login': ssoLoginHandler(merchant),
    'sso-logout': ssoLogoutHandler(merchant),
    'usage-ingest': usageIngestHandler(merchant),
    'agent-api-example': agentApiExampleHandler(merchant),
  };
}
