import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProductInfo } from '../../../shared/lifecycle/types';
import { loadConfig } from '../../../shared/platform/config';
import { ProvisionerError, toResult } from '../../../shared/core/errors';
import { REFUSAL_CODES } from '../../../shared/provisioning/backendAnswer';
import { createProvisioner } from '../../../shared/provisioning/createProvisioner';
import { createHttpProvisioner, MAX_ANSWER_BYTES } from '../../../shared/provisioning/httpProvisioner';
import type { Provisioner } from '../../../shared/provisioning/Provisioner';
import type { ProvisionerStep } from '../../../shared/provisioning/provisionerSignature';
import { startMerchantBackend, type MerchantBackend, type StepBehaviour } from '../../support/merchantBackend';
import { freePort } from '../../support/ports';

const SECRET = 'merchant-backend-secret-7f3a9c';
const PRODUCT: ProductInfo = { productId: 'p-2', skuCode: 'sku-small', productName: 'Small', linearValue: 5 };
const PROVISION = { instanceId: 'i-100', orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b-1', skuCode: 'sku-big' };

let backend: MerchantBackend;
let provisioner: Provisioner;

beforeAll(async () => {
  backend = await startMerchantBackend({ secret: SECRET });
  provisioner = createHttpProvisioner({ url: backend.url, secret: SECRET, timeoutMs: 1800 });
});
afterAll(async () => backend.close());
beforeEach(() => backend.reset());

/** Calls one step with typical arguments. */
function callStep(p: Provisioner, step: ProvisionerStep, signal?: AbortSignal): Promise<unknown> {
  const s = signal ? { signal } : {};
  switch (step) {
    case 'provision':
      return p.provision({ ...PROVISION, ...s });
    case 'renew':
      return p.renew({ instanceId: 'i-100', scene: 'RENEWAL', expireTime: '20300101000000000', orderId: 'CS2', orderLineId: 'CS2-000001', ...s });
    case 'upgrade':
      return p.upgrade({ instanceId: 'i-100', orderId: 'CS3', orderLineId: 'CS3-000001', skuCode: 'sku-bigger', ...s });
    case 'freeze':
      return p.freeze({ instanceId: 'i-100', ...s });
    case 'unfreeze':
      return p.unfreeze({ instanceId: 'i-100', ...s });
    case 'release':
      return p.release({ instanceId: 'i-100', ...s });
    case 'checkChange':
      return p.checkChange({ instanceId: 'i-100', productInfo: PRODUCT, ...s });
  }
}

/** The error a call rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<ProvisionerError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ProvisionerError);
  return outcome.error as ProvisionerError;
}

describe('createHttpProvisioner', () => {
  it.each<[ProvisionerStep, string, Record<string, unknown>, unknown]>([
    ['provision', 'provision:i-100:CS1:CS1-000001', { instanceId: 'i-100', orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b-1', skuCode: 'sku-big' }, expect.objectContaining({ frontEndUrl: 'https://app.merchant.example/t/i-100' })],
    ['renew', 'renew:i-100:CS2:CS2-000001', { instanceId: 'i-100', scene: 'RENEWAL', expireTime: '20300101000000000', orderId: 'CS2', orderLineId: 'CS2-000001' }, undefined],
    ['upgrade', 'upgrade:i-100:CS3:CS3-000001', { instanceId: 'i-100', orderId: 'CS3', orderLineId: 'CS3-000001', skuCode: 'sku-bigger' }, undefined],
    ['freeze', 'freeze:i-100', { instanceId: 'i-100' }, undefined],
    ['unfreeze', 'unfreeze:i-100', { instanceId: 'i-100' }, undefined],
    ['release', 'release:i-100', { instanceId: 'i-100' }, undefined],
    ['checkChange', 'checkChange:i-100', { instanceId: 'i-100', productInfo: PRODUCT }, { allowed: true }],
  ])('sends %s signed to <base>/<step> with key %s and the request fields, and reads the answer', async (step, key, payload, result) => {
    await expect(callStep(provisioner, step)).resolves.toEqual(result);
    expect(backend.rejected).toEqual([]);
    expect(backend.calls).toEqual([{ step, instanceId: 'i-100', idempotencyKey: key, timestampMs: expect.any(Number), payload }]);
  });

  it('gets the same app for a repeated provision with the same idempotency key', async () => {
    const first = await provisioner.provision(PROVISION);
    const second = await provisioner.provision(PROVISION);
    expect(second).toEqual(first);
    expect(new Set(backend.calls.map((c) => c.idempotencyKey)).size).toBe(1);
  });

  it('returns every app field the backend gives', async () => {
    backend.configure('provision', { app: { frontEndUrl: 'https://x.example/a', adminUrl: 'https://x.example/admin', userName: '管理员', password: 'S3cret!pw', memo: '说明' } });
    await expect(provisioner.provision({ ...PROVISION, instanceId: 'i-fields' })).resolves.toEqual({
      frontEndUrl: 'https://x.example/a', adminUrl: 'https://x.example/admin', userName: '管理员', password: 'S3cret!pw', memo: '说明',
    });
  });

  it('passes a checkChange refusal reason through', async () => {
    backend.configure('checkChange', { allowed: false, message: '12 users, the new plan has 5 seats' });
    await expect(callStep(provisioner, 'checkChange')).resolves.toEqual({ allowed: false, message: '12 users, the new plan has 5 seats' });
  });

  it.each(REFUSAL_CODES)('maps a provision refusal with %s to a ProvisionRefusal', async (resultCode) => {
    backend.configure('provision', { refuse: { resultCode, resultMsg: 'merchant says no' } });
    await expect(provisioner.provision(PROVISION)).resolves.toEqual({ refused: true, resultCode, resultMsg: 'merchant says no' });
  });

  it.each<ProvisionerStep>(['renew', 'upgrade', 'freeze', 'unfreeze', 'release'])('maps a %s refusal to a ProvisionRefusal', async (step) => {
    backend.configure(step, { refuse: { resultCode: '000100' } });
    await expect(callStep(provisioner, step)).resolves.toEqual({ refused: true, resultCode: '000100', resultMsg: 'no instance resource available' });
  });

  it('carries a checkChange refusal code and message to the marketplace through ProvisionerError', async () => {
    backend.configure('checkChange', { refuse: { resultCode: '000104', resultMsg: 'plan unknown' } });
    const err = await failure(callStep(provisioner, 'checkChange'));
    expect(toResult(err)).toEqual({ resultCode: '000104', resultMsg: 'plan unknown' });
  });

  const invalid: Array<[string, ProvisionerStep, StepBehaviour, RegExp]> = [
    ['HTTP 500', 'provision', { httpStatus: 500 }, /answered HTTP 500/],
    ['HTTP 404', 'freeze', { httpStatus: 404 }, /answered HTTP 404/],
    ['a redirect', 'release', { httpStatus: 302 }, /answered HTTP 302/],
    ['broken JSON', 'provision', { brokenJson: true }, /not valid JSON/],
    ['a provision success without app', 'provision', { answer: { ok: true } }, /does not match the contract \(app/],
    ['a javascript: front-end URL', 'provision', { answer: { ok: true, app: { frontEndUrl: 'javascript:alert(1)' } } }, /app\.frontEndUrl/],
    ['an undocumented refusal code', 'renew', { answer: { ok: false, resultCode: '000003', resultMsg: 'x' } }, /resultCode/],
    ['a checkChange success without allowed', 'checkChange', { answer: { ok: true } }, /allowed/],
    ['a JSON string', 'unfreeze', { answer: 'ok' }, /does not match the contract/],
    ['an answer over the size limit', 'provision', { answer: { ok: true, app: { frontEndUrl: 'https://a.example', memo: 'm'.repeat(MAX_ANSWER_BYTES) } } }, /larger than/],
  ];
  it.each(invalid)('throws ProvisionerError for %s, with a safe message and result 000005', async (_what, step, behaviour, message) => {
    backend.configure(step, behaviour);
    const err = await failure(callStep(provisioner, step));
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('stack trace');
    expect(toResult(err)).toEqual({ resultCode: '000005', resultMsg: 'other inner error' });
  });

  it('gives up on a hanging backend with a ProvisionerError after its timeout', async () => {
    backend.configure('provision', { hang: true });
    const quick = createHttpProvisioner({ url: backend.url, secret: SECRET, timeoutMs: 150 });
    const err = await failure(quick.provision(PROVISION));
    expect(err.message).toBe('provisioner provision: no answer within 150 ms');
    expect(backend.calls).toHaveLength(1);
  });

  it('times out a backend that is slower than the timeout', async () => {
    backend.configure('freeze', { delayMs: 1000 });
    const quick = createHttpProvisioner({ url: backend.url, secret: SECRET, timeoutMs: 100 });
    expect((await failure(quick.freeze({ instanceId: 'i-1' }))).message).toMatch(/no answer within 100 ms/);
  });

  it('uses KG_PROVISIONER_TIMEOUT_MS from the configuration', async () => {
    backend.configure('release', { hang: true });
    const configured = createProvisioner(loadConfig((key) => ({
      KG_PROVISIONER: 'http', KG_PROVISIONER_URL: backend.url, KG_PROVISIONER_SECRET: SECRET, KG_PROVISIONER_TIMEOUT_MS: '120',
    })[key]));
    expect((await failure(configured.release({ instanceId: 'i-1' }))).message).toMatch(/no answer within 120 ms/);
  });

  it("aborts a request in flight when the caller's signal aborts", async () => {
    backend.configure('provision', { hang: true });
    const caller = new AbortController();
    const pending = provisioner.provision({ ...PROVISION, signal: caller.signal });
    await expect.poll(() => backend.calls.length).toBe(1);
    caller.abort(new Error('budget over'));
    expect((await failure(pending)).message).toBe('provisioner provision: aborted by the caller');
  });

  it('sends nothing when the caller signal is already aborted', async () => {
    const caller = new AbortController();
    caller.abort();
    expect((await failure(provisioner.freeze({ instanceId: 'i-1', signal: caller.signal }))).message).toMatch(/aborted by the caller before/);
    expect(backend.calls).toEqual([]);
  });

  it('is refused by the backend when signed with another secret', async () => {
    const wrong = createHttpProvisioner({ url: backend.url, secret: 'not-the-secret', timeoutMs: 1800 });
    expect((await failure(wrong.freeze({ instanceId: 'i-1' }))).message).toMatch(/answered HTTP 401/);
    expect(backend.rejected).toEqual([{ path: '/kg/freeze', problem: 'bad-signature' }]);
    expect(backend.calls).toEqual([]);
  });

  it('is refused by the backend when its clock is 10 minutes off', async () => {
    const skewed = createHttpProvisioner({ url: backend.url, secret: SECRET, now: () => Date.now() - 600_000 });
    await failure(skewed.freeze({ instanceId: 'i-1' }));
    expect(backend.rejected).toEqual([{ path: '/kg/freeze', problem: 'stale-timestamp' }]);
  });

  it('keeps a query string and drops trailing slashes of the base URL', async () => {
    const withQuery = createHttpProvisioner({ url: `${backend.url}//?tenant=a`, secret: SECRET });
    await expect(withQuery.freeze({ instanceId: 'i-1' })).resolves.toBeUndefined();
    expect(backend.calls.map((c) => c.step)).toEqual(['freeze']);
  });

  it('reports an unreachable backend as a ProvisionerError', async () => {
    const port = await freePort();
    const nowhere = createHttpProvisioner({ url: `http://127.0.0.1:${port}/kg`, secret: SECRET });
    expect((await failure(nowhere.freeze({ instanceId: 'i-1' }))).message).toMatch(/backend unreachable/);
  });

  it('never puts the secret or the signature into any error message', async () => {
    const messages: string[] = [];
    for (const [, step, behaviour] of invalid) {
      backend.configure(step, behaviour);
      const err = await failure(callStep(provisioner, step));
      messages.push(err.message, String(err), JSON.stringify(toResult(err)));
    }
    backend.configure('freeze', { hang: true });
    const quick = createHttpProvisioner({ url: backend.url, secret: SECRET, timeoutMs: 50 });
    const timedOut = await failure(quick.freeze({ instanceId: 'i-1' }));
    messages.push(timedOut.message, String(timedOut));
    expect(messages.filter((m) => m.includes(SECRET) || /[0-9a-f]{64}/.test(m))).toEqual([]);
  });
});
