/**
 * `application-sync`: the 联营 kit's applicationSync (`POST /produceAPI/v2/applicationSync`, V1 `POST /produceAPI/applicationSync`).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { kitHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = kitHandler(merchant, 'applicationSync');
