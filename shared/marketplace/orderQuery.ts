/**
 * Query order (查询订单, platform-and-open-api.md §6.2): what a buyer bought, with its charging mode,
 * period and expiry. The answer is validated; fields we do not model are kept.
 * @module
 */
import { array, looseObject, number, optional, safeParse, string, union, type output } from 'zod/mini';
import type { OrderSummary } from '../lifecycle/types';
import { MarketplaceError } from './errors';
import type { OpenApiClient } from './openApiClient';

/** `GET` path of query order. */
export const ORDER_QUERY_PATH = '/api/mkp-openapi-public/global/v1/order/query';

/** Longest order and order-line id the API accepts (characters). */
export const MAX_ORDER_ID = 64;

const text = optional(string());

const orderLineSchema = looseObject({
  orderLineId: string(),
  /** `ON_DEMAND`, `ONE_TIME`, `PERIOD`, `ON_DEMAND_PKG`. */
  chargingMode: text,
  /** `yyyyMMddHHmmss` (UTC). */
  expireTime: text,
  /** `year`, `month`, ... */
  periodType: text,
  periodNumber: optional(union([number(), string()])),
});

const orderInfoSchema = looseObject({
  orderId: string(),
  /** `NEW`, `TRIAL`, `TRIAL_TO_FORMAL`, `UNSUBSCRIBE`, `RENEW`, `CHANGE`. */
  orderType: text,
  /** `yyyyMMddHHmmss`: when the order was placed (not when it took effect). */
  createTime: text,
  orderLine: optional(array(orderLineSchema)),
});

const answerSchema = looseObject({
  resultCode: string(),
  resultMsg: text,
  orderInfo: orderInfoSchema,
});

/** One line of an order, as the API describes it (unknown fields kept). */
export type OrderLine = output<typeof orderLineSchema>;

/** An order, as the API describes it (unknown fields kept; `orderLine` always a list). */
export type OrderInfo = Omit<output<typeof orderInfoSchema>, 'orderLine'> & { orderLine: OrderLine[] };

/**
 * Queries one order (and one line of it, when given).
 * @throws MarketplaceError (typed: auth, validation, rate limit, unavailable) or, for an answer that does not
 * have the documented shape, a MarketplaceError with code `INVALID_ANSWER`.
 */
export async function queryOrder(client: OpenApiClient, orderId: string, orderLineId?: string, signal?: AbortSignal): Promise<OrderInfo> {
  if (orderId === '' || orderId.length > MAX_ORDER_ID) throw new RangeError(`orderId must be 1 to ${MAX_ORDER_ID} characters`);
  if (orderLineId !== undefined && (orderLineId === '' || orderLineId.length > MAX_ORDER_ID)) throw new RangeError(`orderLineId must be 1 to ${MAX_ORDER_ID} characters`);
  const answer = await client.call({
    method: 'GET',
    path: ORDER_QUERY_PATH,
    query: { orderId, ...(orderLineId !== undefined ? { orderLineId } : {}) },
    what: 'order query',
    ...(signal ? { signal } : {}),
  });
  const parsed = safeParse(answerSchema, answer.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MarketplaceError('INVALID_ANSWER', `order query: answer does not have the documented shape (${issue ? `${issue.path.join('.') || 'answer'}: ${issue.message}` : 'unknown'})`, { httpStatus: answer.status });
  }
  const info = parsed.data.orderInfo;
  return { ...info, orderLine: info.orderLine ?? [] };
}

/**
 * The line of `order` that is `orderLineId` (or the only line, or the first line for a V1 order, which has
 * no line ids), summarised. Absent fields stay absent.
 */
export function summariseOrder(order: OrderInfo, orderLineId: string): Omit<OrderSummary, 'queriedAt'> {
  const line = order.orderLine.find((l) => l.orderLineId === orderLineId) ?? (orderLineId === '' || order.orderLine.length === 1 ? order.orderLine[0] : undefined);
  const period = line?.periodNumber === undefined ? undefined : Number(line.periodNumber);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const fields: Omit<OrderSummary, 'queriedAt'> = {};
  const set = (key: 'orderType' | 'createTime' | 'chargingMode' | 'periodType' | 'expireTime', v: unknown): void => {
    const s = str(v);
    if (s !== undefined) fields[key] = s;
  };
  set('orderType', order.orderType);
  set('createTime', order.createTime);
  set('chargingMode', line?.chargingMode);
  set('periodType', line?.periodType);
  if (period !== undefined && Number.isFinite(period)) fields.periodNumber = period;
  set('expireTime', line?.expireTime);
  return fields;
}
