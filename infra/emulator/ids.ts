/**
 * Order and business ids shaped like the marketplace's, unique per run so runs against one server
 * (and one Redis) never collide.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
let counter = 0;

function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** An order line: `CS` + yyMMddHHmm + 8 random characters, and its first line `<orderId>-000001`. */
export interface OrderLine {
  orderId: string;
  orderLineId: string;
}

/** A fresh order id such as `CS2511181819B4LVS0AB`, never repeated within a process. */
export function newOrderId(): string {
  const iso = new Date().toISOString();
  const stamp = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
  counter = (counter + 1) % 1296;
  return `CS${stamp}${randomAlnum(6)}${counter.toString(36).toUpperCase().padStart(2, '0')}`;
}

/** A fresh order with its first order line. */
export function newOrderLine(): OrderLine {
  const orderId = newOrderId();
  return { orderId, orderLineId: `${orderId}-000001` };
}

/** A fresh `businessId` (different on every request, retries included). */
export function newBusinessId(): string {
  return randomUUID();
}

/** An instance id no merchant has issued (32 hex characters, like the doc examples). */
export function unknownInstanceId(): string {
  return `kgemu${randomBytes(14).toString('hex')}`;
}

/** `yyyyMMddHHmmss` (14 digits) in UTC, `daysFromNow` days ahead. */
export function expireTime14(daysFromNow: number): string {
  return expireTime17(daysFromNow).slice(0, 14);
}

/** `yyyyMMddHHmmssSSS` (17 digits, the doc example's shape) in UTC, `daysFromNow` days ahead. */
export function expireTime17(daysFromNow: number): string {
  const iso = new Date(Date.now() + daysFromNow * 86_400_000).toISOString();
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23);
}
