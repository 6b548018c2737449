/**
 * `produce`: KooGallery's basic production interfaces (V2 POST and V1 GET) on the production address.
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { produceHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = produceHandler(merchant);
