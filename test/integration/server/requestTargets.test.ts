/**
 * `kg serve` takes the request target as APIG would: a path starting with `//` is that path (routed to produce,
 * answered and logged like any other call), and a signed body under any method but GET is read as the V2 POST it
 * must be.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestTarget, startLocalServer, type LocalServer } from '../../../infra/server/localServer';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { signV2Request } from '../../../shared/testing';
import { orderIds } from '../../support/produceClient';

const KEY = 'test-access-key-0001';

describe('kg serve request targets and methods', () => {
  let server: LocalServer;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startLocalServer({
      env: { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64') },
      store: new MemoryStore(), workerIntervalMs: 0, usagePushIntervalMs: 0, opsWatchIntervalMs: 0, log: (l) => lines.push(l),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  function signed(body: Record<string, unknown>): { query: string; text: string } {
    const text = JSON.stringify(body);
    return { query: new URLSearchParams(signV2Request({ key: KEY, body: text })).toString(), text };
  }

  it('reads //x as the path //x, never as a host', () => {
    expect(requestTarget('//evil.example/x?a=1')).toMatchObject({ pathname: '//evil.example/x' });
    expect(requestTarget('//evil.example/x?a=1').searchParams.get('a')).toBe('1');
    expect(requestTarget('//').pathname).toBe('//');
    expect(requestTarget(undefined).pathname).toBe('/');
  });

  it('answers a signed newInstance on a // path like on /, and logs it', async () => {
    for (const path of ['//', '//produce', '//evil.example/']) {
      const { orderId, orderLineId } = orderIds();
      const { query, text } = signed({ activity: 'newInstance', businessId: 'b', orderId, orderLineId });
      const before = lines.length;
      const res = await fetch(`${server.url}${path}?${query}`, { method: 'POST', body: text, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { resultCode: string }).resultCode).toBe('000000');
      expect(lines.slice(before).some((l) => l.includes('produce.done'))).toBe(true);
    }
  });

  it.each(['PUT', 'PATCH', 'DELETE'])('handles a signed body sent with %s as the V2 POST', async (method) => {
    const { orderId, orderLineId } = orderIds();
    const { query, text } = signed({ activity: 'newInstance', businessId: 'b', orderId, orderLineId });
    const res = await fetch(`${server.url}/?${query}`, { method, body: text, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { resultCode: string }).resultCode).toBe('000000');
  });

  it('routes a kit path by path whatever the method but GET', async () => {
    const res = await fetch(`${server.url}/produceAPI/v2/tenantSync`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { resultCode: string };
    expect(answer.resultCode).toMatch(/^0000\d\d$/);
    expect(lines.some((l) => l.includes('tenant-sync'))).toBe(true);
  });

  it('hands the function the body bytes exactly: UTF-8 text as text, other bytes as base64', async () => {
    // A signed body with non-ASCII text is verified over its exact bytes: a changed byte would fail the signature.
    const { orderId, orderLineId } = orderIds();
    const { query, text } = signed({ activity: 'newInstance', businessId: 'bé😀', orderId, orderLineId });
    const ok = await fetch(`${server.url}/?${query}`, { method: 'POST', body: text, headers: { 'content-type': 'application/json' } });
    expect(((await ok.json()) as { resultCode: string }).resultCode).toBe('000000');
    // Bytes that are not UTF-8 reach the function as they are. The signature is made over their decoded text (two
    // U+FFFD), so it holds and the body is refused as not UTF-8; had the server turned the bytes into text on the
    // way, the body would be valid UTF-8 and the call would go through.
    const line = orderIds();
    const head = `{"activity":"newInstance","orderId":"${line.orderId}","orderLineId":"${line.orderLineId}","businessId":"`;
    const notUtf8 = Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const badQuery = new URLSearchParams(signV2Request({ key: KEY, body: notUtf8.toString('utf8') })).toString();
    const bad = await fetch(`${server.url}/?${badQuery}`, { method: 'POST', body: notUtf8, headers: { 'content-type': 'application/json' } });
    const answer = (await bad.json()) as { resultCode: string; resultMsg: string };
    expect(answer).toMatchObject({ resultCode: '000002', resultMsg: expect.stringMatching(/UTF-8/) });
  });
});
