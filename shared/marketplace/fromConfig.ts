/**
 * The open-API client from configuration: KG_OPENAPI_ENDPOINT, KG_OPENAPI_AK, KG_OPENAPI_SK,
 * KG_OPENAPI_TIMEOUT_MS.
 * @module
 */
import { requireSetting, type Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { createOpenApiClient, type OpenApiClient } from './openApiClient';

/**
 * Builds the client.
 * @throws ConfigError naming KG_OPENAPI_AK, KG_OPENAPI_SK or KG_OPENAPI_ENDPOINT.
 */
export function openApiClientFrom(config: Config, logger?: Logger): OpenApiClient {
  const why = 'the seller\'s AK/SK (卖家中心 → 我的凭证 → 访问密钥) sign every open-API call';
  return createOpenApiClient({
    endpoint: config.KG_OPENAPI_ENDPOINT,
    ak: requireSetting(config, 'KG_OPENAPI_AK', why),
    sk: requireSetting(config, 'KG_OPENAPI_SK', why),
    timeoutMs: config.KG_OPENAPI_TIMEOUT_MS,
    ...(logger ? { logger } : {}),
  });
}
