/**
 * Who the gateway is calling for (platform-and-open-api.md §7.2): it adds `X-Request-Id` (a uuid),
 * `X-Customer-Id` (the buyer's domain id) and `X-Customer-Name` (the buyer's account name) to every call.
 *
 * Tolerant reading: the headers are not required (the handler sees `undefined` and decides), values are
 * trimmed and cut to 256 characters, and a name that arrives percent-encoded (an account name in Chinese
 * cannot travel raw in an HTTP header) is decoded. Without `X-Request-Id` the APIG request id is used.
 * @module
 */

/** The buyer and the call, as the gateway names them. */
export interface BuyerContext {
  /** `X-Customer-Id`: the buyer's Huawei Cloud domain id; undefined when the header is absent. */
  customerId?: string;
  /** `X-Customer-Name`: the buyer's account name; undefined when absent. */
  customerName?: string;
  /** `X-Request-Id`, else the APIG / FunctionGraph request id. */
  requestId: string;
}

const MAX_LENGTH = 256;

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const v = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim().slice(0, MAX_LENGTH);
  return t === '' ? undefined : t;
}

/** Decodes `%XX` sequences when the whole value decodes as UTF-8; otherwise keeps it as sent. */
function decodeName(value: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(value)) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Reads the buyer headers. `headers` have lower-case names.
 * @param fallbackRequestId the platform's request id, used when `X-Request-Id` is absent.
 * @example
 * const { customerId, requestId } = buyerContext(req.headers, req.requestId);
 */
export function buyerContext(headers: Readonly<Record<string, string>>, fallbackRequestId: string): BuyerContext {
  const customerId = headerValue(headers, 'x-customer-id');
  const name = headerValue(headers, 'x-customer-name');
  return {
    ...(customerId !== undefined ? { customerId } : {}),
    ...(name !== undefined ? { customerName: decodeName(name) } : {}),
    requestId: headerValue(headers, 'x-request-id') ?? (typeof fallbackRequestId === 'string' ? fallbackRequestId : ''),
  };
}
