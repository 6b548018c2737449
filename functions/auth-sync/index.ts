/**
 * `auth-sync`: the 联营 kit's authSync (`POST /produceAPI/v2/authSync`, V1 `POST /produceAPI/authSync`).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { kitHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = kitHandler(merchant, 'authSync');
