/**
 * When this toolkit answers each result code, for the README and for tests that check every code is documented.
 * @module
 */
import { RESULT, type ResultCode } from './resultCodes';

/** Result code -> when we answer it (one sentence each). */
export const RESULT_CODE_DOC: Readonly<Record<ResultCode, string>> = {
  [RESULT.SUCCESS]: 'The request was carried out, or was a repeat of one already carried out, or is a debug request (testFlag "1").',
  [RESULT.AUTH_FAILED]: 'The signature (V2 signature, kit x-sign, V1 authToken) is missing or matches no configured key.',
  [RESULT.INVALID_PARAM]:
    'A parameter is missing, of the wrong type, too long or out of range; the body is not a JSON object or too large; the activity is unknown; the timestamp or nonce is missing, stale or replayed. resultMsg names the field and the rule.',
  [RESULT.INSTANCE_NOT_FOUND]: 'The instanceId names no instance this merchant ever created (a released one is remembered and succeeds).',
  [RESULT.PROCESSING]: 'newInstance (and queryInstance meanwhile): provisioning did not finish within its time budget and goes on in the background.',
  [RESULT.INTERNAL_ERROR]: 'Anything unexpected: the store is unreachable or timed out, the provisioner failed, or a bug; resultMsg never carries details.',
  [RESULT.NO_RESOURCE]: 'The provisioner reports no capacity for a new instance or an upgrade.',
  [RESULT.MOBILE_OR_APP_SECRET]: 'newInstance: the provisioner reports the mobile number missing or taken; kit applicationSync: the clientSecret could not be decrypted.',
  [RESULT.EMAIL_INVALID]: 'newInstance: the provisioner reports the e-mail address missing or taken.',
  [RESULT.REPURCHASE_FORBIDDEN]: 'newInstance: the provisioner refuses a repeat purchase of this product.',
  [RESULT.PRODUCT_INTERNAL_ERROR]: 'newInstance: the provisioner reports an internal error of the product.',
  [RESULT.ALREADY_ENTITLED]: 'newInstance: the provisioner reports the buyer already has this product.',
  [RESULT.SOLD_OUT]: 'newInstance: the provisioner reports the product sold out.',
  [RESULT.EMAIL_DOMAIN_TAKEN]: 'newInstance: the provisioner reports the e-mail domain already in use.',
};
