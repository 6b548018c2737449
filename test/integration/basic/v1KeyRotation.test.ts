/**
 * A stored V1 answer replayed across a key rotation: the marketplace may retry an order with either key
 * while the ring holds both (`B,A`, newest first). Every answer carries credentials AES-encrypted with, and
 * a Body-Sign made with, the key that verified that very retry, never another one; a retry with the key
 * that made the stored answer gets its exact bytes. Also when provision-worker, which answers nobody,
 * wrote the stored answer.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineMerchant, produceHandler, provisionWorkerHandler, verifyBodySign } from '../../../shared';
import { loadConfig } from '../../../shared/platform/config';
import { decryptCredential } from '../../../shared/security/credentialCipher';
import { createStore } from '../../../shared/store/createStore';
import type { Store } from '../../../shared/store/Store';
import { countingProvisioner } from '../../support/countingProvisioner';
import { finishWithWorker, leaseOutlivingProvisioner } from '../../support/leaseOutlivingProvisioner';
import { invoke, orderIds, v1Event, type Answer } from '../../support/produceClient';
import { startRedis, type RedisServer } from '../../support/redis';

const KEY_A = 'a1b2c3d4-0000-4aaa-8aaa-00000000000a';
const KEY_B = 'b1b2c3d4-0000-4bbb-8bbb-00000000000b';

/** The Body-Sign of `answer` under `key`: checked with the public helper and recomputed independently. */
function signedWith(answer: Answer, key: string): boolean {
  const independent = `sign_type="HMAC-SHA256", signature="${createHmac('sha256', key).update(answer.raw, 'utf8').digest('base64')}"`;
  const header = answer.headers['Body-Sign'] ?? '';
  return verifyBodySign(key, answer.raw, header) && header === independent;
}

/** The clear text of a V1 credential field under `key` (AES-256, encryptType 1), or undefined. */
function decrypt(key: string, field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  try {
    return decryptCredential({ key, field, bits: 256 }).text;
  } catch {
    return undefined;
  }
}

function appInfoOf(answer: Answer): Record<string, string> {
  return answer.json.appInfo as Record<string, string>;
}

/** Asserts that `answer` is a success whose credentials are `expected` under `key`, and under no other key. */
function expectCredentialsFor(answer: Answer, key: string, other: string, expected: { userName?: string; password?: string }): void {
  expect(answer.status).toBe(200);
  expect(answer.json.resultCode).toBe('000000');
  expect(answer.json.encryptType).toBe('1');
  const app = appInfoOf(answer);
  expect({ userName: decrypt(key, app.userName), password: decrypt(key, app.password) }).toEqual(expected);
  expect(decrypt(other, app.password)).not.toBe(expected.password);
  expect(signedWith(answer, key)).toBe(true);
  expect(signedWith(answer, other)).toBe(false);
}

describe('V1 answers across a key rotation (A, then ring B,A)', () => {
  let redis: RedisServer;
  let store: Store;
  let dataKey: string;
  const settings = (ring: string): Record<string, string> => ({
    KG_ACCESS_KEY: ring, KG_DATA_KEY: dataKey, KG_PROVISION_BUDGET_MS: '100', KG_PROVISION_LEASE_MS: '600',
  });

  beforeAll(async () => {
    redis = await startRedis();
    store = createStore(loadConfig((k) => (k === 'KG_REDIS_URL' ? redis.url : undefined)), { allowMemory: false });
    dataKey = randomBytes(32).toString('base64');
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('answers a retry verified by B with credentials for B, and a retry verified by A with the original bytes', async () => {
    const provisioner = countingProvisioner();
    const before = produceHandler(defineMerchant({ provisioner }, { settings: settings(KEY_A), store }));
    const after = produceHandler(defineMerchant({ provisioner }, { settings: settings(`${KEY_B},${KEY_A}`), store }));
    const { orderId } = orderIds('V1ROT');
    const create = { activity: 'newInstance', orderId, customerId: 'c-1', customerName: 'buyer', productId: '00301-666666-0--0', expireTime: '20991231235959' };

    const original = await invoke(before, v1Event(KEY_A, { ...create, businessId: 'b-1' }));
    const instanceId = original.json.instanceId as string;
    const provisioned = provisioner.provisioned.get(instanceId)!;
    const clear = { userName: provisioned.userName, password: provisioned.password };
    expect(clear.password).toBeTruthy();
    expectCredentialsFor(original, KEY_A, KEY_B, clear);

    const retryB = await invoke(after, v1Event(KEY_B, { ...create, businessId: 'b-2' }));
    expectCredentialsFor(retryB, KEY_B, KEY_A, clear);
    expect(retryB.json.instanceId).toBe(instanceId);
    // Every retry verified by B gets the same bytes, as retries under A do.
    const againB = await invoke(after, v1Event(KEY_B, { ...create, businessId: 'b-5' }));
    expect(againB.raw).toBe(retryB.raw);
    expect(appInfoOf(retryB).frontEndUrl).toBe(appInfoOf(original).frontEndUrl);

    const retryA = await invoke(after, v1Event(KEY_A, { ...create, businessId: 'b-3' }));
    expect(retryA.raw).toBe(original.raw);
    expect(retryA.headers['Body-Sign']).toBe(original.headers['Body-Sign']);
    expect(signedWith(retryA, KEY_A)).toBe(true);

    // Before the rotation too, a retry is the stored bytes.
    const retryBefore = await invoke(before, v1Event(KEY_A, { ...create, businessId: 'b-4' }));
    expect(retryBefore.raw).toBe(original.raw);
    expect(provisioner.calls.provision).toBe(1);
  });

  it('answers a queryInstance after the rotation with credentials for the key that verified it', async () => {
    const provisioner = countingProvisioner();
    const before = produceHandler(defineMerchant({ provisioner }, { settings: settings(KEY_A), store }));
    const after = produceHandler(defineMerchant({ provisioner }, { settings: settings(`${KEY_B},${KEY_A}`), store }));
    const created = await invoke(before, v1Event(KEY_A, { activity: 'newInstance', orderId: orderIds('V1Q').orderId, customerId: 'c-1', businessId: 'b-1' }));
    const instanceId = created.json.instanceId as string;
    const password = provisioner.provisioned.get(instanceId)!.password;
    for (const key of [KEY_B, KEY_A]) {
      const query = await invoke(after, v1Event(key, { activity: 'queryInstance', instanceId }));
      const info = (query.json.info as Array<{ appInfo: Record<string, string> }>)[0]!;
      expect(decrypt(key, info.appInfo.password)).toBe(password);
      expect(signedWith(query, key)).toBe(true);
    }
  });

  it('answers the retry of an instance that provision-worker finished with credentials for the older key A that verified it', async () => {
    const provisioner = leaseOutlivingProvisioner({ name: 'rotating-saas', laterDelayMs: 200 });
    const merchant = defineMerchant({ provisioner }, { settings: settings(`${KEY_B},${KEY_A}`), store });
    const produce = produceHandler(merchant);
    const { orderId } = orderIds('V1W');
    const create = { activity: 'newInstance', orderId, customerId: 'c-1', customerName: 'buyer' };

    provisioner.phase = 'produce';
    const first = await invoke(produce, v1Event(KEY_A, { ...create, businessId: 'b-1' }));
    expect(first.json.resultCode).toBe('000004');
    expect(signedWith(first, KEY_A)).toBe(true);
    const instanceId = first.json.instanceId as string;

    provisioner.phase = 'worker';
    const report = await finishWithWorker(provisionWorkerHandler(merchant), provisioner, instanceId);
    expect(report.results[instanceId]).toBe('000000');
    expect(provisioner.calls.map((c) => c.phase)).toEqual(['produce', 'worker']);
    const app = provisioner.apps.get(instanceId)!;
    const clear = { userName: app.userName, password: app.password };

    // The worker signed nothing for anybody; the marketplace, still on A, retries with A.
    const retryA = await invoke(produce, v1Event(KEY_A, { ...create, businessId: 'b-2' }));
    expectCredentialsFor(retryA, KEY_A, KEY_B, clear);
    expect(appInfoOf(retryA).frontEndUrl).toBe(app.frontEndUrl);
    expect(retryA.json.instanceId).toBe(instanceId);

    // Once it moves to B, it gets credentials for B.
    const retryB = await invoke(produce, v1Event(KEY_B, { ...create, businessId: 'b-3' }));
    expectCredentialsFor(retryB, KEY_B, KEY_A, clear);

    // A merchant whose ring still has only A (another warm function instance) answers for A as well.
    const onlyA = produceHandler(defineMerchant({ provisioner }, { settings: settings(KEY_A), store }));
    expectCredentialsFor(await invoke(onlyA, v1Event(KEY_A, { ...create, businessId: 'b-4' })), KEY_A, KEY_B, clear);
    expect(provisioner.calls).toHaveLength(2);
  });
});
