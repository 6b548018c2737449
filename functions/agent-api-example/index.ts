/**
 * `agent-api-example`: the template of an API-type product behind the Agents gateway, an OpenAI-compatible
 * `POST /v1/chat/completions` with `usage` in every billed answer (docs/api-products.md).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { agentApiExampleHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = agentApiExampleHandler(merchant);
