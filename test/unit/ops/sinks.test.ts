/**
 * The alert sinks' pure parts: the SMN topic URN and endpoint, the publish body, the webhook URL rule and body,
 * the configuration reader (errors name settings, never values) and the retry policy of one delivery.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/core/errors';
import { loadConfig } from '../../../shared/platform/config';
import { SinkError, type Alert, type AlertSink } from '../../../shared/ops/sinks/alert';
import { deliver } from '../../../shared/ops/sinks/deliver';
import { sinksFromConfig } from '../../../shared/ops/sinks/fromConfig';
import { parseTopicUrn, publishUrl, smnEndpoint, smnPublishBody } from '../../../shared/ops/sinks/smn';
import { signAlert, webhookBody, webhookUrl } from '../../../shared/ops/sinks/webhook';

const URN = 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:kg-alerts';
const alert: Alert = { id: 'order-failed:CS1/CS1-1/newInstance', kind: 'order-failed', state: 'raised', message: 'Order CS1 [line 1] failed', at: Date.UTC(2030, 4, 20), deliveryId: 'd'.repeat(32) };

describe('SMN topic and endpoint', () => {
  it('reads the region, project and name of a topic URN', () => {
    expect(parseTopicUrn(URN)).toEqual({ region: 'cn-north-4', projectId: '0123456789abcdef0123456789abcdef', name: 'kg-alerts', urn: URN });
  });

  it.each(['', 'urn:smn:cn-north-4:proj', 'urn:sms:cn-north-4:p:t', 'urn:smn::p:t', 'urn:smn:cn-north-4:p:t/../x', 'https://smn.example/topic'])('refuses %j, naming the setting only', (urn) => {
    expect(() => parseTopicUrn(urn)).toThrow(ConfigError);
    expect(() => parseTopicUrn(urn)).toThrow(/KG_ALERT_SMN_TOPIC/);
  });

  it('derives the endpoint from the region unless KG_ALERT_SMN_ENDPOINT says otherwise', () => {
    const topic = parseTopicUrn(URN);
    expect(smnEndpoint(topic)).toBe('https://smn.cn-north-4.myhuaweicloud.com');
    expect(smnEndpoint(topic, 'https://smn.example.com/')).toBe('https://smn.example.com');
    expect(smnEndpoint(topic, 'http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
    expect(() => smnEndpoint(topic, 'http://smn.example.com')).toThrow(/KG_ALERT_SMN_ENDPOINT: https is required/);
    expect(publishUrl('https://smn.cn-north-4.myhuaweicloud.com', topic)).toBe(`https://smn.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/notifications/topics/${URN}/publish`);
  });

  it('publishes {subject, message} with no square brackets and a subject within 512 bytes', () => {
    const body = JSON.parse(smnPublishBody({ ...alert, kind: `order-failed${'长'.repeat(400)}` })) as { subject: string; message: string };
    expect(Object.keys(body)).toEqual(['subject', 'message']);
    expect(Buffer.byteLength(body.subject)).toBeLessThanOrEqual(512);
    expect(body.message).toMatch(/^Order CS1 \(line 1\) failed\n\ncondition: order-failed:CS1\/CS1-1\/newInstance\nstate: raised\nat: 2030-05-20T00:00:00.000Z\ndelivery: d{32}$/);
  });
});

describe('webhook', () => {
  it.each([
    ['https://ops.example.com/hook?token=abc', true],
    ['http://127.0.0.1:8080/hook', true],
    ['http://localhost/hook', true],
    ['http://ops.example.com/hook', false],
    ['ftp://ops.example.com/hook', false],
    ['not a url', false],
  ])('accepts %s: %s', (url, ok) => {
    if (ok) expect(webhookUrl(url)).toBe(new URL(url).href);
    else expect(() => webhookUrl(url)).toThrow(ConfigError);
  });

  it('never puts the URL in its error (a webhook URL often carries a token)', () => {
    expect(() => webhookUrl('http://ops.example.com/hook?token=secret-token')).toThrow(/^invalid setting KG_ALERT_WEBHOOK: https is required/);
    try { webhookUrl('http://ops.example.com/hook?token=secret-token'); } catch (err) { expect(String(err)).not.toContain('secret-token'); }
  });

  it('signs "<timestamp>.alert.<body>" and sends the documented fields', () => {
    const body = webhookBody(alert);
    expect(JSON.parse(body)).toEqual({ id: alert.id, state: 'raised', message: alert.message, at: '2030-05-20T00:00:00.000Z', kind: 'order-failed', deliveryId: alert.deliveryId, source: 'kg-ops-watch' });
    // Known answer: HMAC-SHA256("s3cret", "1700000000000.alert.{}").
    expect(signAlert('s3cret', 1_700_000_000_000, '{}')).toBe('bb6add2e8f001a6e3a23e1d0d2da4ca0e318be3ec654f3e7a740b6e36e585202');
  });
});

describe('sinksFromConfig', () => {
  const config = (s: Record<string, string>) => loadConfig((k) => s[k]);
  it.each([
    [{}, []],
    [{ KG_ALERT_WEBHOOK: 'https://ops.example.com/h', KG_ALERT_WEBHOOK_SECRET: 's' }, ['webhook']],
    [{ KG_ALERT_SMN_TOPIC: URN, KG_ALERT_SMN_AK: 'AK', KG_ALERT_SMN_SK: 'SK' }, ['smn']],
    [{ KG_ALERT_WEBHOOK: 'https://ops.example.com/h', KG_ALERT_WEBHOOK_SECRET: 's', KG_ALERT_SMN_TOPIC: URN, KG_ALERT_SMN_AK: 'AK', KG_ALERT_SMN_SK: 'SK' }, ['webhook', 'smn']],
  ])('builds %j -> %j', (settings, names) => {
    expect(sinksFromConfig(config(settings as Record<string, string>)).map((s) => s.name)).toEqual(names);
  });

  it.each([
    [{ KG_ALERT_WEBHOOK: 'https://ops.example.com/h?token=tok-123' }, /KG_ALERT_WEBHOOK_SECRET/],
    [{ KG_ALERT_SMN_TOPIC: URN, KG_ALERT_SMN_AK: 'AKVALUE-1' }, /KG_ALERT_SMN_SK/],
    [{ KG_ALERT_SMN_TOPIC: 'topic-name', KG_ALERT_SMN_AK: 'AKVALUE-1', KG_ALERT_SMN_SK: 'SKVALUE-1' }, /KG_ALERT_SMN_TOPIC/],
  ])('refuses %j naming the setting, never a value', (settings, named) => {
    let message = '';
    try { sinksFromConfig(config(settings as Record<string, string>)); } catch (err) { message = (err as Error).message; }
    expect(message).toMatch(named);
    expect(message).not.toMatch(/tok-123|AKVALUE|SKVALUE|topic-name/);
  });
});

describe('deliver', () => {
  const sink = (outcomes: Array<'ok' | 'retry' | 'refuse' | 'throw'>): AlertSink & { calls: number } => {
    const s = {
      name: 'webhook' as const,
      calls: 0,
      send: async () => {
        const o = outcomes[Math.min(s.calls++, outcomes.length - 1)];
        if (o === 'retry') throw new SinkError('webhook answered HTTP 500', { retryable: true });
        if (o === 'refuse') throw new SinkError('webhook answered HTTP 400', { retryable: false });
        if (o === 'throw') throw new TypeError('boom with a secret inside');
      },
    };
    return s;
  };
  const fast = { attempts: 3, timeoutMs: 200, backoffMs: [1] };

  it.each([
    [['ok'], { ok: true, attempts: 1 }],
    [['retry', 'retry', 'ok'], { ok: true, attempts: 3 }],
    [['retry', 'retry', 'retry'], { ok: false, attempts: 3, error: 'webhook answered HTTP 500' }],
    [['refuse'], { ok: false, attempts: 1, error: 'webhook answered HTTP 400' }],
    [['throw', 'ok'], { ok: true, attempts: 2 }],
    [['throw'], { ok: false, attempts: 3, error: 'webhook: TypeError' }],
  ] as const)('%j -> %j', async (outcomes, expected) => {
    expect(await deliver(sink([...outcomes]), alert, fast)).toEqual(expected);
  });

  it('gives each attempt its own time limit', async () => {
    const hanging: AlertSink = { name: 'smn', send: (_a, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new SinkError('smn: no answer in time', { retryable: true })))) };
    const started = Date.now();
    expect(await deliver(hanging, alert, { attempts: 2, timeoutMs: 100, backoffMs: [10] })).toEqual({ ok: false, attempts: 2, error: 'smn: no answer in time' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
