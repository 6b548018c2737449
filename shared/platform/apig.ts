/**
 * The FunctionGraph APIG-trigger adapter: event -> {@link HttpRequest} and {@link HttpResponse} -> the
 * APIG response shape. Bodies arrive base64-encoded by default (`isBase64Encoded: true`); header names
 * are lower-cased; a response that is not `{statusCode, headers, body: string, isBase64Encoded}` makes
 * APIG answer HTTP 500, so every answer goes through {@link toApigResponse}.
 * @module
 */

/** The event an APIG trigger delivers to a function. */
export interface ApigEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  httpMethod?: string;
  path?: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  requestContext?: { apiId?: string; requestId?: string; stage?: string };
}

/** What a function must return to APIG. */
export interface ApigResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** A request as the rest of the code sees it. */
export interface HttpRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Query values as delivered by APIG (already URL-decoded once). */
  query: Record<string, string>;
  /** The exact body bytes. */
  body: Buffer;
  /** APIG / FunctionGraph request id, for logs. */
  requestId: string;
}

/** A response before it is shaped for APIG. `body` is the exact text that goes on the wire. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Largest body accepted (bytes): the FunctionGraph APIG-trigger limit is 4 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

function stringMap(input: Record<string, string | undefined> | null | undefined, lowerKeys: boolean): Record<string, string> {
  // Prototype-free, so a parameter named `__proto__` is an ordinary entry, not a prototype change.
  const out = Object.create(null) as Record<string, string>;
  if (!input || typeof input !== 'object') return out;
  const keys = Object.keys(input);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = input[k];
    if (typeof v !== 'string') continue;
    out[lowerKeys ? k.toLowerCase() : k] = v;
  }
  return out;
}

/** Converts an APIG event into an {@link HttpRequest}. Never throws on odd input. */
export function toRequest(event: ApigEvent | null | undefined, requestId = ''): HttpRequest {
  const e = event && typeof event === 'object' ? event : {};
  const raw = typeof e.body === 'string' ? e.body : '';
  const body = e.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  const headers = stringMap(e.headers, true);
  return {
    method: typeof e.httpMethod === 'string' ? e.httpMethod.toUpperCase() : 'POST',
    path: typeof e.path === 'string' ? e.path : '/',
    headers,
    query: stringMap(e.queryStringParameters, false),
    body,
    requestId: e.requestContext?.requestId ?? headers['x-request-id'] ?? requestId,
  };
}

/** Shapes a response for APIG: integer status, string body, `isBase64Encoded: false`. */
export function toApigResponse(res: HttpResponse): ApigResponse {
  return { statusCode: res.statusCode, headers: Object.assign({}, res.headers), body: res.body, isBase64Encoded: false };
}
