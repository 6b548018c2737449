/**
 * The SMN sink (Huawei Cloud Simple Message Notification): each alert is published to the topic
 * `KG_ALERT_SMN_TOPIC`, whose subscribers (e-mail, SMS, HTTP) receive it.
 *
 * Facts used (SMN API reference, "Publishing a Message"): `POST /v2/{project_id}/notifications/topics/{topic_urn}/publish`
 * with a JSON body `{subject, message}`; `subject` at most 512 bytes (the e-mail subject), `message` UTF-8, at most
 * 256 KB, and for SMS subscribers no square brackets; a topic URN is `urn:smn:<region>:<project_id>:<name>`; the
 * endpoint of a region is `https://smn.<region>.myhuaweicloud.com`. The request is AK/SK-signed (`SDK-HMAC-SHA256`)
 * by the same SDK signer as the open-API calls, with the IAM user's `KG_ALERT_SMN_AK`/`KG_ALERT_SMN_SK` (that user
 * needs `smn:topic:publish`). Any 2xx answer is success.
 * @module
 */
import { ConfigError } from '../../core/errors';
import { noSquareBrackets, postOnce, sinkUrl, type Alert, type AlertSink } from './alert';

/** The parts of a topic URN. */
export interface TopicUrn {
  region: string;
  projectId: string;
  name: string;
  /** The URN as given. */
  urn: string;
}

const URN = /^urn:smn:([a-z0-9]+(?:-[a-z0-9]+)*):([A-Za-z0-9]{1,64}):([A-Za-z0-9][A-Za-z0-9_-]{0,254})$/;

/** Longest subject SMN accepts (bytes). */
export const MAX_SUBJECT_BYTES = 512;
/** Longest message this sink sends (characters): far below SMN's 256 KB, short enough for an e-mail or SMS. */
export const MAX_MESSAGE_CHARS = 4000;

/**
 * Reads `KG_ALERT_SMN_TOPIC`.
 * @throws ConfigError when it is not `urn:smn:<region>:<project_id>:<name>`.
 * @example
 * parseTopicUrn('urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:kg-alerts').region; // 'cn-north-4'
 */
export function parseTopicUrn(urn: string): TopicUrn {
  const m = URN.exec(urn.trim());
  if (!m) throw new ConfigError('invalid setting KG_ALERT_SMN_TOPIC: expected urn:smn:<region>:<project_id>:<topic name>');
  return { region: m[1] as string, projectId: m[2] as string, name: m[3] as string, urn: urn.trim() };
}

/**
 * The SMN endpoint: `KG_ALERT_SMN_ENDPOINT` when set (https, or http for a loopback host), else the topic's
 * region's `https://smn.<region>.myhuaweicloud.com`. No trailing slash.
 * @throws ConfigError for an endpoint that is not an https origin.
 */
export function smnEndpoint(topic: TopicUrn, override?: string): string {
  if (override === undefined || override === '') return `https://smn.${topic.region}.myhuaweicloud.com`;
  const url = sinkUrl(override, 'KG_ALERT_SMN_ENDPOINT');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError('invalid setting KG_ALERT_SMN_ENDPOINT: a base URL without user, query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The publish URL of a topic on an endpoint (the URN's colons stay as they are, as the signer and SMN expect). */
export function publishUrl(endpoint: string, topic: TopicUrn): string {
  return `${endpoint}/v2/${topic.projectId}/notifications/topics/${topic.urn}/publish`;
}

/** The publish body of an alert: `{"subject": ..., "message": ...}`, compact JSON. */
export function smnPublishBody(alert: Alert): string {
  let subject = noSquareBrackets(`KooGallery ops-watch ${alert.state}: ${alert.kind}`);
  while (Buffer.byteLength(subject, 'utf8') > MAX_SUBJECT_BYTES) subject = subject.slice(0, -1);
  const text = noSquareBrackets(`${alert.message}\n\ncondition: ${alert.id}\nstate: ${alert.state}\nat: ${new Date(alert.at).toISOString()}\ndelivery: ${alert.deliveryId}`);
  return JSON.stringify({ subject, message: text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text });
}

/** Options of {@link createSmnSink}. */
export interface SmnSinkOptions {
  /** `KG_ALERT_SMN_TOPIC`. */
  topicUrn: string;
  /** `KG_ALERT_SMN_ENDPOINT` (optional). */
  endpoint?: string;
  /** `KG_ALERT_SMN_AK` / `KG_ALERT_SMN_SK`. */
  ak: string;
  sk: string;
  /** Clock of `X-Sdk-Date` (epoch ms); default `Date.now`. */
  now?: () => number;
}

/**
 * The SMN sink. The SDK signer is loaded on the first publish, so a watch that never alerts does not load it.
 * @throws ConfigError for a malformed topic or endpoint, or a missing AK/SK.
 * @example
 * const sink = createSmnSink({ topicUrn: 'urn:smn:cn-north-4:<project>:kg-alerts', ak, sk });
 */
export function createSmnSink(options: SmnSinkOptions): AlertSink {
  const topic = parseTopicUrn(options.topicUrn);
  const url = publishUrl(smnEndpoint(topic, options.endpoint), topic);
  if (options.ak === '' || options.sk === '') throw new ConfigError('missing setting KG_ALERT_SMN_AK or KG_ALERT_SMN_SK: the IAM AK/SK that may publish to KG_ALERT_SMN_TOPIC');
  const now = options.now ?? Date.now;
  return {
    name: 'smn',
    send: async (alert, signal) => {
      const body = smnPublishBody(alert);
      const { signedHeaders } = await import('../../marketplace/openApiClient');
      const headers = signedHeaders({ ak: options.ak, sk: options.sk, method: 'POST', url, body, nowMs: now() });
      await postOnce(url, { headers, body, signal }, 'smn');
    },
  };
}
