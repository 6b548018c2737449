/**
 * `usage-ingest`: `POST /usage`, where the merchant's own back end reports on-demand usage (HMAC-signed).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { usageIngestHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = usageIngestHandler(merchant);
