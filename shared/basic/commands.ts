/**
 * From parsed requests to lifecycle {@link Command}s, one mapping per protocol: V2 maps wire names to
 * command names (`testFlag` -> `test`, the `queryInstance` id list -> `instanceIds`); V1 (validated by
 * its schema first) goes through the lifecycle's V1 table. `businessId` is kept as an attribute so
 * the provisioner (and provision-worker, later) can see it. Pure.
 * @module
 */
import { InvalidParamError } from '../core/errors';
import { mapV1Command } from '../lifecycle/v1Mapping';
import type { Command } from '../lifecycle/types';
import type { V2BasicRequest } from '../protocol/schemas/v2Basic';

function withBusinessId(cmd: Command): Command {
  return cmd.activity === 'newInstance' ? { ...cmd, attributes: { ...cmd.attributes, businessId: cmd.businessId } } : cmd;
}

/** Maps a parsed V2 basic request. */
export function commandFromV2(req: V2BasicRequest): Command {
  return withBusinessId(v2BasicToCommand(req));
}

/** Maps V1 parameters (already validated by `parseV1Basic`). */
export function commandFromV1(params: Record<string, string>): Command {
  const mapped = mapV1Command(params);
  if (!mapped.ok) throw new InvalidParamError(mapped.resultMsg);
  return withBusinessId(mapped.command);
}

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
