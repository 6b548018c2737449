/**
 * `all-org-sync`: the 联营 kit's allOrgSync (`POST /produceAPI/v2/allOrgSync`, V1 `POST /produceAPI/allOrgSync`).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { kitHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = kitHandler(merchant, 'allOrgSync');
