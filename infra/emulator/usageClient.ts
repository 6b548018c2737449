/**
 * The merchant back end's side of usage reporting, as the emulator plays it: `POST <URL>/usage` signed
 * with the ingest key (usage contract: `x-kg-timestamp` = ms, `x-kg-signature` = hex
 * HMAC-SHA256(key, "<timestamp>.usage.<body>")), written here and not taken from the server; and a
 * client of the fake open API's control routes (`/_openapi/*`).
 * @module
 */
import { createHmac } from 'node:crypto';
import { kitUrl } from './kitClient';
import { sendHttp } from './httpClient';
import { parseAnswer, type Exchange } from './marketplace';
import type { FakeFaults, FakeLedger, FakeLogEntry } from './fakeOpenApi/fakeOpenApi';

/** One usage record as the merchant's back end reports it (ISO-8601 UTC times). */
export interface IngestRecord {
  instanceId: string;
  meteringSn?: string;
  usageValue: number;
  beginTime: string;
  endTime: string;
  relatePkgInstance?: string;
}

/** `hex(HMAC-SHA256(key, "<timestamp>.usage.<body>"))`. */
export function usageIngestSignature(key: string, timestamp: string, body: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(`${timestamp}.usage.${body}`, 'utf8').digest('hex');
}

/** Ways to bend one ingest request; the default is a correct one. */
export interface IngestOptions {
  /** Send this text instead of `JSON.stringify(records)` (signed as sent). */
  rawBody?: string;
  /** Stamp now plus this many ms. */
  timestampOffsetMs?: number;
  /** Sign with this key instead. */
  key?: string;
  /** Replace the computed signature. */
  signature?: string;
  /** Sign this text instead of the body sent. */
  signedBody?: string;
  omit?: Array<'x-kg-timestamp' | 'x-kg-signature'>;
}

/** Sends usage to the merchant's ingestion route. */
export class UsageIngestClient {
  /** @param url the ingestion URL (default `<production URL>/usage`). */
  constructor(readonly url: string, private readonly key: string, readonly timeoutMs: number) {}

  /** The ingestion URL for a production URL. */
  static urlFor(productionUrl: string): string {
    return kitUrl(productionUrl, 'usage');
  }

  /** Posts `payload` (an array of records, or `{records: [...]}`) signed with the ingest key. */
  async post(payload: unknown, options: IngestOptions = {}): Promise<Exchange> {
    const body = options.rawBody ?? JSON.stringify(payload);
    const timestamp = String(Date.now() + (options.timestampOffsetMs ?? 0));
    const signature = options.signature ?? usageIngestSignature(options.key ?? this.key, timestamp, options.signedBody ?? body);
    const omit = new Set(options.omit ?? []);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (!omit.has('x-kg-timestamp')) headers['x-kg-timestamp'] = timestamp;
    if (!omit.has('x-kg-signature')) headers['x-kg-signature'] = signature;
    return parseAnswer(await sendHttp({ method: 'POST', url: this.url, headers, body, timeoutMs: this.timeoutMs }));
  }
}

/** Talks to a fake open API's control routes. */
export class FakeOpenApiControl {
  constructor(readonly url: string, readonly timeoutMs: number) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const answer = await sendHttp({
      method,
      url: new URL(path, this.url).toString(),
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      timeoutMs: this.timeoutMs,
    });
    if (answer.error) throw new Error(`fake open API ${path}: ${answer.error}`);
    if (answer.status !== 200) throw new Error(`fake open API ${path}: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }

  /** The ledger for these instances. */
  ledger(instances: string[] = []): Promise<FakeLedger> {
    const q = instances.length > 0 ? `?instance=${encodeURIComponent(instances.join(','))}` : '';
    return this.call('GET', `/_openapi/usage${q}`);
  }

  /** Open API requests logged after `afterSeq`, and the last sequence number. */
  requests(afterSeq = 0): Promise<{ requests: FakeLogEntry[]; seq: number }> {
    return this.call('GET', `/_openapi/requests?after=${afterSeq}`);
  }

  registerOrders(orders: unknown[]): Promise<{ registered: string[] }> {
    return this.call('POST', '/_openapi/orders', orders);
  }

  registerInstances(ids: string[]): Promise<{ registered: number }> {
    return this.call('POST', '/_openapi/instances', ids);
  }

  setFaults(faults: FakeFaults): Promise<unknown> {
    return this.call('POST', '/_openapi/faults', faults);
  }
}
