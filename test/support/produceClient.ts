/**
 * Calls the `produce` handler the way APIG would: signed V2 POST events (base64 body) and V1 GET events,
 * with a FunctionGraph-like context. Used by the pipeline's integration tests.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { ApigEvent, ApigResponse } from '../../shared/platform/apig';
import { localContext } from '../../shared/platform/context';
import { signV2 } from '../../shared/security/v2Signature';
import { signV1AuthToken } from '../../shared/security/v1AuthToken';
import type { Handler } from './handlers';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  raw: string;
  json: Record<string, unknown> & { resultCode: string; resultMsg?: string; instanceId?: string };
}

/** A nonce like the marketplace's (64 upper-case hex). */
export function newNonce(): string {
  return randomBytes(32).toString('hex').toUpperCase();
}

/** A V2 event for `body`, signed with `key`. */
export function v2Event(key: string, body: Record<string, unknown> | string, opts: { nonce?: string; timestamp?: string; signature?: string } = {}): ApigEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const nonce = opts.nonce ?? newNonce();
  const timestamp = opts.timestamp ?? String(Date.now());
  const signature = opts.signature ?? signAnyBody(key, nonce, timestamp, text);
  return {
    httpMethod: 'POST',
    path: '/',
    headers: { 'content-type': 'application/json;charset=utf8' },
    queryStringParameters: { signature, timestamp, nonce },
    body: Buffer.from(text, 'utf8').toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId: randomUUID() },
  };
}

/** The V2 signature; for bodies that are not JSON objects, the same scheme over the raw text. */
function signAnyBody(key: string, nonce: string, timestamp: string, text: string): string {
  try {
    return signV2({ key, nonce, timestamp, body: text });
  } catch {
    const inner = createHmac('sha256', key).update(text).digest('hex');
    return createHmac('sha256', key).update(key + nonce + timestamp + inner).digest('hex');
  }
}

/** A V1 GET event for `params` (decoded values), with timeStamp and authToken added. */
export function v1Event(key: string, params: Record<string, string>): ApigEvent {
  const timeStamp = new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 17);
  const all = { ...params, timeStamp };
  const authToken = signV1AuthToken({ key, params: all });
  return {
    httpMethod: 'GET',
    path: '/',
    headers: {},
    queryStringParameters: { ...all, authToken },
    body: '',
    isBase64Encoded: true,
    requestContext: { requestId: randomUUID() },
  };
}

/** Invokes the handler and parses its answer; fails loudly if the APIG shape is wrong. */
export async function invoke(handler: Handler, event: ApigEvent): Promise<Answer> {
  const res: ApigResponse = await handler(event, localContext({ requestId: event.requestContext?.requestId ?? '' }));
  if (typeof res.statusCode !== 'number' || typeof res.body !== 'string' || res.isBase64Encoded !== false) {
    throw new Error(`not an APIG response: ${JSON.stringify(res).slice(0, 200)}`);
  }
  return { status: res.statusCode, headers: res.headers, raw: res.body, json: JSON.parse(res.body) as Answer['json'] };
}

/** Unique order ids per test. */
export function orderIds(prefix = 'CS'): { orderId: string; orderLineId: string } {
  const orderId = `${prefix}${Date.now().toString(36).toUpperCase()}${randomBytes(3).toString('hex').toUpperCase()}`;
  return { orderId, orderLineId: `${orderId}-000001` };
}
