/**
 * One delivery of one alert to one sink, within the run: a time limit per attempt and a few attempts with a
 * short pause between them. Never throws: the outcome says what happened, so a failing sink cannot stop the
 * watch or the other sink.
 * @module
 */
import { pause } from '../../core/deadline';
import type { Alert, AlertSink } from './alert';
import { SinkError } from './alert';

/** How hard to try. */
export interface SendPolicy {
  /** Attempts in all (>= 1). */
  attempts: number;
  /** Limit of one attempt, connection to answer (ms). */
  timeoutMs: number;
  /** Pause before the 2nd, 3rd... attempt (ms); the last value repeats. */
  backoffMs: readonly number[];
}

/** 3 attempts of at most 3 s, 250 ms then 1 s apart: a hanging sink costs one alert about 10 s per run. */
export const DEFAULT_SEND_POLICY: SendPolicy = { attempts: 3, timeoutMs: 3000, backoffMs: [250, 1000] };

/** What one delivery did. */
export type Delivery = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/**
 * Sends `alert` to `sink`, retrying a retryable failure.
 * @example
 * const d = await deliver(webhook, alert);
 * if (!d.ok) console.log(d.error); // "webhook answered HTTP 500"
 */
export async function deliver(sink: AlertSink, alert: Alert, policy: SendPolicy = DEFAULT_SEND_POLICY): Promise<Delivery> {
  let error = 'not sent';
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await pause(policy.backoffMs[Math.min(attempt - 2, policy.backoffMs.length - 1)] ?? 0);
    try {
      await sink.send(alert, AbortSignal.timeout(Math.max(1, policy.timeoutMs)));
      return { ok: true, attempts: attempt };
    } catch (err) {
      error = err instanceof SinkError ? err.message : `${sink.name}: ${err instanceof Error ? err.name : 'error'}`;
      if (err instanceof SinkError && !err.retryable) return { ok: false, attempts: attempt, error };
    }
  }
  return { ok: false, attempts, error };
}
