/**
 * The fake open API over HTTP: query order (MOCK and registered orders), the usage push's record
 * rules and metering_sn dedup, the ledger, fault injection and the control routes; and `kg openapi`'s
 * argument handling.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../infra/cli/main';
import { signAkSkRequest } from '../../../infra/emulator/fakeOpenApi/akskVerifier';
import { sortedJson, usageBodySignature } from '../../../infra/emulator/fakeOpenApi/bodySignature';
import { OPENAPI_PATHS, type FakeLedger } from '../../../infra/emulator/fakeOpenApi/fakeOpenApi';
import { mockOrders } from '../../../infra/emulator/fakeOpenApi/orders';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi/server';
import { FakeOpenApiControl } from '../../../infra/emulator/usageClient';
import { captureIo } from '../../support/simulateCli';

const AK = 'AKFAKETEST0001';
const SK = 'sk-fake-test-0001';
const KEY = 'basic-key-fake-test';
const HOUR = 3_600_000;

const wire = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

interface Answer {
  status: number;
  json: Record<string, unknown>;
  ms: number;
}

let fake: RunningFakeOpenApi;
let control: FakeOpenApiControl;

async function send(method: 'GET' | 'POST', path: string, options: { query?: string; body?: string; headers?: Record<string, string>; sign?: boolean; ak?: string; sk?: string } = {}): Promise<Answer> {
  const url = `${fake.url}${path}${options.query ? `?${options.query}` : ''}`;
  const base = { 'content-type': 'application/json', ...options.headers };
  const headers: Record<string, string> = options.sign === false ? base : signAkSkRequest({ ak: options.ak ?? AK, sk: options.sk ?? SK, method, url, headers: base, ...(options.body !== undefined ? { body: options.body } : {}) });
  delete headers.host;
  const t0 = Date.now();
  const res = await fetch(url, { method, headers, ...(options.body !== undefined ? { body: options.body } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, ms: Date.now() - t0 };
}

/** A usage push of `records` with a correct body signature and AK/SK. */
function push(records: unknown[], options: { key?: string; sortKeys?: boolean; ts?: number; body?: string } = {}): Promise<Answer> {
  const body = options.body ?? (options.sortKeys === false ? JSON.stringify({ usage_records: records }) : sortedJson({ usage_records: records }));
  const ts = String(options.ts ?? Date.now());
  const nonce = crypto.randomUUID();
  return send('POST', OPENAPI_PATHS.usageData, { body, headers: { ts, nonce, signature: usageBodySignature(options.key ?? KEY, ts, nonce, body) } });
}

let sn = 0;
function record(over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  const begin = Math.floor(now / HOUR) * HOUR - 2 * HOUR;
  return { instance_id: 'inst-1', metering_sn: `sn-${++sn}`, usage_value: '1.5', begin_time: wire(begin), end_time: wire(begin + HOUR), record_time: wire(now), ...over };
}

beforeAll(async () => {
  fake = await startFakeOpenApi({ ak: AK, sk: SK, key: KEY });
  control = new FakeOpenApiControl(fake.url, 5000);
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.api.reset();
  fake.api.knownInstances = 'any';
});

describe('fake open API: query order', () => {
  it.each([...mockOrders().keys()])('answers the MOCK order %s, its line <id>-000001', async (orderId) => {
    const a = await send('GET', OPENAPI_PATHS.orderQuery, { query: `orderId=${orderId}` });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ resultCode: 'MKT.0000', orderInfo: { orderId, orderType: expect.any(String), createTime: expect.stringMatching(/^\d{14}$/), orderLine: [{ orderLineId: `${orderId}-000001`, chargingMode: expect.stringMatching(/^(ON_DEMAND|ONE_TIME|PERIOD|ON_DEMAND_PKG)$/) }] } });
  });

  it('answers registered orders, filters by orderLineId, and refuses unknown ids, bad parameters and bad signatures', async () => {
    await control.registerOrders([{ orderId: 'CS25TEST0001', orderType: 'NEW', createTime: '20250101000000', orderLine: [{ orderLineId: 'CS25TEST0001-000001', chargingMode: 'ON_DEMAND' }, { orderLineId: 'CS25TEST0001-000002', chargingMode: 'PERIOD', periodType: 'month', periodNumber: 1 }] }]);
    const line = await send('GET', OPENAPI_PATHS.orderQuery, { query: 'orderId=CS25TEST0001&orderLineId=CS25TEST0001-000002' });
    expect(line.json).toMatchObject({ resultCode: 'MKT.0000', orderInfo: { orderLine: [{ orderLineId: 'CS25TEST0001-000002', chargingMode: 'PERIOD' }] } });
    expect((line.json.orderInfo as { orderLine: unknown[] }).orderLine).toHaveLength(1);
    expect(await send('GET', OPENAPI_PATHS.orderQuery, { query: 'orderId=CS25NOPE' })).toMatchObject({ status: 500, json: { resultCode: 'MKT.9001' } });
    expect(await send('GET', OPENAPI_PATHS.orderQuery, { query: 'orderId=CS25TEST0001&orderLineId=nope' })).toMatchObject({ status: 500, json: { resultCode: 'MKT.9001' } });
    expect(await send('GET', OPENAPI_PATHS.orderQuery, { query: '' })).toMatchObject({ status: 400, json: { resultCode: 'MKT.0101' } });
    expect(await send('GET', OPENAPI_PATHS.orderQuery, { query: 'orderId=MOCKONDEMAND&extra=1' })).toMatchObject({ status: 400, json: { resultCode: 'MKT.0101' } });
    expect(await send('GET', OPENAPI_PATHS.orderQuery, { query: 'orderId=MOCKONDEMAND', sign: false })).toMatchObject({ status: 401, json: { error_code: 'APIGW.0301' } });
    expect(await send('GET', OPENAPI_PATHS.orderQuery, { query: 'orderId=MOCKONDEMAND', sk: 'wrong' })).toMatchObject({ status: 401, json: { error_code: 'APIGW.0301' } });
    expect(await send('GET', '/api/other', {})).toMatchObject({ status: 404, json: { error_code: 'APIGW.0101' } });
    const { requests } = await control.requests();
    expect(requests.filter((r) => r.api === 'order').map((r) => r.code)).toEqual(['MKT.0000', 'MKT.9001', 'MKT.9001', 'MKT.0101', 'MKT.0101', 'APIGW.0301', 'APIGW.0301']);
    expect(requests[0]).toMatchObject({ orderId: 'CS25TEST0001', orderLineId: 'CS25TEST0001-000002' });
  });
});

describe('fake open API: usage push', () => {
  it('stores each record once by metering_sn, counts repeats and conflicting repeats, numbers or strings', async () => {
    const records = [record(), record({ usage_value: 2 }), record({ relate_pkg_instance: 'pkg-1' })];
    expect(await push(records)).toMatchObject({ status: 200, json: { error_code: 'MKT.0000', error_msg: 'success' } });
    expect(await push([records[0] as object, { ...(records[1] as object), record_time: wire(Date.now() + 1000) }])).toMatchObject({ status: 200 });
    expect(await push([{ ...(records[2] as object), usage_value: '9' }])).toMatchObject({ status: 200 });
    const ledger = await control.ledger();
    expect(ledger).toMatchObject({ accepted: 3, duplicates: 3, conflicts: 1 });
    expect(ledger.records.map((r) => [r.metering_sn, r.duplicates, r.conflicts, r.usage_value])).toEqual([
      [records[0]?.metering_sn, 1, 0, '1.5'],
      [records[1]?.metering_sn, 1, 0, 2],
      [records[2]?.metering_sn, 1, 1, '1.5'],
    ]);
    const { requests } = await control.requests();
    expect(requests.map((r) => [r.records, r.accepted, r.duplicates])).toEqual([[3, 3, 0], [2, 0, 2], [1, 0, 1]]);
  });

  it.each<[string, Record<string, unknown>, string, number]>([
    ['a negative value', { usage_value: '-1' }, 'MKT.0100', 500],
    ['a zero value', { usage_value: 0 }, 'MKT.0100', 500],
    ['a value with 5 decimals', { usage_value: '1.00001' }, 'MKT.0100', 500],
    ['a value in exponent form', { usage_value: 1e-7 }, 'MKT.0100', 500],
    ['a value over Double(12,4)', { usage_value: '123456789' }, 'MKT.0100', 500],
    ['an ISO time', { begin_time: '2025-01-01T00:00:00Z' }, 'MKT.0100', 500],
    ['an impossible date', { end_time: '20250231T000000Z' }, 'MKT.0100', 500],
    ['a missing metering_sn', { metering_sn: undefined }, 'MKT.0100', 500],
    ['an unknown field', { product_id: 'x' }, 'MKT.0101', 400],
    ['end before begin', { end_time: wire(Date.now() - 5 * HOUR) }, 'MKT.9002', 500],
    ['an end in the future', { end_time: wire(Date.now() + HOUR) }, 'MKT.9002', 500],
    ['begin 22 days ago', { begin_time: wire(Date.now() - 22 * 24 * HOUR), end_time: wire(Date.now() - 22 * 24 * HOUR + HOUR) }, 'MKT.9004', 500],
  ])('refuses %s, storing nothing of the batch and naming the record', async (_name, change, code, status) => {
    const good = record();
    const bad = record(change);
    if (change.metering_sn === undefined && 'metering_sn' in change) delete bad.metering_sn;
    const a = await push([good, bad]);
    expect(a).toMatchObject({ status, json: { error_code: code } });
    const abnormal = a.json.abnormal_usage_data as Array<Record<string, unknown>>;
    expect(abnormal).toHaveLength(1);
    expect(abnormal[0]).toMatchObject({ error_code: code, error_msg: expect.any(String), ...(bad.metering_sn ? { metering_sn: bad.metering_sn } : {}) });
    const ledger = await control.ledger();
    expect(ledger.records).toEqual([]);
    expect(ledger.rejected).toHaveLength(1);
  });

  it('knows only registered instances in registered mode (MKT.9001)', async () => {
    fake.api.knownInstances = 'registered';
    await control.registerInstances(['inst-known']);
    expect(await push([record({ instance_id: 'inst-known' })])).toMatchObject({ status: 200 });
    expect(await push([record({ instance_id: 'inst-unknown' })])).toMatchObject({ status: 500, json: { error_code: 'MKT.9001', abnormal_usage_data: [{ instance_id: 'inst-unknown' }] } });
    expect((await control.ledger(['inst-known'])).accepted).toBe(1);
    expect((await control.ledger(['inst-unknown'])).rejected).toHaveLength(1);
  });

  it('refuses a bad body signature, unsorted keys, a stale ts and missing headers (MKT.0102 / MKT.0101), and bad AK/SK (APIGW.0301)', async () => {
    expect(await push([record()], { key: 'another-key' })).toMatchObject({ status: 400, json: { error_code: 'MKT.0102' } });
    expect(await push([record()], { sortKeys: false })).toMatchObject({ status: 400, json: { error_code: 'MKT.0102' } });
    expect(await push([record()], { ts: Date.now() - 16 * 60_000 })).toMatchObject({ status: 400, json: { error_code: 'MKT.0102' } });
    expect(await push([], {})).toMatchObject({ status: 400, json: { error_code: 'MKT.0101' } });
    expect(await push([], { body: '{"usage_records":' })).toMatchObject({ status: 400, json: { error_code: 'MKT.0101' } });
    const body = sortedJson({ usage_records: [record()] });
    expect(await send('POST', OPENAPI_PATHS.usageData, { body })).toMatchObject({ status: 400, json: { error_code: 'MKT.0102' } });
    expect(await send('POST', OPENAPI_PATHS.usageData, { body, headers: { signature: 'x', nonce: 'n' } })).toMatchObject({ status: 400, json: { error_code: 'MKT.0101' } });
    const ts = String(Date.now());
    expect(await send('POST', OPENAPI_PATHS.usageData, { body, ak: 'AKOTHER', headers: { ts, nonce: 'n', signature: usageBodySignature(KEY, ts, 'n', body) } })).toMatchObject({ status: 401, json: { error_code: 'APIGW.0301' } });
    expect((await control.ledger()).records).toEqual([]);
  });

  it('refuses more than 1000 records (MKT.9003) and takes exactly 1000', async () => {
    const many = Array.from({ length: 1001 }, () => record());
    expect(await push(many)).toMatchObject({ status: 500, json: { error_code: 'MKT.9003' } });
    expect(await push(many.slice(0, 1000))).toMatchObject({ status: 200 });
    const ledger = await control.ledger();
    expect(ledger).toMatchObject({ accepted: 1000, maxBatch: 1001 });
  });
});

describe('fake open API: fault injection', () => {
  it('answers MKT.0250 (HTTP 406) and HTTP 500 MKT.0999 the given number of times, before any check', async () => {
    await control.setFaults({ rate429: 2, http500: 1 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await push([record()]));
    expect(answers.map((a) => [a.status, a.json.error_code])).toEqual([[406, 'MKT.0250'], [406, 'MKT.0250'], [500, 'MKT.0999'], [200, 'MKT.0000']]);
    const ledger: FakeLedger = await control.ledger();
    expect(ledger).toMatchObject({ accepted: 1, injected: { rate429: 2, http500: 1 }, faults: { rate429: 0, http500: 0 } });
  });

  it('holds an answer back (a timeout) after storing the records, so a retry is a duplicate', async () => {
    await control.setFaults({ timeoutMs: 400 });
    const r = record();
    const slow = await push([r]);
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(350);
    expect((await push([r])).ms).toBeLessThan(350);
    expect(await control.ledger()).toMatchObject({ accepted: 1, duplicates: 1, injected: { timeouts: 1 } });
    expect((await control.requests()).requests[0]).toMatchObject({ fault: 'timeout', accepted: 1 });
  });

  it('refuses the listed metering_sns every time (MKT.9002), in abnormal_usage_data or extra_info', async () => {
    const bad = record();
    await control.setFaults({ rejectSn: [bad.metering_sn as string] });
    const good = record();
    expect(await push([good, bad])).toMatchObject({ status: 500, json: { error_code: 'MKT.9002', abnormal_usage_data: [{ metering_sn: bad.metering_sn, error_code: 'MKT.9002' }] } });
    await control.setFaults({ rejectionsIn: 'extra_info' });
    const again = await push([bad]);
    expect(again.json).toMatchObject({ error_code: 'MKT.9002', extra_info: [{ metering_sn: bad.metering_sn }] });
    expect(again.json.abnormal_usage_data).toBeUndefined();
    expect(await push([good])).toMatchObject({ status: 200 });
    const ledger = await control.ledger();
    expect(ledger.records.map((x) => x.metering_sn)).toEqual([good.metering_sn]);
    expect(ledger.rejected.map((x) => x.metering_sn)).toEqual([bad.metering_sn, bad.metering_sn]);
    expect(ledger.injected.rejectSn).toBe(2);
  });

  it('refuses bad fault and registration documents with HTTP 400', async () => {
    const res = await fetch(`${fake.url}/_openapi/faults`, { method: 'POST', body: '{"rate429": -1}' });
    expect(res.status).toBe(400);
    const orders = await fetch(`${fake.url}/_openapi/orders`, { method: 'POST', body: '{"orderId": "x"}' });
    expect(orders.status).toBe(400);
  });
});

describe('kg openapi', () => {
  it('prints its usage and refuses bad arguments with exit 2', async () => {
    const help = captureIo();
    expect(await main(['openapi', '--help'], help)).toBe(0);
    expect(help.stdout).toContain('/_openapi/faults');
    for (const args of [['--port', 'x'], ['--instances', 'some'], ['--ak', ''], ['--bogus']]) {
      const io = captureIo();
      expect(await main(['openapi', ...args], io)).toBe(2);
    }
  });
});
