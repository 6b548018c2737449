import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROVISIONER_TOLERANCE_MS,
  PROVISIONER_HEADERS as H,
  PROVISIONER_STEPS,
  provisionerIdempotencyKey,
  signProvisionerRequest,
  verifyProvisionerRequest,
  type ProvisionerStep,
} from '../../../shared/provisioning/provisionerSignature';

const SECRET = 'merchant-secret-for-tests';
const NOW = 1_760_000_000_000;

/** Headers exactly as the http provisioner sends them. */
function signed(step: ProvisionerStep, payload: Record<string, unknown> & { instanceId: string }, options: { secret?: string; at?: number } = {}) {
  const body = JSON.stringify(payload);
  const at = options.at ?? NOW;
  const headers: Record<string, string> = {
    [H.timestamp]: String(at),
    [H.signature]: signProvisionerRequest(options.secret ?? SECRET, step, at, body),
    [H.idempotencyKey]: provisionerIdempotencyKey(step, payload),
    [H.step]: step,
  };
  return { body, headers };
}

describe('signProvisionerRequest', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<step>.<body>" (fixed vector)', () => {
    // Computed independently: printf '1700000000000.freeze.{"instanceId":"i-1"}' | openssl dgst -sha256 -hmac key
    expect(signProvisionerRequest('key', 'freeze', 1_700_000_000_000, '{"instanceId":"i-1"}')).toBe(
      'a1f4334710e74e6f2bdba667c5d3e5e665e693441795c58e277da0801da537f4',
    );
  });
});

describe('provisionerIdempotencyKey', () => {
  it.each<[ProvisionerStep, Record<string, unknown> & { instanceId: string }, string]>([
    ['provision', { instanceId: 'i-1', orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b' }, 'provision:i-1:CS1:CS1-000001'],
    ['renew', { instanceId: 'i-1', orderId: 'CS2', orderLineId: 'CS2-000001', scene: 'RENEWAL' }, 'renew:i-1:CS2:CS2-000001'],
    ['upgrade', { instanceId: 'i-1', orderId: 'CS3', orderLineId: 'CS3-000001' }, 'upgrade:i-1:CS3:CS3-000001'],
    ['freeze', { instanceId: 'i-1' }, 'freeze:i-1'],
    ['checkChange', { instanceId: 'i-1', productInfo: {} }, 'checkChange:i-1'],
  ])('keys %s as %j', (step, body, key) => {
    expect(provisionerIdempotencyKey(step, body)).toBe(key);
  });
});

describe('verifyProvisionerRequest', () => {
  it.each(PROVISIONER_STEPS)('accepts a %s request signed with the secret and returns step, key and payload', (step) => {
    const payload = { instanceId: 'i-7', orderId: 'CS9', orderLineId: 'CS9-1' };
    const { body, headers } = signed(step, payload);
    expect(verifyProvisionerRequest(SECRET, headers, body, NOW, { step })).toEqual({
      ok: true,
      step,
      timestampMs: NOW,
      idempotencyKey: `${step}:i-7:CS9:CS9-1`,
      payload,
    });
  });

  it('accepts a fetch Headers object and raw bytes', () => {
    const { body, headers } = signed('release', { instanceId: 'i-1' });
    expect(verifyProvisionerRequest(SECRET, new Headers(headers), Buffer.from(body), NOW).ok).toBe(true);
  });

  it('accepts the previous secret during a rotation', () => {
    const { body, headers } = signed('freeze', { instanceId: 'i-1' }, { secret: 'old-secret' });
    expect(verifyProvisionerRequest(['new-secret', 'old-secret'], headers, body, NOW).ok).toBe(true);
  });

  it('reads header names case-insensitively from a plain record', () => {
    const { body, headers } = signed('freeze', { instanceId: 'i-1' });
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyProvisionerRequest(SECRET, upper, body, NOW).ok).toBe(true);
  });

  it.each([
    ['a timestamp just inside the window', NOW - DEFAULT_PROVISIONER_TOLERANCE_MS, true],
    ['a timestamp 1 ms too old', NOW - DEFAULT_PROVISIONER_TOLERANCE_MS - 1, false],
    ['a timestamp just inside the window in the future', NOW + DEFAULT_PROVISIONER_TOLERANCE_MS, true],
    ['a timestamp 1 ms too far in the future', NOW + DEFAULT_PROVISIONER_TOLERANCE_MS + 1, false],
  ])('with %s: ok is %s', (_what, at, ok) => {
    const { body, headers } = signed('freeze', { instanceId: 'i-1' }, { at });
    const result = verifyProvisionerRequest(SECRET, headers, body, NOW);
    expect(result.ok ? 'ok' : result.problem).toBe(ok ? 'ok' : 'stale-timestamp');
  });

  it('honours a custom tolerance (ms)', () => {
    const { body, headers } = signed('freeze', { instanceId: 'i-1' }, { at: NOW - 61_000 });
    expect(verifyProvisionerRequest(SECRET, headers, body, NOW, { toleranceMs: 60_000 })).toEqual({ ok: false, problem: 'stale-timestamp' });
  });

  const good = signed('renew', { instanceId: 'i-1', orderId: 'CS1', orderLineId: 'CS1-1', scene: 'RENEWAL', expireTime: '20300101000000' });
  const without = (name: string) => Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== name));
  it.each<[string, Record<string, string | string[]>, string, string | undefined, string]>([
    ['no timestamp header', without(H.timestamp), good.body, undefined, 'missing-header'],
    ['no signature header', without(H.signature), good.body, undefined, 'missing-header'],
    ['no idempotency key', without(H.idempotencyKey), good.body, undefined, 'missing-header'],
    ['no step header and no path step', without(H.step), good.body, undefined, 'missing-header'],
    ['a path step other than the signed step', good.headers, good.body, 'release', 'unknown-step'],
    ['an unknown step', { ...good.headers, [H.step]: 'delete' }, good.body, undefined, 'unknown-step'],
    ['a non-numeric timestamp', { ...good.headers, [H.timestamp]: '17e11' }, good.body, undefined, 'bad-timestamp'],
    ['a tampered body', good.headers, good.body.replace('20300101', '20990101'), undefined, 'bad-signature'],
    ['a signature of the wrong length', { ...good.headers, [H.signature]: 'abc' }, good.body, undefined, 'bad-signature'],
    ['a signature made with another secret', signed('renew', JSON.parse(good.body), { secret: 'other' }).headers, good.body, undefined, 'bad-signature'],
    ['a repeated signature header', { ...good.headers, [H.signature]: [good.headers[H.signature]!, good.headers[H.signature]!] }, good.body, undefined, 'missing-header'],
    ['an idempotency key for another order', { ...good.headers, [H.idempotencyKey]: 'renew:i-1:CS2:CS2-1' }, good.body, undefined, 'bad-idempotency-key'],
  ])('refuses %s', (_what, headers, body, step, problem) => {
    expect(verifyProvisionerRequest(SECRET, headers, body, NOW, step === undefined ? {} : { step })).toEqual({ ok: false, problem });
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['a JSON array', '[]'],
    ['a body without instanceId', '{"orderId":"x"}'],
    ['a numeric instanceId', '{"instanceId":7}'],
  ])('refuses %s even when correctly signed', (_what, body) => {
    const headers = { [H.timestamp]: String(NOW), [H.signature]: signProvisionerRequest(SECRET, 'freeze', NOW, body), [H.idempotencyKey]: 'freeze:7', [H.step]: 'freeze' };
    expect(verifyProvisionerRequest(SECRET, headers, body, NOW)).toEqual({ ok: false, problem: 'bad-body' });
  });

  it('throws a ConfigError when no usable secret is given', () => {
    expect(() => verifyProvisionerRequest(['', ''], good.headers, good.body, NOW)).toThrow('no provisioner secret');
  });

  it('never throws and never accepts arbitrary headers and bodies', () => {
    const headerValue = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(H.timestamp, H.signature, H.idempotencyKey, H.step, 'x-other'), headerValue),
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 })),
        (headers, body) => {
          const result = verifyProvisionerRequest(SECRET, headers, body, NOW);
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
