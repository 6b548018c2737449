/**
 * Request bodies of the V2 basic interfaces (POST, JSON, one URL, `activity` in the body). Every flat value is
 * a string on the wire (Huawei's sample binds `Map<String,String>`), so a number where a string belongs is
 * refused; only `testFlag` and `productInfo.linearValue` tolerate both. Unknown fields are ignored.
 * Outputs keep the wire names; see `toCommand` for the lifecycle form.
 * @module
 */
import { enum as oneOf, object, pipe } from 'zod/mini';
import type { output } from 'zod/mini';
import { MAX_QUERY_IDS } from '../limits';
import { basicTestFlag, compactTime, idList, objectOrJsonText, optionalInt, optionalText, requiredText } from './fields';

/** Most ids a `queryInstance` may name (see protocol/limits). */
export { MAX_QUERY_IDS };

/** `newInstance`: create (or return the existing) instance for an order line. */
export const newInstanceSchema = object({
  activity: oneOf(['newInstance']),
  orderId: requiredText(64),
  orderLineId: requiredText(64),
  businessId: requiredText(64),
  testFlag: basicTestFlag(),
});

/** `queryInstance`: 1 to 100 comma-separated instance ids, output as `instanceId: string[]`. */
export const queryInstanceSchema = object({
  activity: oneOf(['queryInstance']),
  instanceId: idList(MAX_QUERY_IDS, 64),
  testFlag: basicTestFlag(),
});

/** `refreshInstance`: trial to formal, renewal, renewal-unsubscribe or renewal-with-change. */
export const refreshInstanceSchema = object({
  activity: oneOf(['refreshInstance']),
  instanceId: requiredText(64),
  orderId: requiredText(64),
  orderLineId: requiredText(64),
  // RENEWAL_CHANGE appears only on newer pages; accepted.
  scene: oneOf(['TRIAL_TO_FORMAL', 'RENEWAL', 'UNSUBSCRIBE_RENEWAL_PERIOD', 'RENEWAL_CHANGE']),
  expireTime: compactTime(),
  productId: optionalText(64),
  testFlag: basicTestFlag(),
});

/** `updateInstanceStatus`: freeze or unfreeze. */
export const updateInstanceStatusSchema = object({
  activity: oneOf(['updateInstanceStatus']),
  instanceId: requiredText(64),
  status: oneOf(['FREEZE', 'UNFREEZE']),
  testFlag: basicTestFlag(),
});

/** `releaseInstance`: `orderId`/`orderLineId` come only when an unsubscribe triggered the release. */
export const releaseInstanceSchema = object({
  activity: oneOf(['releaseInstance']),
  instanceId: requiredText(64),
  orderId: optionalText(64),
  orderLineId: optionalText(64),
  testFlag: basicTestFlag(),
});

/** `upgradeInstance`: an upgrade order was paid; the instance keeps its id. */
export const upgradeInstanceSchema = object({
  activity: oneOf(['upgradeInstance']),
  instanceId: requiredText(64),
  orderId: requiredText(64),
  orderLineId: requiredText(64),
  testFlag: basicTestFlag(),
});

/** The target spec of `changeInstanceCheck`. `linearValue` is an integer; a numeric string is accepted. */
export const productInfoSchema = object({
  productId: requiredText(64),
  skuCode: requiredText(64),
  linearValue: optionalInt(),
  productName: requiredText(64),
});

/** `changeInstanceCheck`: may the instance move to `productInfo` at renewal? */
export const changeInstanceCheckSchema = object({
  activity: oneOf(['changeInstanceCheck']),
  instanceId: requiredText(64),
  // A third-party implementation receives productInfo as a JSON string: both forms are accepted.
  productInfo: pipe(objectOrJsonText(), productInfoSchema),
  testFlag: basicTestFlag(),
});

/** Every V2 basic activity and its schema. */
export const V2_BASIC_SCHEMAS = {
  newInstance: newInstanceSchema,
  queryInstance: queryInstanceSchema,
  refreshInstance: refreshInstanceSchema,
  updateInstanceStatus: updateInstanceStatusSchema,
  releaseInstance: releaseInstanceSchema,
  upgradeInstance: upgradeInstanceSchema,
  changeInstanceCheck: changeInstanceCheckSchema,
} as const;

/** A V2 basic activity name. */
export type V2BasicActivity = keyof typeof V2_BASIC_SCHEMAS;

/** A parsed V2 basic request, discriminated by `activity`; `testFlag` is `true` for a debug request. */
export type V2BasicRequest = { [A in V2BasicActivity]: output<(typeof V2_BASIC_SCHEMAS)[A]> }[V2BasicActivity];

/** A parsed V2 basic request of one activity. */
export type V2BasicRequestOf<A extends V2BasicActivity> = Extract<V2BasicRequest, { activity: A }>;
