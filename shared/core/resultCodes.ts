/**
 * The KooGallery production-interface result codes (String 6) and the messages we answer with.
 * Messages for 000000-000005 follow Huawei's sample `ResultCodeEnum`, so the console debug tool and
 * support staff see the texts they know.
 * @module
 */

/** Every result code this project can answer with. */
export const RESULT = {
  SUCCESS: '000000',
  AUTH_FAILED: '000001',
  INVALID_PARAM: '000002',
  INSTANCE_NOT_FOUND: '000003',
  PROCESSING: '000004',
  INTERNAL_ERROR: '000005',
  NO_RESOURCE: '000100',
  /** newInstance: mobile empty/used; kit applicationSync (sample): clientSecret could not be decrypted. */
  MOBILE_OR_APP_SECRET: '000101',
  EMAIL_INVALID: '000102',
  REPURCHASE_FORBIDDEN: '000103',
  PRODUCT_INTERNAL_ERROR: '000104',
  ALREADY_ENTITLED: '000105',
  SOLD_OUT: '000106',
  EMAIL_DOMAIN_TAKEN: '000107',
} as const;

export type ResultCode = (typeof RESULT)[keyof typeof RESULT];

/** Default `resultMsg` per code (the texts of Huawei's sample where it has one). */
export const RESULT_MESSAGE: Record<ResultCode, string> = {
  '000000': 'success.',
  '000001': 'token is invalid',
  '000002': 'param is invalid',
  '000003': 'instance is invalid',
  '000004': 'request is processing',
  '000005': 'other inner error',
  '000100': 'no instance resource available',
  '000101': 'mobile phone is empty or already used',
  '000102': 'email is empty or already used',
  '000103': 'product cannot be purchased again',
  '000104': 'product internal error',
  '000105': 'account already has this product',
  '000106': 'product is sold out',
  '000107': 'email domain is already used',
};
