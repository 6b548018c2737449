/**
 * The two sinks against their local stand-ins: a delivery the receiver can verify (HMAC over
 * "<timestamp>.alert.<body>"; SMN's AK/SK by the emulator's own verifier), and a refusal when the secret or the
 * key is wrong (not retried: trying again cannot help). Errors never carry the URL, a key or a signature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/ops/sinks/alert';
import { deliver } from '../../../shared/ops/sinks/deliver';
import { warmSmnSigner } from './receivers';
import { createSmnSink } from '../../../shared/ops/sinks/smn';
import { createWebhookSink } from '../../../shared/ops/sinks/webhook';
import { SMN_TOPIC, startFakeSmn, startWebhookReceiver, type Receiver } from './receivers';

const alert: Alert = { id: 'usage-push-stuck', kind: 'usage-push-stuck', state: 'raised', message: '3 usage record(s) have waited', at: Date.now(), deliveryId: 'a'.repeat(32) };
const FAST = { attempts: 3, timeoutMs: 500, backoffMs: [10] };

describe('alert sinks', () => {
  let webhook: Receiver;
  let smn: Receiver;
  beforeAll(async () => {
    [webhook, smn] = await Promise.all([startWebhookReceiver('right-secret'), startFakeSmn('AK-RIGHT', 'sk-right')]);
    await warmSmnSigner();
  });
  afterAll(async () => {
    await Promise.all([webhook.close(), smn.close()]);
  });

  it('delivers to the webhook with a signature the receiver verifies', async () => {
    expect(await deliver(createWebhookSink({ url: `${webhook.url}/hook`, secret: 'right-secret' }), alert, FAST)).toEqual({ ok: true, attempts: 1 });
    expect(webhook.taken).toEqual([expect.objectContaining({ id: 'usage-push-stuck', state: 'raised', deliveryId: alert.deliveryId, verified: true })]);
  });

  it('is refused by the receiver under another secret, once, and says so without the URL', async () => {
    const before = webhook.requests;
    const d = await deliver(createWebhookSink({ url: `${webhook.url}/hook?token=url-token-1`, secret: 'wrong-secret' }), alert, FAST);
    expect(d).toEqual({ ok: false, attempts: 1, error: 'webhook answered HTTP 401' });
    expect(webhook.requests - before).toBe(1);
  });

  it('publishes to SMN with an AK/SK signature and body the fake verifies', async () => {
    const sink = createSmnSink({ topicUrn: SMN_TOPIC, endpoint: smn.url, ak: 'AK-RIGHT', sk: 'sk-right' });
    expect(await deliver(sink, alert, FAST)).toEqual({ ok: true, attempts: 1 });
    expect(smn.taken).toEqual([expect.objectContaining({ id: 'usage-push-stuck', state: 'raised', deliveryId: alert.deliveryId })]);
    expect(smn.taken[0]!.message).toMatch(/^3 usage record\(s\) have waited\n\ncondition: usage-push-stuck\nstate: raised\n/);
  });

  it('is refused by SMN under another SK, once', async () => {
    const d = await deliver(createSmnSink({ topicUrn: SMN_TOPIC, endpoint: smn.url, ak: 'AK-RIGHT', sk: 'sk-wrong' }), alert, FAST);
    expect(d).toEqual({ ok: false, attempts: 1, error: 'smn answered HTTP 401' });
  });

  it('says "network error" for a sink nobody listens on', async () => {
    const d = await deliver(createWebhookSink({ url: 'http://127.0.0.1:1/hook?token=t0k', secret: 's' }), alert, FAST);
    expect(d).toEqual({ ok: false, attempts: 3, error: 'webhook: network error' });
  });
});
