/**
 * The open-API client against the fake open API (infra/emulator/fakeOpenApi), whose AK/SK and body-signature
 * checks are written independently of our signer: query order, the usage push, typed errors, retries on
 * MKT.0250 / 5xx / timeouts, the fallback host, endpoint rules, and no secret in any log line or error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi';
import { ConfigError } from '../../../shared/core/errors';
import {
  MarketplaceAuthError, MarketplaceBodySignError, MarketplaceNotFoundError, MarketplaceRateLimitError, MarketplaceUnavailableError, MarketplaceValidationError,
} from '../../../shared/marketplace/errors';
import { createOpenApiClient, parseEndpoints, type OpenApiClientOptions } from '../../../shared/marketplace/openApiClient';
import { queryOrder, summariseOrder } from '../../../shared/marketplace/orderQuery';
import { pushUsageData, type UsageWireRecord } from '../../../shared/marketplace/usageData';
import { createLogger } from '../../../shared/platform/logger';

const AK = 'AK-client-test';
const SK = 'SK-client-test-very-secret';
const BODY_KEY = 'basic-interface-key-0001';

let fake: RunningFakeOpenApi;
let logLines: string[] = [];
const logger = createLogger({ info: (l: string) => logLines.push(l) }, 'debug');

function client(over: Partial<OpenApiClientOptions> = {}) {
  return createOpenApiClient({ endpoint: fake.url, ak: AK, sk: SK, timeoutMs: 2000, retryDelaysMs: [10, 20, 30], logger, ...over });
}

function wireTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function record(sn: string, hoursAgo = 2): UsageWireRecord {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return { instance_id: 'inst-1', metering_sn: sn, usage_value: '1.5', begin_time: wireTime(hour - hoursAgo * 3_600_000), end_time: wireTime(hour - (hoursAgo - 1) * 3_600_000), record_time: wireTime(Date.now()) };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

beforeAll(async () => {
  fake = await startFakeOpenApi({ ak: AK, sk: SK, key: BODY_KEY });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.api.reset();
  logLines = [];
});

describe('query order', () => {
  it('reads a documented MOCK order with its line, and keeps unknown fields', async () => {
    const order = await queryOrder(client(), 'MOCKONDEMAND');
    expect(order).toMatchObject({ orderId: 'MOCKONDEMAND', orderType: 'NEW', orderLine: [{ orderLineId: 'MOCKONDEMAND-000001', chargingMode: 'ON_DEMAND' }] });
    const yearly = await queryOrder(client(), 'MOCKPERIODYEARNEW', 'MOCKPERIODYEARNEW-000001');
    expect(summariseOrder(yearly, 'MOCKPERIODYEARNEW-000001')).toEqual({
      orderType: 'NEW', createTime: '20240101080000', chargingMode: 'PERIOD', periodType: 'year', periodNumber: 1, expireTime: '20250101155959',
    });
    fake.api.addOrder({ orderId: 'CSX1', orderType: 'NEW', createTime: '20240101000000', vendorField: 'kept', orderLine: [{ orderLineId: 'CSX1-1', chargingMode: 'ON_DEMAND', productInfo: { sku: 'a' } }] });
    const custom = await queryOrder(client(), 'CSX1');
    expect(custom).toMatchObject({ vendorField: 'kept', orderLine: [{ productInfo: { sku: 'a' } }] });
  });

  it('maps an unknown order to MarketplaceNotFoundError (MKT.9001) without retrying', async () => {
    const err = await queryOrder(client(), 'CSNOSUCHORDER').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceNotFoundError);
    expect(err).toMatchObject({ code: 'MKT.9001', httpStatus: 500 });
    expect(fake.api.usage().requests.order).toBe(1);
  });

  it('maps a wrong SK to MarketplaceAuthError (APIGW.0301) without retrying, and never shows the SK', async () => {
    const err = await queryOrder(client({ sk: 'SK-wrong-and-secret' }), 'MOCKONDEMAND').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceAuthError);
    expect(err).toMatchObject({ code: 'APIGW.0301', httpStatus: 401 });
    expect(fake.api.usage().requests.order).toBe(1);
    const text = `${String((err as Error).message)}${logLines.join('\n')}`;
    expect(text).not.toContain('SK-wrong-and-secret');
    expect(text).not.toMatch(/Signature=|SDK-HMAC/);
  });

  it('refuses ids the API would refuse before sending anything', async () => {
    await expect(queryOrder(client(), '')).rejects.toThrow(RangeError);
    await expect(queryOrder(client(), 'x'.repeat(65))).rejects.toThrow(RangeError);
    expect(fake.api.usage().requests.order).toBe(0);
  });
});

describe('usage push', () => {
  it('is accepted by the fake\'s own AK/SK and body-signature checks, body sorted and sent byte for byte', async () => {
    const answer = await pushUsageData(client(), BODY_KEY, [record('sn-a'), { ...record('sn-b', 3), relate_pkg_instance: 'pkg-1' }]);
    expect(answer).toEqual({ abnormal: [], attempts: 1 });
    const ledger = fake.api.usage();
    expect(ledger.records.map((r) => r.metering_sn).sort()).toEqual(['sn-a', 'sn-b']);
    expect(ledger.records.find((r) => r.metering_sn === 'sn-b')?.relate_pkg_instance).toBe('pkg-1');
  });

  it('maps a wrong body key to MarketplaceBodySignError (MKT.0102), not retried', async () => {
    const err = await pushUsageData(client(), 'another-key', [record('sn-a')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceBodySignError);
    expect(err).toMatchObject({ code: 'MKT.0102', httpStatus: 400 });
    expect(fake.api.usage().requests.usage).toBe(1);
  });

  it('retries MKT.0250 and HTTP 500 with back-off, with a fresh ts, nonce and signature each time', async () => {
    fake.api.setFaults({ rate429: 2, http500: 1 });
    const answer = await pushUsageData(client(), BODY_KEY, [record('sn-r')]);
    expect(answer.attempts).toBe(4);
    expect(fake.api.usage()).toMatchObject({ accepted: 1, injected: { rate429: 2, http500: 1 } });
    expect(fake.api.requestLog().map((e) => e.code)).toEqual(['MKT.0250', 'MKT.0250', 'MKT.0999', 'MKT.0000']);
  });

  it('gives up after 3 retries with the typed error of the last answer', async () => {
    fake.api.setFaults({ rate429: 10 });
    await expect(pushUsageData(client(), BODY_KEY, [record('sn-x')])).rejects.toBeInstanceOf(MarketplaceRateLimitError);
    expect(fake.api.usage().requests.usage).toBe(4);
    fake.api.setFaults({ rate429: 0, http500: 10 });
    const err = await pushUsageData(client(), BODY_KEY, [record('sn-x')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceUnavailableError);
    expect(err).toMatchObject({ code: 'MKT.0999', retryable: true });
  });

  it('retries after a timeout; the marketplace dedups the first delivery by metering_sn', async () => {
    fake.api.setFaults({ timeouts: 1, timeoutMs: 1500 });
    const started = Date.now();
    const answer = await pushUsageData(client({ timeoutMs: 300 }), BODY_KEY, [record('sn-t')]);
    expect(answer.attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(fake.api.usage()).toMatchObject({ accepted: 1, duplicates: 1, conflicts: 0 });
  });

  it.each(['abnormal_usage_data', 'extra_info'] as const)('reads the records refused in %s into the error', async (where) => {
    fake.api.setFaults({ rejectSn: ['sn-bad'], rejectionsIn: where });
    const err = await pushUsageData(client(), BODY_KEY, [record('sn-good'), record('sn-bad', 3)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceValidationError);
    expect(err).toMatchObject({ code: 'MKT.9002', abnormal: [{ meteringSn: 'sn-bad', code: 'MKT.9002' }] });
    expect(fake.api.usage().requests.usage).toBe(1);
  });

  it('refuses to send an empty batch or one over 1,000 records', async () => {
    await expect(pushUsageData(client(), BODY_KEY, [])).rejects.toThrow(RangeError);
    await expect(pushUsageData(client(), BODY_KEY, Array.from({ length: 1001 }, (_, i) => record(`sn-${i}`)))).rejects.toThrow(RangeError);
    expect(fake.api.usage().requests.usage).toBe(0);
  });
});

describe('hosts', () => {
  it('uses the fallback host when the main one cannot be reached', async () => {
    const dead = await closedPort();
    const answer = await pushUsageData(client({ endpoint: `http://127.0.0.1:${dead},${fake.url}` }), BODY_KEY, [record('sn-f')]);
    expect(answer.attempts).toBe(1);
    expect(fake.api.usage().accepted).toBe(1);
    expect(logLines.some((l) => l.includes('openapi.attempt_failed') && l.includes('NETWORK'))).toBe(true);
  });

  it('does not go to the fallback when the main host answered, even with an error', async () => {
    const other = await startFakeOpenApi({ ak: AK, sk: SK, key: BODY_KEY });
    try {
      fake.api.setFaults({ http500: 10 });
      await expect(pushUsageData(client({ endpoint: `${fake.url},${other.url}` }), BODY_KEY, [record('sn-m')])).rejects.toBeInstanceOf(MarketplaceUnavailableError);
      expect(other.api.usage().requests.usage).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('reports an unreachable marketplace as MarketplaceUnavailableError NETWORK after every attempt on every host', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const c = client({ endpoint: `http://127.0.0.1:${a},http://127.0.0.1:${b}` });
    const err = await queryOrder(c, 'MOCKONDEMAND').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceUnavailableError);
    expect(err).toMatchObject({ code: 'NETWORK' });
    expect(logLines.filter((l) => l.includes('openapi.attempt_failed'))).toHaveLength(8);
  });

  it('does not follow a redirect (a signed request never goes elsewhere)', async () => {
    const srv: Server = createServer((_req, res) => {
      res.writeHead(302, { location: `${fake.url}/api/mkp-openapi-public/global/v1/order/query?orderId=MOCKONDEMAND` });
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (srv.address() as AddressInfo).port;
      await expect(queryOrder(client({ endpoint: `http://127.0.0.1:${port}` }), 'MOCKONDEMAND')).rejects.toMatchObject({ code: 'HTTP_302' });
      expect(fake.api.usage().requests.order).toBe(0);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it.each([
    ['https://mkt.myhuaweicloud.com', ['https://mkt.myhuaweicloud.com', 'https://mkt.myhuaweicloud.cn']],
    ['https://mkt-intl.myhuaweicloud.com/', ['https://mkt-intl.myhuaweicloud.com', 'https://mkt.myhuaweicloud.cn']],
    ['https://mkt.myhuaweicloud.eu', ['https://mkt.myhuaweicloud.eu']],
    ['http://127.0.0.1:9999', ['http://127.0.0.1:9999']],
    ['http://localhost:9999/prefix/', ['http://localhost:9999/prefix']],
    ['https://a.example, https://b.example', ['https://a.example', 'https://b.example']],
  ])('reads KG_OPENAPI_ENDPOINT %s', (raw, bases) => {
    expect(parseEndpoints(raw)).toEqual(bases);
  });

  it.each([
    ['plain http to a remote host', 'http://mkt.myhuaweicloud.com'],
    ['credentials in the URL', 'https://user:s3cr3tpw@mkt.myhuaweicloud.com'],
    ['a query', 'https://mkt.myhuaweicloud.com/?x=1'],
    ['not a URL', 'mkt.myhuaweicloud.com'],
    ['three hosts', 'https://a.example,https://b.example,https://c.example'],
    ['ftp', 'ftp://127.0.0.1'],
  ])('refuses KG_OPENAPI_ENDPOINT with %s, naming the setting only', (_n, raw) => {
    let err: unknown;
    try {
      parseEndpoints(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^invalid setting KG_OPENAPI_ENDPOINT/);
    expect((err as Error).message).not.toContain('s3cr3tpw');
  });

  it('refuses a missing AK or SK, naming the setting', () => {
    expect(() => createOpenApiClient({ endpoint: fake.url, ak: '', sk: SK })).toThrow(/KG_OPENAPI_AK/);
    expect(() => createOpenApiClient({ endpoint: fake.url, ak: AK, sk: '' })).toThrow(/KG_OPENAPI_SK/);
  });
});
