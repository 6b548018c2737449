/**
 * The fake IdP's admin API from the outside (`POST /_idp/setup`, `GET /_idp/events`), for a scenario that
 * drives an IdP started elsewhere (`kg idp`, `kg simulate --idp URL`) exactly as one it started itself.
 * @module
 */
import { sendHttp } from '../httpClient';
import type { IdpEvent, IdpSetup } from './registry';

/** Talks to one fake IdP. */
export class FakeIdpClient {
  /** @param url the IdP's base URL (no trailing slash needed). */
  constructor(readonly url: string, private readonly timeoutMs: number) {}

  private endpoint(path: string): string {
    return `${this.url.replace(/\/+$/, '')}${path}`;
  }

  /**
   * Applies a setup document.
   * @throws Error with the IdP's answer when it refuses or does not answer.
   */
  async setup(setup: IdpSetup): Promise<void> {
    const answer = await sendHttp({ method: 'POST', url: this.endpoint('/_idp/setup'), headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(setup), timeoutMs: this.timeoutMs });
    if (answer.error) throw new Error(`fake IdP setup: ${answer.error}`);
    if (answer.status !== 200) throw new Error(`fake IdP setup: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
  }

  /**
   * The events after `after`, and the last sequence number.
   * @throws Error when the IdP does not answer with its event list.
   */
  async events(after = 0): Promise<{ events: IdpEvent[]; last: number }> {
    const answer = await sendHttp({ method: 'GET', url: this.endpoint(`/_idp/events?after=${after}`), timeoutMs: this.timeoutMs });
    if (answer.error) throw new Error(`fake IdP events: ${answer.error}`);
    const value = JSON.parse(answer.body.toString('utf8')) as { events?: IdpEvent[]; last?: number };
    if (answer.status !== 200 || !Array.isArray(value.events) || typeof value.last !== 'number') throw new Error(`fake IdP events: HTTP ${answer.status}`);
    return { events: value.events, last: value.last };
  }
}
