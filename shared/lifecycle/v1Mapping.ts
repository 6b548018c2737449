/**
 * Maps the parameters of a V1 (legacy, `GET` + `authToken`) request onto the lifecycle {@link Command}s
 * V2 uses, so one state machine serves both. V1 has no order lines: `orderLineId` is always ''.
 * Input is the already verified, URL-decoded query as plain strings; the V1 zod schemas live elsewhere.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import type { Command } from './types';

/** V1 parameters by name, URL-decoded. */
export type V1Params = Readonly<Record<string, string | undefined>>;

/** A mapped command, or 000002 naming the missing or bad parameter (never its value). */
export type V1Mapping =
  | { ok: true; command: Command }
  | { ok: false; resultCode: typeof RESULT.INVALID_PARAM; resultMsg: string };

/**
 * V1 newInstance fields kept as record attributes. `mobilePhone` and `email` are left out on purpose:
 * they arrive encrypted and are personal data, and attributes must never hold secrets.
 */
export const V1_ATTRIBUTE_NAMES = [
  'customerId', 'customerName', 'userId', 'userName', 'trialFlag', 'chargingMode', 'periodType',
  'periodNumber', 'amount', 'diskSize', 'bandWidth', 'orderAmount', 'saasExtendParams',
] as const;

/** Thrown inside this module only, turned into a `V1Mapping` failure. */
class MissingParam extends Error {}

/**
 * Maps a V1 request: newInstance; refreshInstance -> refreshInstance RENEWAL (TRIAL_TO_FORMAL when it
 * carries `trialToFormal` "1", a tolerant reading of the 2018 field); expireInstance -> FREEZE;
 * instanceStatus FREEZE/NORMAL -> FREEZE/UNFREEZE; releaseInstance; upgrade -> upgradeInstance;
 * queryInstance (comma-separated ids accepted). Anything else -> 000002.
 */
export function mapV1Command(params: V1Params): V1Mapping {
  return attempt((): Command => {
    const test = isTest(params);
    const activity = params['activity'];
    switch (activity) {
      case 'newInstance':
        return {
          activity: 'newInstance',
          orderId: required(params, 'orderId'),
          orderLineId: '',
          businessId: required(params, 'businessId'),
          test,
          ...optionalField(params, 'productId'),
          ...optionalField(params, 'skuCode'),
          ...optionalField(params, 'expireTime'),
          ...attributesOf(params),
        };
      case 'refreshInstance':
        return {
          activity: 'refreshInstance',
          instanceId: required(params, 'instanceId'),
          orderId: required(params, 'orderId'),
          orderLineId: '',
          scene: params['trialToFormal'] === '1' ? 'TRIAL_TO_FORMAL' : 'RENEWAL',
          expireTime: required(params, 'expireTime'),
          ...optionalField(params, 'productId'),
          test,
        };
      case 'expireInstance':
        return { activity: 'updateInstanceStatus', instanceId: required(params, 'instanceId'), status: 'FREEZE', test };
      case 'instanceStatus':
        return { activity: 'updateInstanceStatus', instanceId: required(params, 'instanceId'), status: v1Status(params), test };
      case 'releaseInstance':
        return {
          activity: 'releaseInstance',
          instanceId: required(params, 'instanceId'),
          ...optionalField(params, 'orderId'),
          test,
        };
      case 'upgrade':
        return {
          activity: 'upgradeInstance',
          instanceId: required(params, 'instanceId'),
          orderId: required(params, 'orderId'),
          orderLineId: '',
          ...optionalField(params, 'productId'),
          ...optionalField(params, 'skuCode'),
          test,
        };
      case 'queryInstance': {
        const instanceIds = required(params, 'instanceId').split(',').map((id) => id.trim()).filter((id) => id !== '');
        if (instanceIds.length === 0) throw new MissingParam('instanceId is invalid');
        return { activity: 'queryInstance', instanceIds, test };
      }
      default:
        throw new MissingParam('activity is invalid');
    }
  });
}

/** V1 `testFlag` is the integer 1 or absent. */
function isTest(params: V1Params): boolean {
  return params['testFlag']?.trim() === '1';
}

/** The value of a mandatory parameter; blank counts as missing. */
function required(params: V1Params, name: string): string {
  const value = params[name];
  if (value === undefined || value.trim() === '') throw new MissingParam(`${name} is missing`);
  return value;
}

/** `{ [name]: value }` when the parameter is present and not blank, else `{}`. */
function optionalField<K extends string>(params: V1Params, name: K): Partial<Record<K, string>> {
  const value = params[name];
  return value === undefined || value.trim() === '' ? {} : ({ [name]: value } as Partial<Record<K, string>>);
}

/** `instanceStatus` FREEZE -> FREEZE, NORMAL -> UNFREEZE. */
function v1Status(params: V1Params): 'FREEZE' | 'UNFREEZE' {
  const value = required(params, 'instanceStatus');
  if (value === 'FREEZE') return 'FREEZE';
  if (value === 'NORMAL') return 'UNFREEZE';
  throw new MissingParam('instanceStatus is invalid');
}

/** The allow-listed extra fields of a V1 newInstance, or `{}` when there are none. */
function attributesOf(params: V1Params): { attributes?: Record<string, string> } {
  const attributes: Record<string, string> = {};
  for (const name of V1_ATTRIBUTE_NAMES) {
    const value = params[name];
    if (value !== undefined && value !== '') attributes[name] = value;
  }
  return Object.keys(attributes).length === 0 ? {} : { attributes };
}

/** Runs a mapping, turning a {@link MissingParam} into a 000002 failure. */
function attempt(build: () => Command): V1Mapping {
  try {
    return { ok: true, command: build() };
  } catch (error) {
    if (error instanceof MissingParam) return { ok: false, resultCode: RESULT.INVALID_PARAM, resultMsg: error.message };
    throw error;
  }
}
