/**
 * Idempotency keys under which a record keeps the exact response body it gave (beside the record, listed in
 * `record.answered`; in `record.responses` for records written before).
 * @module
 */
import type { Command, InstanceStatus, RefreshScene } from './types';
import { STATUS_TARGET } from './updateInstanceStatus';

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

/**
 * The answers that hold while the instance has `status` (see settled.ts): a repeated freeze, unfreeze or
 * release. Kept while the status lasts.
 */
export function statusKey(status: InstanceStatus): string {
  return `status:${status}`;
}

/** True for a key of {@link statusKey}. */
export function isStatusKey(key: string): boolean {
  return key.startsWith('status:');
}

/** True for a key of {@link newInstanceKey}: the answer that names the instance, kept as long as the record. */
export function isNewInstanceKey(key: string): boolean {
  return key.startsWith('new:');
}

/**
 * The key the answer to `cmd` may be kept under, so a retry looks there first: its own answer for
 * newInstance, refreshInstance and upgradeInstance (`remember`), the answer its target status holds for
 * updateInstanceStatus and releaseInstance (settled.ts). Undefined for the others.
 */
export function answerKeyOf(cmd: Command): string | undefined {
  switch (cmd.activity) {
    case 'newInstance':
      return newInstanceKey(cmd.orderId, cmd.orderLineId);
    case 'refreshInstance':
      return refreshKey(cmd.orderId, cmd.orderLineId, cmd.scene);
    case 'upgradeInstance':
      return upgradeKey(cmd.orderId, cmd.orderLineId);
    case 'updateInstanceStatus':
      return statusKey(STATUS_TARGET[cmd.status]);
    case 'releaseInstance':
      return statusKey('RELEASED');
    default:
      return undefined;
  }
}
