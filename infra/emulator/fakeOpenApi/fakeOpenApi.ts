/**
 * The fake KooGallery open API as plain request-in, answer-out logic (the HTTP server around it is in
 * `server.ts`): query order and the usage push, each behind the fake's own AK/SK verifier; the body
 * signature, the record rules and `metering_sn` dedup of the usage push; a ledger of every accepted
 * record; fault injection; and the `/_openapi/*` control routes tests and the emulator use.
 *
 * Answers follow the reference's error table (platform-and-open-api.md §6.3): usage push answers carry
 * `error_code`/`error_msg`, query order answers `resultCode`/`resultMsg`, gateway (AK/SK) refusals
 * `error_code: "APIGW.0301"` with HTTP 401. A usage push is all or nothing: when any record is
 * refused, none is stored and the refused ones are listed as `{metering_sn, instance_id, error_code,
 * error_msg}` in `abnormal_usage_data` (top level; or in `extra_info` when so configured).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { verifyAkSk, type AkSkRequest } from './akskVerifier';
import { sortedJson, verifyUsageBodySignature } from './bodySignature';
import { mockOrders, parseOrder, type FakeOrder } from './orders';
import { checkUsageRecord, usageIdentity, type AbnormalRecord, type WireUsageRecord } from './records';

/** The open API paths (§6.2, §6.3). */
export const OPENAPI_PATHS = {
  orderQuery: '/api/mkp-openapi-public/global/v1/order/query',
  usageData: '/api/mkp-openapi-public/global/v1/isv/usage-data',
} as const;

/** At most this many records in one push (§6.3), else `MKT.9003`. */
export const MAX_USAGE_BATCH = 1000;

/** HTTP status of each `MKT.*` code (§6.3 error table). */
export const MKT_STATUS: Readonly<Record<string, number>> = {
  'MKT.0000': 200,
  'MKT.0999': 500,
  'MKT.0100': 500,
  'MKT.0101': 400,
  'MKT.0102': 400,
  'MKT.0199': 400,
  'MKT.0150': 401,
  'MKT.0151': 401,
  'MKT.0154': 401,
  'MKT.0250': 406,
  'MKT.9001': 500,
  'MKT.9002': 500,
  'MKT.9003': 500,
  'MKT.9004': 500,
};

/** Faults to inject into usage pushes (query order is never faulted). Counts are consumed one per push. */
export interface FakeFaults {
  /** The next n pushes answer `MKT.0250` (access frequency over limit, HTTP 406) before any check. */
  rate429?: number;
  /** The next n pushes answer HTTP 500 `MKT.0999` before any check. */
  http500?: number;
  /** The next n pushes are processed (records stored) but answered only after `timeoutMs`. Default 1 when `timeoutMs` is given. */
  timeouts?: number;
  /** Delay of a timed-out answer (ms). */
  timeoutMs?: number;
  /** These `metering_sn`s are refused (`MKT.9002`) every time they are pushed. */
  rejectSn?: string[];
  /** Where refused records are listed: top-level `abnormal_usage_data` (default) or `extra_info`. */
  rejectionsIn?: 'abnormal_usage_data' | 'extra_info';
}

/** Settings of a fake open API. */
export interface FakeOpenApiConfig {
  /** The seller's AK/SK the fake accepts. */
  ak: string;
  sk: string;
  /** The basic-interface key the usage body signature is made with. */
  key: string;
  /** `any` (default): every instance id exists; `registered`: only those posted to `/_openapi/instances`. */
  knownInstances?: 'any' | 'registered';
  faults?: FakeFaults;
  /** How far `X-Sdk-Date` may be from now (ms), default 15 min. */
  maxSkewMs?: number;
  /** How far the `ts` header may be from now (ms), default 15 min. */
  tsSkewMs?: number;
  /** The clock (epoch ms). */
  now?: () => number;
}

/** A request as the HTTP layer hands it over. */
export type FakeRequest = AkSkRequest;

/** An answer: status, JSON body, and how long to hold it back (timeout fault). */
export interface FakeResponse {
  status: number;
  body: unknown;
  delayMs?: number;
}

/** One accepted record in the ledger. */
export interface LedgerRecord extends WireUsageRecord {
  /** How many later pushes carried this `metering_sn` again (not counted twice). */
  duplicates: number;
  /** How many of those carried different usage under the same `metering_sn` (kept: the first). */
  conflicts: number;
  /** When it was first accepted (epoch ms). */
  acceptedAt: number;
}

/** One refusal of one record. */
export interface RejectedRecord extends AbnormalRecord {
  at: number;
}

/** One request the fake answered (control routes are not logged). */
export interface FakeLogEntry {
  seq: number;
  at: number;
  api: 'usage' | 'order' | 'unknown';
  method: string;
  path: string;
  status: number;
  code: string;
  reason?: string;
  fault?: 'rate429' | 'http500' | 'timeout';
  /** Usage push: records in the request, and how many were new / already known. */
  records?: number;
  accepted?: number;
  duplicates?: number;
  orderId?: string;
  orderLineId?: string;
}

/** What `GET /_openapi/usage` answers. */
export interface FakeLedger {
  records: LedgerRecord[];
  /** Records in `records`. */
  accepted: number;
  /** Sum of `duplicates` over `records`. */
  duplicates: number;
  /** Sum of `conflicts` over `records`. */
  conflicts: number;
  rejected: RejectedRecord[];
  /** Counts over all requests since the start (or the last reset). */
  requests: { usage: number; order: number; byCode: Record<string, number> };
  /** The largest `usage_records` seen in one push (refused ones included). */
  maxBatch: number;
  /** Faults still to inject. */
  faults: Required<Omit<FakeFaults, 'rejectionsIn'>> & Pick<FakeFaults, 'rejectionsIn'>;
  /** Faults injected so far. */
  injected: { rate429: number; http500: number; timeouts: number; rejectSn: number };
}

const LOG_LIMIT = 50_000;

function json(status: number, body: unknown): FakeResponse {
  return { status, body };
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function count(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

/** The fake open API's state and request handling. */
export class FakeOpenApi {
  private readonly orders: Map<string, FakeOrder> = mockOrders();
  private readonly instances = new Set<string>();
  private ledger = new Map<string, LedgerRecord>();
  private rejected: RejectedRecord[] = [];
  private log: FakeLogEntry[] = [];
  private seq = 0;
  private maxBatch = 0;
  private requests = { usage: 0, order: 0, byCode: {} as Record<string, number> };
  private faults = { rate429: 0, http500: 0, timeouts: 0, timeoutMs: 0, rejectSn: new Set<string>(), rejectionsIn: undefined as FakeFaults['rejectionsIn'] };
  private injected = { rate429: 0, http500: 0, timeouts: 0, rejectSn: 0 };
  private readonly now: () => number;
  knownInstances: 'any' | 'registered';

  constructor(private readonly config: FakeOpenApiConfig) {
    this.now = config.now ?? Date.now;
    this.knownInstances = config.knownInstances ?? 'any';
    if (config.faults) this.setFaults(config.faults);
  }

  /** Adds faults: counts and the delay replace the current ones, `rejectSn` is added to. */
  setFaults(f: FakeFaults): void {
    if (f.rate429 !== undefined) this.faults.rate429 = count(f.rate429, 'rate429');
    if (f.http500 !== undefined) this.faults.http500 = count(f.http500, 'http500');
    if (f.timeoutMs !== undefined) {
      this.faults.timeoutMs = count(f.timeoutMs, 'timeoutMs');
      if (f.timeouts === undefined) this.faults.timeouts = 1;
    }
    if (f.timeouts !== undefined) this.faults.timeouts = count(f.timeouts, 'timeouts');
    if (f.rejectSn !== undefined) {
      if (!Array.isArray(f.rejectSn) || f.rejectSn.some((s) => typeof s !== 'string')) throw new Error('rejectSn must be an array of strings');
      for (const sn of f.rejectSn) this.faults.rejectSn.add(sn);
    }
    if (f.rejectionsIn !== undefined) {
      if (f.rejectionsIn !== 'abnormal_usage_data' && f.rejectionsIn !== 'extra_info') throw new Error('rejectionsIn must be abnormal_usage_data or extra_info');
      this.faults.rejectionsIn = f.rejectionsIn;
    }
  }

  /** Registers an order for query order (replacing one with the same id). */
  addOrder(order: unknown): FakeOrder {
    const parsed = parseOrder(order);
    this.orders.set(parsed.orderId, parsed);
    return parsed;
  }

  /** Registers instance ids the usage push accepts in `registered` mode. */
  addInstances(ids: string[]): void {
    for (const id of ids) this.instances.add(id);
  }

  /** Forgets the ledger, the log, the faults and what was registered (the MOCK orders stay). */
  reset(): void {
    this.ledger = new Map();
    this.rejected = [];
    this.log = [];
    this.maxBatch = 0;
    this.requests = { usage: 0, order: 0, byCode: {} };
    this.faults = { rate429: 0, http500: 0, timeouts: 0, timeoutMs: 0, rejectSn: new Set(), rejectionsIn: undefined };
    this.injected = { rate429: 0, http500: 0, timeouts: 0, rejectSn: 0 };
    this.instances.clear();
    for (const id of [...this.orders.keys()]) if (!id.startsWith('MOCK')) this.orders.delete(id);
    for (const [id, order] of mockOrders()) this.orders.set(id, order);
  }

  /** The ledger, optionally only for some instances. */
  usage(instances?: string[]): FakeLedger {
    const keep = instances && instances.length > 0 ? new Set(instances) : undefined;
    const records = [...this.ledger.values()].filter((r) => !keep || keep.has(r.instance_id)).map((r) => ({ ...r }));
    const rejected = this.rejected.filter((r) => !keep || (r.instance_id !== undefined && keep.has(r.instance_id))).map((r) => ({ ...r }));
    const { rejectSn, rejectionsIn, ...counts } = this.faults;
    return {
      records,
      accepted: records.length,
      duplicates: records.reduce((n, r) => n + r.duplicates, 0),
      conflicts: records.reduce((n, r) => n + r.conflicts, 0),
      rejected,
      requests: { usage: this.requests.usage, order: this.requests.order, byCode: { ...this.requests.byCode } },
      maxBatch: this.maxBatch,
      faults: { ...counts, rejectSn: [...rejectSn], ...(rejectionsIn ? { rejectionsIn } : {}) },
      injected: { ...this.injected },
    };
  }

  /** Logged requests with `seq` greater than `afterSeq`. */
  requestLog(afterSeq = 0): FakeLogEntry[] {
    return this.log.filter((e) => e.seq > afterSeq).map((e) => ({ ...e }));
  }

  /** Answers one request (open API or control route). */
  async handle(req: FakeRequest): Promise<FakeResponse> {
    if (req.path.startsWith('/_openapi/')) return this.control(req);
    if (req.path === OPENAPI_PATHS.usageData && req.method === 'POST') return this.usageData(req);
    if (req.path === OPENAPI_PATHS.orderQuery && req.method === 'GET') return this.orderQuery(req);
    const answer = json(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment', request_id: randomUUID() });
    this.record({ api: 'unknown', method: req.method, path: req.path, status: 404, code: 'APIGW.0101' });
    return answer;
  }

  private record(entry: Omit<FakeLogEntry, 'seq' | 'at'>): void {
    const full: FakeLogEntry = { seq: ++this.seq, at: this.now(), ...entry };
    this.log.push(full);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    if (entry.api === 'usage') this.requests.usage++;
    if (entry.api === 'order') this.requests.order++;
    this.requests.byCode[entry.code] = (this.requests.byCode[entry.code] ?? 0) + 1;
  }

  private gatewayRefusal(reason: string): FakeResponse {
    return json(401, { error_code: 'APIGW.0301', error_msg: `Incorrect IAM authentication information: ${reason}`, request_id: randomUUID() });
  }

  private verify(req: FakeRequest) {
    return verifyAkSk(req, { ak: this.config.ak, sk: this.config.sk, nowMs: this.now(), maxSkewMs: this.config.maxSkewMs ?? 15 * 60_000 });
  }

  private orderQuery(req: FakeRequest): FakeResponse {
    const base = { api: 'order' as const, method: req.method, path: req.path };
    const auth = this.verify(req);
    if (!auth.ok) {
      this.record({ ...base, status: 401, code: 'APIGW.0301', reason: auth.reason });
      return this.gatewayRefusal(auth.reason);
    }
    const params = new URLSearchParams(req.query);
    const orderIds = params.getAll('orderId');
    const lineIds = params.getAll('orderLineId');
    const answer = (code: string, msg: string, extra: Record<string, unknown> = {}, ids: Partial<FakeLogEntry> = {}): FakeResponse => {
      const status = MKT_STATUS[code] ?? 500;
      this.record({ ...base, ...ids, status, code, ...(code === 'MKT.0000' ? {} : { reason: msg }) });
      return json(status, { resultCode: code, resultMsg: msg, ...extra });
    };
    const unknown = [...new Set(params.keys())].filter((k) => k !== 'orderId' && k !== 'orderLineId');
    if (unknown.length > 0) return answer('MKT.0101', `unknown parameter ${unknown[0]}`);
    const orderId = orderIds[0];
    if (orderIds.length !== 1 || !orderId || orderId.length > 64) return answer('MKT.0101', 'orderId must be given once, 1-64 characters');
    const lineId = lineIds[0];
    if (lineIds.length > 1 || (lineId !== undefined && (lineId === '' || lineId.length > 64))) return answer('MKT.0101', 'orderLineId must be given at most once, 1-64 characters', {}, { orderId });
    const ids = { orderId, ...(lineId !== undefined ? { orderLineId: lineId } : {}) };
    const order = this.orders.get(orderId);
    if (!order) return answer('MKT.9001', 'order not found', {}, ids);
    const lines = lineId === undefined ? order.orderLine : order.orderLine.filter((l) => l.orderLineId === lineId);
    if (lines.length === 0) return answer('MKT.9001', 'order line not found', {}, ids);
    return answer('MKT.0000', 'Success', { orderInfo: { ...order, orderLine: lines } }, ids);
  }

  private usageData(req: FakeRequest): FakeResponse {
    const base = { api: 'usage' as const, method: req.method, path: req.path };
    const fail = (code: string, msg: string, more: Partial<FakeLogEntry> = {}, extra: Record<string, unknown> = {}): FakeResponse => {
      const status = MKT_STATUS[code] ?? 500;
      this.record({ ...base, status, code, reason: msg, ...more });
      return json(status, { error_code: code, error_msg: msg, ...extra });
    };
    if (this.faults.rate429 > 0) {
      this.faults.rate429--;
      this.injected.rate429++;
      return fail('MKT.0250', 'access frequency over limit', { fault: 'rate429' });
    }
    if (this.faults.http500 > 0) {
      this.faults.http500--;
      this.injected.http500++;
      return fail('MKT.0999', 'internal error', { fault: 'http500' });
    }
    const auth = this.verify(req);
    if (!auth.ok) {
      this.record({ ...base, status: 401, code: 'APIGW.0301', reason: auth.reason });
      return this.gatewayRefusal(auth.reason);
    }
    const answer = this.usageBody(req, fail);
    if (this.faults.timeouts > 0) {
      this.faults.timeouts--;
      this.injected.timeouts++;
      const last = this.log[this.log.length - 1];
      if (last) last.fault = 'timeout';
      return { ...answer, delayMs: this.faults.timeoutMs };
    }
    return answer;
  }

  private usageBody(req: FakeRequest, fail: (code: string, msg: string, more?: Partial<FakeLogEntry>, extra?: Record<string, unknown>) => FakeResponse): FakeResponse {
    const { ts, nonce, signature } = req.headers;
    if (signature === undefined || signature === '') return fail('MKT.0102', 'signature header missing');
    if (ts === undefined || !/^\d{1,20}$/.test(ts)) return fail('MKT.0101', 'ts header must be unix time in milliseconds');
    if (nonce === undefined || nonce === '' || nonce.length > 64) return fail('MKT.0101', 'nonce header must be 1-64 characters');
    const skew = Math.abs(this.now() - Number(ts));
    if (skew > (this.config.tsSkewMs ?? 15 * 60_000)) return fail('MKT.0102', `ts is ${Math.round(skew / 1000)} s away from now`);
    if (!verifyUsageBodySignature({ key: this.config.key, ts, nonce, body: req.body, signature })) return fail('MKT.0102', 'invalid body sign');
    const parsed = parseJson(req.body);
    if (!parsed.ok) return fail('MKT.0101', 'body is not JSON');
    if (sortedJson(parsed.value) !== req.body.toString('utf8')) return fail('MKT.0102', 'body is not compact JSON with keys in natural order at every level (the form the signature covers)');
    const body = parsed.value;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return fail('MKT.0101', 'body must be {"usage_records":[...]}');
    const extra = Object.keys(body).filter((k) => k !== 'usage_records');
    if (extra.length > 0) return fail('MKT.0101', `unknown parameter ${extra[0]}`);
    const list = (body as { usage_records?: unknown }).usage_records;
    if (!Array.isArray(list) || list.length === 0) return fail('MKT.0101', 'usage_records must be a non-empty array');
    this.maxBatch = Math.max(this.maxBatch, list.length);
    if (list.length > MAX_USAGE_BATCH) return fail('MKT.9003', `too many usage records: ${list.length} (limit ${MAX_USAGE_BATCH})`, { records: list.length });
    const now = this.now();
    const knows = (id: string) => this.knownInstances === 'any' || this.instances.has(id);
    const abnormal: AbnormalRecord[] = [];
    for (const item of list) {
      const problem = checkUsageRecord(item, now, knows);
      if (problem) abnormal.push(problem);
      else if (this.faults.rejectSn.has((item as WireUsageRecord).metering_sn)) {
        this.injected.rejectSn++;
        abnormal.push({ metering_sn: (item as WireUsageRecord).metering_sn, instance_id: (item as WireUsageRecord).instance_id, error_code: 'MKT.9002', error_msg: 'invalid usage entity (injected rejection)' });
      }
    }
    if (abnormal.length > 0) {
      for (const a of abnormal) this.rejected.push({ ...a, at: now });
      const first = abnormal[0] as AbnormalRecord;
      const place = this.faults.rejectionsIn ?? 'abnormal_usage_data';
      return fail(first.error_code, `${abnormal.length} of ${list.length} usage records are invalid: ${first.error_msg}`, { records: list.length, accepted: 0 }, { [place]: abnormal });
    }
    let accepted = 0;
    let duplicates = 0;
    for (const item of list as WireUsageRecord[]) {
      const known = this.ledger.get(item.metering_sn);
      if (known) {
        known.duplicates++;
        duplicates++;
        if (usageIdentity(known) !== usageIdentity(item)) known.conflicts++;
      } else {
        accepted++;
        this.ledger.set(item.metering_sn, { ...item, duplicates: 0, conflicts: 0, acceptedAt: now });
      }
    }
    this.record({ api: 'usage', method: req.method, path: req.path, status: 200, code: 'MKT.0000', records: list.length, accepted, duplicates });
    return json(200, { error_code: 'MKT.0000', error_msg: 'success' });
  }

  private control(req: FakeRequest): FakeResponse {
    const route = `${req.method} ${req.path}`;
    const params = new URLSearchParams(req.query);
    const body = () => {
      const parsed = parseJson(req.body);
      if (!parsed.ok) throw new Error('body is not JSON');
      return parsed.value;
    };
    const listOf = (value: unknown, key: string): unknown[] => {
      if (Array.isArray(value)) return value;
      if (value && typeof value === 'object' && Array.isArray((value as Record<string, unknown>)[key])) return (value as Record<string, unknown[]>)[key] as unknown[];
      return [value];
    };
    try {
      switch (route) {
        case 'GET /_openapi/usage': {
          const instances = params.getAll('instance').flatMap((v) => v.split(',')).filter((v) => v !== '');
          return json(200, this.usage(instances));
        }
        case 'GET /_openapi/requests':
          return json(200, { requests: this.requestLog(Number(params.get('after') ?? 0) || 0), seq: this.seq });
        case 'POST /_openapi/orders': {
          const orders = listOf(body(), 'orders').map((o) => this.addOrder(o));
          return json(200, { registered: orders.map((o) => o.orderId) });
        }
        case 'POST /_openapi/instances': {
          const ids = listOf(body(), 'instances').map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>).instanceId : v));
          if (ids.some((id) => typeof id !== 'string' || id === '')) throw new Error('instances must be strings (or {instanceId})');
          this.addInstances(ids as string[]);
          return json(200, { registered: ids.length, knownInstances: this.knownInstances });
        }
        case 'GET /_openapi/faults':
          return json(200, this.usage([]).faults);
        case 'POST /_openapi/faults': {
          const f = body();
          if (!f || typeof f !== 'object' || Array.isArray(f)) throw new Error('faults must be a JSON object');
          this.setFaults(f as FakeFaults);
          return json(200, this.usage([]).faults);
        }
        case 'POST /_openapi/reset':
          this.reset();
          return json(200, { reset: true });
        default:
          return json(404, { error: `no control route ${route}` });
      }
    } catch (err) {
      return json(400, { error: (err as Error).message });
    }
  }
}
