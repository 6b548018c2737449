/**
 * From parsed requests to lifecycle {@link Command}s, one mapping per protocol: V2 maps wire names to
 * command names (`testFlag` -> `test`, the `queryInstance` id list -> `instanceIds`); V1 (validated by
 * its schema first) goes through the lifecycle's V1 table. `businessId` is kept as an attribute so
 * the provisioner (and provision-worker, later) can see it. Pure.
 * @module
 */
import type { Command } from '../lifecycle/types';
import type { V1BasicRequest } from '../protocol/schemas/v1Basic';
import type { V2BasicRequest } from '../protocol/schemas/v2Basic';

/**
 * Adds a newInstance's `businessId` to its attributes, last. In place: both mappings make a fresh command
 * with fresh attributes, and this runs on every call.
 */
function withBusinessId(cmd: Command): Command {
  if (cmd.activity === 'newInstance') (cmd.attributes ??= {}).businessId = cmd.businessId;
  return cmd;
}

/** Maps a parsed V2 basic request. */
export function commandFromV2(req: V2BasicRequest): Command {
  return withBusinessId(v2BasicToCommand(req));
}

/** Maps a parsed V1 basic request (`parseV1Basic`). */
export function commandFromV1(req: V1BasicRequest): Command {
  return withBusinessId(v1BasicToCommand(req));
}

/**
 * V1 newInstance fields kept as record attributes. `mobilePhone` and `email` are left out on purpose:
 * they arrive encrypted and are personal data, and attributes must never hold secrets.
 */
export const V1_ATTRIBUTE_NAMES = [
  'customerId', 'customerName', 'userId', 'userName', 'trialFlag', 'chargingMode', 'periodType',
  'periodNumber', 'amount', 'diskSize', 'bandWidth', 'orderAmount', 'saasExtendParams',
] as const;

/** The allow-listed extra fields of a V1 newInstance, or `{}` when there are none. */
function attributesOf(req: Partial<Record<(typeof V1_ATTRIBUTE_NAMES)[number], string>>): { attributes?: Record<string, string> } {
  const attributes: Record<string, string> = {};
  for (const name of V1_ATTRIBUTE_NAMES) {
    const value = req[name];
    if (value !== undefined && value !== '') attributes[name] = value;
  }
  return Object.keys(attributes).length === 0 ? {} : { attributes };
}

const opt = <K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : ({ [name]: value } as Partial<Record<K, string>>));

/**
 * The lifecycle command for a parsed V1 request, onto the commands V2 uses so one state machine serves
 * both. V1 has no order lines: `orderLineId` is ''. refreshInstance -> RENEWAL (TRIAL_TO_FORMAL when it
 * carries `trialToFormal` "1", a tolerant reading of the 2018 field); expireInstance -> FREEZE;
 * instanceStatus FREEZE/NORMAL -> FREEZE/UNFREEZE; upgrade -> upgradeInstance. Pure: the schema checked
 * everything.
 */
export function v1BasicToCommand(req: V1BasicRequest): Command {
  const test = req.testFlag;
  switch (req.activity) {
    case 'newInstance':
      return {
        activity: 'newInstance', orderId: req.orderId, orderLineId: '', businessId: req.businessId, test,
        ...opt('productId', req.productId), ...opt('skuCode', req.skuCode), ...opt('expireTime', req.expireTime),
        ...attributesOf(req),
      };
    case 'refreshInstance':
      return {
        activity: 'refreshInstance', instanceId: req.instanceId, orderId: req.orderId, orderLineId: '',
        scene: req.trialToFormal === '1' ? 'TRIAL_TO_FORMAL' : 'RENEWAL', expireTime: req.expireTime,
        ...opt('productId', req.productId), test,
      };
    case 'expireInstance':
      return { activity: 'updateInstanceStatus', instanceId: req.instanceId, status: 'FREEZE', test };
    case 'instanceStatus':
      return { activity: 'updateInstanceStatus', instanceId: req.instanceId, status: req.status === 'NORMAL' ? 'UNFREEZE' : 'FREEZE', test };
    case 'releaseInstance':
      return { activity: 'releaseInstance', instanceId: req.instanceId, ...opt('orderId', req.orderId), test };
    case 'upgrade':
      return {
        activity: 'upgradeInstance', instanceId: req.instanceId, orderId: req.orderId, orderLineId: '',
        ...opt('productId', req.productId), ...opt('skuCode', req.skuCode), test,
      };
    case 'queryInstance':
      return { activity: 'queryInstance', instanceIds: req.instanceId, test };
  }
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
