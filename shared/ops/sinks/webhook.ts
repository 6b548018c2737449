/**
 * The webhook sink: each alert is one `POST` of JSON to `KG_ALERT_WEBHOOK`, signed so the receiver can tell it
 * came from this deployment.
 *
 * Body (compact JSON, UTF-8):
 * `{"id":"<condition id>","state":"raised"|"cleared","message":"<text>","at":"<ISO-8601 UTC>","kind":"<kind>","deliveryId":"<32 hex>","source":"kg-ops-watch"}`.
 *
 * Headers:
 * - `x-kg-timestamp`: when this attempt was signed (epoch ms, decimal);
 * - `x-kg-signature`: `hex(HMAC-SHA256(KG_ALERT_WEBHOOK_SECRET, "<x-kg-timestamp>.alert.<raw body>"))`, lower-case;
 * - `x-kg-delivery-id`: the body's `deliveryId`, the same on every retry of one alert.
 *
 * A receiver recomputes the HMAC over the raw body bytes it received, compares in constant time, refuses a
 * timestamp more than a few minutes from its clock, and drops a `deliveryId` it has already handled (delivery
 * is at least once). Any 2xx answer is success; 408, 429 and 5xx are retried, other answers are not.
 * The same `<timestamp>.<purpose>.<body>` form signs kit forwards (`.kit.`) and usage ingestion (`.usage.`), so
 * a signature made for one can never pass as another even under a shared secret.
 * @module
 */
import { ConfigError } from '../../core/errors';
import { purposeSignature } from '../../security/hmac';
import { postOnce, sinkUrl, type Alert, type AlertSink } from './alert';

/** Header names of a webhook delivery. */
export const ALERT_HEADERS = { timestamp: 'x-kg-timestamp', signature: 'x-kg-signature', deliveryId: 'x-kg-delivery-id' } as const;

/**
 * The signature of one delivery: lower-case hex HMAC-SHA256 under `secret` of `"<timestampMs>.alert.<body>"`.
 * @example
 * const ok = constantTimeEqual(signAlert(secret, Number(req.headers['x-kg-timestamp']), rawBody), req.headers['x-kg-signature']);
 */
export function signAlert(secret: string, timestampMs: number, body: string): string {
  return purposeSignature(secret, timestampMs, 'alert', body);
}

/** The JSON body of an alert, as sent (the field order is fixed). */
export function webhookBody(alert: Alert): string {
  return JSON.stringify({
    id: alert.id,
    state: alert.state,
    message: alert.message,
    at: new Date(alert.at).toISOString(),
    kind: alert.kind,
    deliveryId: alert.deliveryId,
    source: 'kg-ops-watch',
  });
}

/**
 * Checks `KG_ALERT_WEBHOOK`: an absolute https URL (http only for a loopback host). The error names the setting,
 * never the URL (a webhook URL often carries a token).
 * @throws ConfigError
 */
export function webhookUrl(raw: string): string {
  return sinkUrl(raw, 'KG_ALERT_WEBHOOK').href;
}

/** Options of {@link createWebhookSink}. */
export interface WebhookSinkOptions {
  /** `KG_ALERT_WEBHOOK`. */
  url: string;
  /** `KG_ALERT_WEBHOOK_SECRET`. */
  secret: string;
  /** Clock of `x-kg-timestamp` (epoch ms); default `Date.now`. */
  now?: () => number;
}

/**
 * The webhook sink.
 * @throws ConfigError for a URL that is not https (or loopback http), or an empty secret.
 * @example
 * const sink = createWebhookSink({ url: 'https://ops.example.com/kg-alerts', secret });
 */
export function createWebhookSink(options: WebhookSinkOptions): AlertSink {
  const url = webhookUrl(options.url);
  if (options.secret === '') throw new ConfigError('missing setting KG_ALERT_WEBHOOK_SECRET: the HMAC secret alerts to KG_ALERT_WEBHOOK are signed with');
  const now = options.now ?? Date.now;
  return {
    name: 'webhook',
    send: async (alert, signal) => {
      const body = webhookBody(alert);
      const ts = now();
      await postOnce(url, {
        headers: {
          'content-type': 'application/json; charset=utf-8',
          [ALERT_HEADERS.timestamp]: String(ts),
          [ALERT_HEADERS.signature]: signAlert(options.secret, ts, body),
          [ALERT_HEADERS.deliveryId]: alert.deliveryId,
        },
        body,
        signal,
      }, 'webhook');
    },
  };
}
