/**
 * The local server runs ops-watch on an interval when an alert sink is configured, as the deployed timer does:
 * two failed dial tests sent to it over HTTP reach the webhook as one raised alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../../infra/server/localServer';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { signV2Request } from '../../../shared/testing';
import { eventually, sleep } from '../../support/redis';
import { useOwnTmpdir } from './harness';
import { startWebhookReceiver, type Receiver } from './receivers';

describe('local server ops-watch loop', () => {
  useOwnTmpdir('kg-ops-local-');
  let webhook: Receiver;
  let server: LocalServer;
  beforeAll(async () => {
    webhook = await startWebhookReceiver('local-secret');
    server = await startLocalServer({
      env: { KG_ACCESS_KEY: 'local-key-0001', KG_ALERT_WEBHOOK: `${webhook.url}/hook`, KG_ALERT_WEBHOOK_SECRET: 'local-secret' },
      store: new MemoryStore(),
      workerIntervalMs: 0,
      usagePushIntervalMs: 0,
      opsWatchIntervalMs: 100,
    });
  });
  afterAll(async () => {
    await server?.close();
    await webhook?.close();
  });

  it('raises dial-tests-failing once after two dial tests signed with a wrong key', async () => {
    const body = JSON.stringify({ activity: 'newInstance', businessId: 'b1', orderId: 'CS-LOCAL', orderLineId: 'CS-LOCAL-1', testFlag: '1' });
    for (let i = 0; i < 2; i++) {
      const query = signV2Request({ key: 'not-the-bound-key', body });
      const res = await fetch(`${server.url}/?${new URLSearchParams(query).toString()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(((await res.json()) as { resultCode: string }).resultCode).toBe('000001');
    }
    await eventually(async () => webhook.taken.length > 0, 5_000, 'an alert at the webhook');
    await sleep(500);
    expect(webhook.log()).toEqual(['raised dial-tests-failing']);
    expect(webhook.taken[0]!.verified).toBe(true);
  });
});
