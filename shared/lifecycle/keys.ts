/**
 * Idempotency keys under which a record keeps the exact response body it gave (`record.responses`).
 * @module
 */
import type { RefreshScene } from './types';

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
