/**
 * The alert sinks configuration asks for: the webhook when `KG_ALERT_WEBHOOK` is set, SMN when
 * `KG_ALERT_SMN_TOPIC` is set; none, one or both.
 * @module
 */
import { requireSetting, type Config } from '../../platform/config';
import type { AlertSink } from './alert';
import { createSmnSink } from './smn';
import { createWebhookSink } from './webhook';

/**
 * The webhook sink, or undefined when `KG_ALERT_WEBHOOK` is not set.
 * @throws ConfigError naming KG_ALERT_WEBHOOK or KG_ALERT_WEBHOOK_SECRET (never a value).
 */
export function webhookSinkFrom(config: Config): AlertSink | undefined {
  if (!config.KG_ALERT_WEBHOOK) return undefined;
  return createWebhookSink({
    url: config.KG_ALERT_WEBHOOK,
    secret: requireSetting(config, 'KG_ALERT_WEBHOOK_SECRET', 'the HMAC secret alerts to KG_ALERT_WEBHOOK are signed with'),
  });
}

/**
 * The SMN sink, or undefined when `KG_ALERT_SMN_TOPIC` is not set.
 * @throws ConfigError naming KG_ALERT_SMN_TOPIC, KG_ALERT_SMN_ENDPOINT, KG_ALERT_SMN_AK or KG_ALERT_SMN_SK.
 */
export function smnSinkFrom(config: Config): AlertSink | undefined {
  if (!config.KG_ALERT_SMN_TOPIC) return undefined;
  const why = 'the IAM AK/SK allowed to publish to KG_ALERT_SMN_TOPIC';
  return createSmnSink({
    topicUrn: config.KG_ALERT_SMN_TOPIC,
    ak: requireSetting(config, 'KG_ALERT_SMN_AK', why),
    sk: requireSetting(config, 'KG_ALERT_SMN_SK', why),
    ...(config.KG_ALERT_SMN_ENDPOINT ? { endpoint: config.KG_ALERT_SMN_ENDPOINT } : {}),
  });
}

/** The readers of each sink, by name. */
export const SINK_READERS = [webhookSinkFrom, smnSinkFrom] as const;

/**
 * Builds every configured sink.
 * @throws ConfigError naming the first missing or invalid setting (never its value).
 * @example
 * const sinks = sinksFromConfig(config); // [] when no alert setting is set
 */
export function sinksFromConfig(config: Config): AlertSink[] {
  return SINK_READERS.map((read) => read(config)).filter((s): s is AlertSink => s !== undefined);
}
