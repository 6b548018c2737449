/**
 * Maps a parsed V2 basic request onto the lifecycle {@link Command}: wire names to command names
 * (`testFlag` -> `test`, the `queryInstance` id list -> `instanceIds`), nothing else. Pure.
 * @module
 */
import type { Command } from '../lifecycle/types';
import type { V2BasicRequest } from './schemas/v2Basic';

/** The lifecycle command for a parsed V2 basic request. */
export function v2BasicToCommand(req: V2BasicRequest): Command {
  const test = req.testFlag;
  switch (req.activity) {
    case 'newInstance':
      return { activity: req.activity, orderId: req.orderId, orderLineId: req.orderLineId, businessId: req.businessId, test };
    case 'queryInstance':
      return { activity: req.activity, instanceIds: req.instanceId, test };
    case 'refreshInstance':
      return {
        activity: req.activity,
        instanceId: req.instanceId,
        orderId: req.orderId,
        orderLineId: req.orderLineId,
        scene: req.scene,
        expireTime: req.expireTime,
        ...(req.productId === undefined ? {} : { productId: req.productId }),
        test,
      };
    case 'updateInstanceStatus':
      return { activity: req.activity, instanceId: req.instanceId, status: req.status, test };
    case 'releaseInstance':
      return {
        activity: req.activity,
        instanceId: req.instanceId,
        ...(req.orderId === undefined ? {} : { orderId: req.orderId }),
        ...(req.orderLineId === undefined ? {} : { orderLineId: req.orderLineId }),
        test,
      };
    case 'upgradeInstance':
      return { activity: req.activity, instanceId: req.instanceId, orderId: req.orderId, orderLineId: req.orderLineId, test };
    case 'changeInstanceCheck': {
      const { productId, skuCode, productName, linearValue } = req.productInfo;
      return {
        activity: req.activity,
        instanceId: req.instanceId,
        productInfo: { productId, skuCode, productName, ...(linearValue === undefined ? {} : { linearValue }) },
        test,
      };
    }
  }
}
