/**
 * `ops-watch`: alerts on failed orders, failing dial tests, stuck usage, failing kit forwards and an unreachable
 * Redis (timer trigger, every 5 minutes), and runs the daily reconciliation. Deployed with handler
 * `index.handler`. All logic lives in shared/.
 */
import { opsWatchHandler } from '../../shared';
import { merchant } from '../merchant';

export const handler = opsWatchHandler(merchant);
