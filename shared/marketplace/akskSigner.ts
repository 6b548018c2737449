/**
 * AK/SK request signing (`SDK-HMAC-SHA256`) for the KooGallery open APIs, done by the official
 * `@huaweicloud/huaweicloud-sdk-core` signer so our requests sign exactly as Huawei's SDK does.
 * @module
 */
// Deep import of the signer alone: the package's main entry loads the IAM client as well.
// The `.js` suffix is needed because the package has no `exports` map and Node's ESM resolver adds none.
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js';

/** A request the SDK signer cannot sign so that the signed bytes are the bytes sent. */
export class AkSkSignError extends Error {
  override name = 'AkSkSignError';
}

const SDK_DATE = /^\d{8}T\d{6}Z$/;

/** Formats a time as the signer's `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC). */
export function sdkDate(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The SDK hashes `JSON.stringify(data)`, so the body must be a JSON object or array whose text is
 * exactly what `JSON.stringify` writes back; anything else would be signed over other bytes.
 */
function bodyAsData(body: string | undefined): unknown {
  if (body === undefined || body === '') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new AkSkSignError('body must be JSON: the SDK signer hashes JSON.stringify(data)');
  }
  if (data === null || typeof data !== 'object' || JSON.stringify(data) !== body) {
    throw new AkSkSignError('body must be a JSON object or array written exactly as JSON.stringify writes it (compact, no reordered keys)');
  }
  return data;
}

function queryParams(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    out[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return out;
}

/**
 * Signs one open-API request.
 * @param input.url the full URL including the query; the `host` header is taken from it unless given.
 * @param input.headers every header that will be sent (names are lower-cased; all are signed).
 * @param input.body the exact body text to send; must be compact JSON as `JSON.stringify` writes it.
 * @param input.date `X-Sdk-Date` as `YYYYMMDDTHHMMSSZ` (UTC); the current time when omitted.
 * @returns the headers to send: the given ones plus `host`, `X-Sdk-Date` and `Authorization`
 * (`SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<hex>`).
 * @throws AkSkSignError for a body the signer would hash differently, or a malformed date or URL.
 */
export function signAkSk(input: {
  ak: string;
  sk: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  date?: string;
}): Record<string, string> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new AkSkSignError('url is not an absolute URL');
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;
  const date = input.date ?? headers['x-sdk-date'] ?? sdkDate();
  if (!SDK_DATE.test(date)) throw new AkSkSignError('date must be YYYYMMDDTHHMMSSZ (UTC)');
  delete headers['x-sdk-date'];
  // The signer looks the date up under this exact name; given any other way it would add its own.
  headers['X-Sdk-Date'] = date;
  // The signer only calls getAk/getSk; GlobalCredentials would pull in the IAM client.
  const credential = { getAk: () => input.ak, getSk: () => input.sk } as unknown as ICredential;
  const signed = AKSKSigner.sign(
    {
      method: input.method.toUpperCase(),
      endpoint: `${url.protocol}//${url.host}${url.pathname}`,
      queryParams: queryParams(url),
      headers,
      data: bodyAsData(input.body),
    },
    credential,
  ) as Record<string, string>;
  return { ...signed };
}
