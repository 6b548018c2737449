/**
 * Query parameters of the legacy V1 basic interfaces (GET, `activity`, `authToken`, `timeStamp` in the query).
 * Values are strings, URL-decoded once by the platform adapter; empty values count as absent.
 *
 * The reference lists fields only for V1 `newInstance`. For the other activities we are tolerant: only
 * `instanceId` is required (plus the status of `instanceStatus`), every other known field is optional with the
 * `newInstance` limits, and unknown fields are ignored. Outputs keep wire names and string values, except
 * `testFlag` (boolean) and the `queryInstance` id list (array).
 * @module
 */
import { enum as oneOf, NEVER, object, optional, pipe, transform } from 'zod/mini';
import type { output } from 'zod/mini';
import { basicTestFlag, compactTime, idList, optionalMatching, optionalText, requiredText } from './fields';
import { MAX_QUERY_IDS } from './v2Basic';

const INTEGER_7 = /^\d{1,7}$/;
const DECIMAL = /^-?\d{1,15}(\.\d{1,8})?$/;

/** Optional `expireTime`: 14 or 17 digits, a real UTC date. */
const optionalExpireTime = () => optional(pipe(transform((v: unknown) => (v === '' ? undefined : v)), optional(compactTime())));

/** Fields any V1 activity may carry; all optional, with the V1 newInstance limits. */
const V1_OPTIONAL_FIELDS = {
  customerId: optionalText(100),
  // The reference gives no lengths for these; generous caps keep absurd input out.
  customerName: optionalText(255),
  userId: optionalText(128),
  userName: optionalText(255),
  // Ciphertext (16-char IV + base64), decrypted later by the handler, never here.
  mobilePhone: optionalText(512),
  email: optionalText(512),
  businessId: optionalText(64),
  orderId: optionalText(64),
  skuCode: optionalText(64),
  productId: optionalText(64),
  trialFlag: optionalMatching(1, /^[01]$/, 'must be "0" or "1"'),
  trialToFormal: optionalMatching(1, /^[01]$/, 'must be "0" or "1"'),
  expireTime: optionalExpireTime(),
  chargingMode: optionalMatching(2, /^\d{1,2}$/, 'must be an integer (0 on-demand, 1 period, 3 one-time, 5 package)'),
  periodType: optionalText(16),
  periodNumber: optionalMatching(7, INTEGER_7, 'must be an integer of at most 7 digits'),
  amount: optionalMatching(7, INTEGER_7, 'must be an integer of at most 7 digits'),
  diskSize: optionalMatching(7, INTEGER_7, 'must be an integer of at most 7 digits'),
  bandWidth: optionalMatching(7, INTEGER_7, 'must be an integer of at most 7 digits'),
  // Negative for a renewal unsubscribe (退续费).
  orderAmount: optionalMatching(32, DECIMAL, 'must be a decimal number'),
  saasExtendParams: optionalText(2048),
  testFlag: basicTestFlag(),
  // Checked by the authToken verifier; here only bounded.
  timeStamp: optionalText(32),
} as const;

/** V1 `newInstance`: the fat create request; `customerId`, `businessId` and `orderId` are required. */
export const v1NewInstanceSchema = object({
  ...V1_OPTIONAL_FIELDS,
  activity: oneOf(['newInstance']),
  customerId: requiredText(100),
  businessId: requiredText(64),
  orderId: requiredText(64),
});

const withInstance = <const A extends string>(activity: A) =>
  object({ ...V1_OPTIONAL_FIELDS, activity: oneOf([activity]), instanceId: requiredText(64) });

/** V1 `refreshInstance` (renewal): the renewal order and the new expiry are required; tolerant otherwise. */
export const v1RefreshInstanceSchema = object({
  ...V1_OPTIONAL_FIELDS,
  activity: oneOf(['refreshInstance']),
  instanceId: requiredText(64),
  orderId: requiredText(64),
  expireTime: compactTime(),
});
/** V1 `expireInstance` (expiry); tolerant, see the module note. */
export const v1ExpireInstanceSchema = withInstance('expireInstance');
/** V1 `releaseInstance`; tolerant, see the module note. */
export const v1ReleaseInstanceSchema = withInstance('releaseInstance');
/** V1 `upgrade`: the upgrade order is required; tolerant otherwise. */
export const v1UpgradeSchema = object({ ...V1_OPTIONAL_FIELDS, activity: oneOf(['upgrade']), instanceId: requiredText(64), orderId: requiredText(64) });

/** V1 `queryInstance`: 1 to 100 comma-separated ids, as in V2. */
export const v1QueryInstanceSchema = object({
  ...V1_OPTIONAL_FIELDS,
  activity: oneOf(['queryInstance']),
  instanceId: idList(MAX_QUERY_IDS, 64),
});

const V1_STATUS = ['FREEZE', 'NORMAL'] as const;

/**
 * V1 `instanceStatus` (on-demand freeze/unfreeze). Pages disagree on the parameter name, so the status is read
 * from `instanceStatus` or, failing that, `status`; the output names it `status`.
 */
export const v1InstanceStatusSchema = pipe(
  object({
    ...V1_OPTIONAL_FIELDS,
    activity: oneOf(['instanceStatus']),
    instanceId: requiredText(64),
    instanceStatus: optional(oneOf(V1_STATUS)),
    status: optional(oneOf(V1_STATUS)),
  }),
  transform(({ instanceStatus, status, ...rest }, ctx) => {
    const chosen = instanceStatus ?? status;
    if (chosen === undefined) {
      ctx.issues.push({ code: 'custom', message: 'required', path: ['instanceStatus'], input: undefined });
      return NEVER;
    }
    return { ...rest, status: chosen };
  }),
);

/** Every V1 basic activity and its schema. */
export const V1_BASIC_SCHEMAS = {
  newInstance: v1NewInstanceSchema,
  refreshInstance: v1RefreshInstanceSchema,
  expireInstance: v1ExpireInstanceSchema,
  releaseInstance: v1ReleaseInstanceSchema,
  upgrade: v1UpgradeSchema,
  instanceStatus: v1InstanceStatusSchema,
  queryInstance: v1QueryInstanceSchema,
} as const;

/** A V1 basic activity name. */
export type V1BasicActivity = keyof typeof V1_BASIC_SCHEMAS;

/** A parsed V1 basic request, discriminated by `activity`. */
export type V1BasicRequest = { [A in V1BasicActivity]: output<(typeof V1_BASIC_SCHEMAS)[A]> }[V1BasicActivity];

/** A parsed V1 basic request of one activity. */
export type V1BasicRequestOf<A extends V1BasicActivity> = Extract<V1BasicRequest, { activity: A }>;
