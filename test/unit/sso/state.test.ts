import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueState, STATE_TTL_MS, verifyState } from '../../../shared/sso/state';

describe('the signed state cookie', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const now = 1_750_000_000_000;

  it('verifies its own state and carries the tenant', () => {
    const { state, cookieValue } = issueState([newKey], 'tenant-1', now);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyState([newKey], cookieValue, state, now + 1000)).toEqual({ tenantId: 'tenant-1' });
  });

  it('verifies with an older key of the ring after a rotation', () => {
    const { state, cookieValue } = issueState([oldKey], 't', now);
    expect(verifyState([newKey, oldKey], cookieValue, state, now)).toEqual({ tenantId: 't' });
    expect(verifyState([newKey], cookieValue, state, now)).toBeUndefined();
  });

  it.each([
    ['another state', (c: string, s: string) => [c, `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`, now] as const],
    ['an expired cookie', (c: string, s: string) => [c, s, now + STATE_TTL_MS] as const],
    ['a missing cookie', (_c: string, s: string) => [undefined, s, now] as const],
    ['an altered payload', (c: string, s: string) => [`${Buffer.from(JSON.stringify({ s, t: 'evil', e: now + 9e9 })).toString('base64url')}.${c.split('.')[1]}`, s, now] as const],
    ['an altered signature', (c: string, s: string) => [`${c}x`, s, now] as const],
    ['garbage', (_c: string, s: string) => ['a.b.c', s, now] as const],
  ])('refuses %s', (_what, make) => {
    const { state, cookieValue } = issueState([newKey], 'tenant-1', now);
    const [cookie, asked, at] = make(cookieValue, state);
    expect(verifyState([newKey], cookie, asked, at)).toBeUndefined();
  });
});
