/**
 * What ops-watch tells an operator, and the shape every alert sink has. An alert is one change of one
 * condition: it was `raised` (appeared) or `cleared` (went away). Sinks only deliver; deciding what to send,
 * and remembering what was sent, is shared/ops/alertState.ts.
 * @module
 */
import { ConfigError } from '../../core/errors';
import { isHttpsOrLoopback } from '../../platform/loopback';

/** A condition appeared (`raised`) or went away (`cleared`). */
export type AlertState = 'raised' | 'cleared';

/** The sinks ops-watch can deliver to. */
export type SinkName = 'webhook' | 'smn';

/** One alert to deliver. */
export interface Alert {
  /** The condition's stable id (`order-failed:<orderId>/<orderLineId>/<activity>`, `store-unreachable`, ...). */
  id: string;
  /** The condition's kind (the id's first part). */
  kind: string;
  state: AlertState;
  /** Human text; safe (never a secret), no more than a few hundred characters. */
  message: string;
  /** When the watch decided it (epoch ms). */
  at: number;
  /** One id per delivery of this alert, the same on every retry: a receiver drops a repeat it already has. */
  deliveryId: string;
}

/** A place alerts go to. `send` resolves once the sink took the alert; it rejects with {@link SinkError}. */
export interface AlertSink {
  name: SinkName;
  send(alert: Alert, signal: AbortSignal): Promise<void>;
}

/** A sink did not take an alert. The message is safe: never a URL, key or signature. */
export class SinkError extends Error {
  override name = 'SinkError';
  /** False when trying again cannot help (the sink refused the alert itself, HTTP 4xx). */
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** Square brackets as parentheses: SMS subscribers of SMN refuse brackets, so no alert text carries them. */
export function noSquareBrackets(text: string): string {
  return text.replace(/\[/g, '(').replace(/\]/g, ')');
}

/**
 * Reads the URL setting `name` of a sink: absolute, https (http only for a loopback host). The error names the
 * setting, never the URL (a webhook URL often carries a token).
 * @throws ConfigError
 */
export function sinkUrl(raw: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`invalid setting ${name}: not an absolute URL`);
  }
  if (!isHttpsOrLoopback(url)) {
    throw new ConfigError(`invalid setting ${name}: https is required (http only for a loopback host)`);
  }
  return url;
}

/** Whether an HTTP status means "try again" (408, 429, 5xx) rather than "refused". */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Sends with `fetch` and turns the outcome into nothing (2xx) or a {@link SinkError}; never names the URL. */
export async function postOnce(url: string, init: { headers: Record<string, string>; body: string; signal: AbortSignal }, what: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: init.signal, redirect: 'manual' });
  } catch (err) {
    throw new SinkError(init.signal.aborted ? `${what}: no answer in time` : `${what}: network error`, { retryable: true, cause: err });
  }
  // The answer is not needed; drop it so the connection can be reused.
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status <= 299) return;
  throw new SinkError(`${what} answered HTTP ${res.status}`, { retryable: retryableStatus(res.status) });
}
