/**
 * On-demand usage push (按需使用量推送(新), platform-and-open-api.md §6.3). The body is written once, with the
 * keys sorted at every level, and that exact text is (1) the `body=` of the `signature` header, an HMAC with
 * the basic-interface key, (2) the AK/SK payload hash and (3) the HTTP body.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hmacSha256Text } from '../security/hmac';
import type { AbnormalRecord } from './errors';
import type { OpenApiClient } from './openApiClient';

/** `POST` path of the usage push (the same on every site). */
export const USAGE_DATA_PATH = '/api/mkp-openapi-public/global/v1/isv/usage-data';

/** Most records in one push. */
export const MAX_USAGE_RECORDS_PER_PUSH = 1000;

/** One record as the API takes it. Times are UTC `yyyyMMdd'T'HHmmss'Z'`. */
export interface UsageWireRecord {
  instance_id: string;
  metering_sn: string;
  /** > 0, at most 4 decimals, as a decimal string. */
  usage_value: string;
  begin_time: string;
  end_time: string;
  /** When the record is reported (the push). */
  record_time: string;
  /** The package instance of a "use up, then stop" product. */
  relate_pkg_instance?: string;
}

/** UTF-16 code-unit order, as Java's `TreeMap` sorts (the marketplace's "natural order"). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compact JSON with object keys sorted at every level; `undefined` members are left out. Throws on values
 * JSON cannot hold (a non-finite number), and on integer-like keys, which `JSON.parse` would move and so break
 * the rule that the signed text is what `JSON.stringify` gives back.
 */
export function sortedJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError('sortedJson: a number must be finite');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : sortedJson(v))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      for (const [k] of entries) if (/^(?:0|[1-9]\d*)$/.test(k)) throw new RangeError('sortedJson: integer-like keys are not supported');
      entries.sort(([a], [b]) => compareKeys(a, b));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
    }
    default:
      throw new RangeError(`sortedJson: cannot write a ${typeof value}`);
  }
}

/** The push body: `{"usage_records":[...]}` with sorted keys, written once. */
export function usageBody(records: readonly UsageWireRecord[]): string {
  return sortedJson({ usage_records: records });
}

/**
 * The `signature` header: `base64(HMAC-SHA256(key, "ts=<ts>&nonce=<nonce>&body=<body>"))`, key = the
 * basic-interface key (商家对接密钥), body = the exact text sent.
 */
export function usageBodySignature(key: string, ts: string, nonce: string, body: string): string {
  return hmacSha256Text(key, `ts=${ts}&nonce=${nonce}&body=${body}`, 'base64');
}

/** The three body-signature headers for one attempt: `ts` (epoch ms), `nonce` (UUID), `signature`. */
export function usageHeaders(key: string, body: string, nowMs: number, nonce: string = randomUUID()): { ts: string; nonce: string; signature: string } {
  const ts = String(nowMs);
  return { ts, nonce, signature: usageBodySignature(key, ts, nonce, body) };
}

/** What a push that the marketplace answered with `MKT.0000` reports. */
export interface UsagePushAnswer {
  /** Records the answer named as refused despite the overall success (usually none). */
  abnormal: AbnormalRecord[];
  attempts: number;
}

/**
 * Sends one batch (at most {@link MAX_USAGE_RECORDS_PER_PUSH} records). Each attempt gets a fresh `ts`,
 * `nonce` and `signature`; the body is the same bytes every time.
 * @param key the basic-interface key (the newest of KG_ACCESS_KEY).
 * @throws MarketplaceError (typed): `MarketplaceBodySignError` for MKT.0102, `MarketplaceAuthError`, a
 * `MarketplaceValidationError` or `MarketplaceNotFoundError` whose `abnormal` may name the records, or the
 * last transient error once the retries are spent.
 */
export async function pushUsageData(
  client: OpenApiClient,
  key: string,
  records: readonly UsageWireRecord[],
  options: { now?: () => number; signal?: AbortSignal } = {},
): Promise<UsagePushAnswer> {
  if (records.length === 0 || records.length > MAX_USAGE_RECORDS_PER_PUSH) {
    throw new RangeError(`a usage push carries 1 to ${MAX_USAGE_RECORDS_PER_PUSH} records`);
  }
  const now = options.now ?? Date.now;
  const body = usageBody(records);
  const answer = await client.call({
    method: 'POST',
    path: USAGE_DATA_PATH,
    body,
    headers: () => usageHeaders(key, body, now()),
    what: 'usage push',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { abnormal: answer.abnormal, attempts: answer.attempts };
}
