/**
 * Orders the fake open API answers (platform-and-open-api.md §6.2): the documented MOCK orders, whose
 * line is `<orderId>-000001`, and whatever a test registers. Field values of the MOCK orders beyond
 * the documented ones (times, periods) are the fake's own choice.
 * @module
 */

/** One order line as query order returns it (unknown fields are kept). */
export interface FakeOrderLine {
  orderLineId: string;
  /** `ON_DEMAND`, `ONE_TIME`, `PERIOD`, `ON_DEMAND_PKG`. */
  chargingMode: string;
  periodType?: string;
  periodNumber?: number;
  /** `yyyyMMddHHmmss`. */
  expireTime?: string;
  [field: string]: unknown;
}

/** `orderInfo` of a query order answer. */
export interface FakeOrder {
  orderId: string;
  /** `NEW`, `TRIAL`, `TRIAL_TO_FORMAL`, `UNSUBSCRIBE`, `RENEW`, `CHANGE`. */
  orderType: string;
  /** `yyyyMMddHHmmss`, when the order was placed. */
  createTime: string;
  orderLine: FakeOrderLine[];
  [field: string]: unknown;
}

function mock(orderId: string, orderType: string, line: { chargingMode: string; periodType?: string; periodNumber?: number; expireTime?: string }): FakeOrder {
  return { orderId, orderType, createTime: '20240101080000', orderLine: [{ orderLineId: `${orderId}-000001`, ...line }] };
}

/** The MOCK orders of §6.2, by id. */
export function mockOrders(): Map<string, FakeOrder> {
  const list = [
    mock('MOCKPERIODYEARNEW', 'NEW', { chargingMode: 'PERIOD', periodType: 'year', periodNumber: 1, expireTime: '20250101155959' }),
    mock('MOCKONETIMENEW', 'NEW', { chargingMode: 'ONE_TIME' }),
    mock('MOCKONDEMAND', 'NEW', { chargingMode: 'ON_DEMAND' }),
    mock('MOCKONDEMANDPKG', 'NEW', { chargingMode: 'ON_DEMAND_PKG' }),
    mock('MOCKPERIODDAYTRIAL', 'TRIAL', { chargingMode: 'PERIOD', periodType: 'day', periodNumber: 7, expireTime: '20240108155959' }),
    mock('MOCKMONTYTRIALTOFORMAL', 'TRIAL_TO_FORMAL', { chargingMode: 'PERIOD', periodType: 'month', periodNumber: 1, expireTime: '20240201155959' }),
    mock('MOCKMONTYUNSUBSCRIBE', 'UNSUBSCRIBE', { chargingMode: 'PERIOD', periodType: 'month', periodNumber: 1, expireTime: '20240201155959' }),
    mock('MOCKMONTYRENEW', 'RENEW', { chargingMode: 'PERIOD', periodType: 'month', periodNumber: 1, expireTime: '20240301155959' }),
    mock('MOCKMONTYCHANGE', 'CHANGE', { chargingMode: 'PERIOD', periodType: 'month', periodNumber: 1, expireTime: '20240201155959' }),
  ];
  return new Map(list.map((o) => [o.orderId, o]));
}

/** Reads one order to register; throws with a short reason when it is not usable. */
export function parseOrder(value: unknown): FakeOrder {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('an order must be a JSON object');
  const o = value as Record<string, unknown>;
  if (typeof o.orderId !== 'string' || o.orderId === '' || o.orderId.length > 64) throw new Error('orderId must be a string of 1-64 characters');
  if (!Array.isArray(o.orderLine) || o.orderLine.length === 0) throw new Error(`order ${o.orderId}: orderLine must be a non-empty array`);
  const lines = o.orderLine.map((line, i) => {
    if (!line || typeof line !== 'object') throw new Error(`order ${String(o.orderId)}: orderLine[${i}] is not an object`);
    const l = line as Record<string, unknown>;
    if (typeof l.orderLineId !== 'string' || l.orderLineId === '') throw new Error(`order ${String(o.orderId)}: orderLine[${i}].orderLineId missing`);
    if (typeof l.chargingMode !== 'string' || l.chargingMode === '') throw new Error(`order ${String(o.orderId)}: orderLine[${i}].chargingMode missing`);
    return l as FakeOrderLine;
  });
  return {
    ...o,
    orderId: o.orderId,
    orderType: typeof o.orderType === 'string' ? o.orderType : 'NEW',
    createTime: typeof o.createTime === 'string' ? o.createTime : new Date().toISOString().replace(/\D/g, '').slice(0, 14),
    orderLine: lines,
  };
}
