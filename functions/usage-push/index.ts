/**
 * `usage-push`: sends recorded on-demand usage to the KooGallery open API (timer trigger, every 10 minutes).
 * Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { usagePushHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = usagePushHandler(merchant);
