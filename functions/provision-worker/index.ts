/**
 * `provision-worker`: finishes provisioning that answered `000004` (timer trigger; or async invoke with
 * `{"instanceId": "..."}`). Deployed with handler `index.handler`. All logic lives in shared/.
 */
import { provisionWorkerHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = provisionWorkerHandler(merchant);
