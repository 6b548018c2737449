/**
 * Names a basic-interface request that was refused before it was parsed (a bad signature, a bad field),
 * from what its unverified body or query says, for the failure stream: a signature failure on a
 * newInstance still counts against the order it carried. Nothing here is trusted for anything else.
 * @module
 */
import type { PeekedCall } from '../callback/spec';
import type { HttpRequest } from '../platform/apig';
import { instanceTag } from '../store/keys';

/** Longest value kept from an unverified request (the protocol's own id limit). */
const MAX_PEEKED = 64;

/** What `req` says it is about, or undefined when it says nothing readable. Never throws. */
export function peekBasicRequest(req: HttpRequest, isV1: boolean, derive: (orderId: string, orderLineId: string) => string): PeekedCall | undefined {
  try {
    const fields = isV1 ? req.query : bodyFields(req.body);
    if (!fields) return undefined;
    const activity = text(fields.activity);
    const orderId = text(fields.orderId);
    const orderLineId = text(fields.orderLineId);
    const instanceId = text(fields.instanceId);
    const peeked: PeekedCall = {};
    if (activity) peeked.activity = activity;
    if (orderId) peeked.orderId = orderId;
    if (orderLineId) peeked.orderLineId = orderLineId;
    if (String(fields.testFlag) === '1') peeked.test = true;
    if (activity === 'newInstance' && orderId) peeked.tag = instanceTag(derive(orderId, orderLineId ?? ''));
    else if (instanceId) peeked.tag = instanceTag(instanceId);
    return peeked;
  } catch {
    return undefined;
  }
}

function bodyFields(body: Buffer): Record<string, unknown> | undefined {
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && v.length <= MAX_PEEKED ? v : undefined;
}
