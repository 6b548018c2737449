/**
 * The local server runs ops-watch on an interval when an alert sink is configured, as the deployed timer does:
 * two failed dial tests sent to it over HTTP reach the webhook as one raised alert.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../../infra/server/localServer';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { signV2Request } from '../../../shared/testing';
import { startWebhookReceiver, type Receiver } from './receivers';

describe('local server ops-watch loop', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kg-ops-local-'));
  const savedTmp = process.env.TMPDIR;
  let webhook: Receiver;
  let server: LocalServer;
  beforeAll(async () => {
    process.env.TMPDIR = tmp;
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
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('raises dial-tests-failing once after two dial tests signed with a wrong key', async () => {
    const body = JSON.stringify({ activity: 'newInstance', businessId: 'b1', orderId: 'CS-LOCAL', orderLineId: 'CS-LOCAL-1', testFlag: '1' });
    for (let i = 0; i < 2; i++) {
      const query = signV2Request({ key: 'not-the-bound-key', body });
      const res = await fetch(`${server.url}/?${new URLSearchParams(query).toString()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(((await res.json()) as { resultCode: string }).resultCode).toBe('000001');
    }
    for (let i = 0; i < 50 && webhook.taken.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(webhook.log()).toEqual(['raised dial-tests-failing']);
    expect(webhook.taken[0]!.verified).toBe(true);
  });
});
