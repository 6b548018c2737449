/**
 * `tenant-sync`: the 联营 kit's tenantSync (`POST /produceAPI/v2/tenantSync`, V1 `POST /produceAPI/tenantSync`).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { kitHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = kitHandler(merchant, 'tenantSync');
