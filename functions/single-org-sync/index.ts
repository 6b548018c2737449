/**
 * `single-org-sync`: the 联营 kit's singleOrgSync (`POST /produceAPI/v2/singleOrgSync`, V1 `POST /produceAPI/singleOrgSync`).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { kitHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = kitHandler(merchant, 'singleOrgSync');
