/**
 * From parsed requests (wire names) to lifecycle {@link Command}s. V1 is validated by its schema first,
 * then mapped by the lifecycle's V1 table.
 * @module
 */
import { mapV1Command } from '../lifecycle/v1Mapping';
import type { Command } from '../lifecycle/types';
import { InvalidParamError } from '../protocol/errors';
import type { V2BasicRequest } from '../protocol/schemas/v2Basic';

/** Maps a parsed V2 basic request. `businessId` is kept as an attribute for the provisioner. */
export function commandFromV2(req: V2BasicRequest): Command {
  const test = req.testFlag === true;
  switch (req.activity) {
    case 'newInstance':
      return { activity: 'newInstance', orderId: req.orderId, orderLineId: req.orderLineId, businessId: req.businessId, test, attributes: { businessId: req.businessId } };
    case 'queryInstance':
      return { activity: 'queryInstance', instanceIds: req.instanceId, test };
    case 'refreshInstance':
      return {
        activity: 'refreshInstance', instanceId: req.instanceId, orderId: req.orderId, orderLineId: req.orderLineId,
        scene: req.scene, expireTime: req.expireTime, ...(req.productId ? { productId: req.productId } : {}), test,
      };
    case 'updateInstanceStatus':
      return { activity: 'updateInstanceStatus', instanceId: req.instanceId, status: req.status, test };
    case 'releaseInstance':
      return {
        activity: 'releaseInstance', instanceId: req.instanceId,
        ...(req.orderId ? { orderId: req.orderId } : {}), ...(req.orderLineId ? { orderLineId: req.orderLineId } : {}), test,
      };
    case 'upgradeInstance':
      return { activity: 'upgradeInstance', instanceId: req.instanceId, orderId: req.orderId, orderLineId: req.orderLineId, test };
    case 'changeInstanceCheck':
      return {
        activity: 'changeInstanceCheck', instanceId: req.instanceId, test,
        productInfo: {
          productId: req.productInfo.productId, skuCode: req.productInfo.skuCode, productName: req.productInfo.productName,
          ...(req.productInfo.linearValue !== undefined ? { linearValue: req.productInfo.linearValue } : {}),
        },
      };
  }
}

/** Maps V1 parameters (already validated by `parseV1Basic`). */
export function commandFromV1(params: Record<string, string>): Command {
  const mapped = mapV1Command(params);
  if (!mapped.ok) throw new InvalidParamError(mapped.resultMsg);
  const cmd = mapped.command;
  if (cmd.activity === 'newInstance') return { ...cmd, attributes: { ...cmd.attributes, businessId: cmd.businessId } };
  return cmd;
}
