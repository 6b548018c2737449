/**
 * Where API-type products answer (data only, so the route table loads nothing else): the template
 * `agent-api-example` serves the OpenAI-compatible `POST /v1/chat/completions` (platform-and-open-api.md §7.2).
 * @module
 */
import type { Route } from '../callback/spec';

/** The chat-completions path, as OpenAI-compatible clients and the Agents gateway call it. */
export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

/** The routes of the `agent-api-example` function. */
export const AGENT_API_EXAMPLE_ROUTES: readonly Route[] = [{ method: 'POST', path: CHAT_COMPLETIONS_PATH }];

/** Function folder -> its routes. */
export const API_PRODUCT_FUNCTIONS: Readonly<Record<'agent-api-example', readonly Route[]>> = {
  'agent-api-example': AGENT_API_EXAMPLE_ROUTES,
};
