/**
 * Idempotency keys under which a record keeps the exact response body it gave (beside the record, listed in
 * `record.answered`; in `record.responses` for records written before).
 * @module
 */
import type { Command, RefreshScene } from './types';

/** newInstance: one answer per order line. */
export function newInstanceKey(orderId: string, orderLineId: string): string {
  return `new:${orderId}:${orderLineId}`;
}

/** refreshInstance: one answer per order line and scene. */
export function refreshKey(orderId: string, orderLineId: string, scene: RefreshScene): string {
  return `refresh:${orderId}:${orderLineId}:${scene}`;
}

/** upgradeInstance: one answer per upgrade order line. */
export function upgradeKey(orderId: string, orderLineId: string): string {
  return `upgrade:${orderId}:${orderLineId}`;
}

/** True for a key of {@link newInstanceKey}: the answer that names the instance, kept as long as the record. */
export function isNewInstanceKey(key: string): boolean {
  return key.startsWith('new:');
}

/**
 * The key the answer to `cmd` is kept under, for the commands whose answers are kept (newInstance,
 * refreshInstance, upgradeInstance): a retry looks there first. Undefined for the others.
 */
export function answerKeyOf(cmd: Command): string | undefined {
  switch (cmd.activity) {
    case 'newInstance':
      return newInstanceKey(cmd.orderId, cmd.orderLineId);
    case 'refreshInstance':
      return refreshKey(cmd.orderId, cmd.orderLineId, cmd.scene);
    case 'upgradeInstance':
      return upgradeKey(cmd.orderId, cmd.orderLineId);
    default:
      return undefined;
  }
}
