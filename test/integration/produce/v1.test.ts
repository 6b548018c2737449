/**
 * The V1 (legacy GET + authToken) basic interfaces through the real `produce` handler: every activity,
 * Body-Sign on every answer, and credentials that decrypt to what was provisioned.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { decryptCredential } from '../../../shared/security/credentialCipher';
import { countingProvisioner, type CountingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v1Event, type Answer } from '../../support/produceClient';

const KEY = '9fa6c870-8bb0-4e9b-b71e-4c223300156f';

/** Body-Sign recomputed independently: base64 HMAC-SHA256 with the plain key over the exact body. */
function expectSignedBody(answer: Answer, key = KEY): void {
  const signature = createHmac('sha256', key).update(answer.raw, 'utf8').digest('base64');
  expect(answer.headers['Body-Sign']).toBe(`sign_type="HMAC-SHA256", signature="${signature}"`);
}

describe.each([
  { encryptType: '1' as const, bits: 256 as const },
  { encryptType: '2' as const, bits: 128 as const },
])('produce V1 with encryptType $encryptType', ({ encryptType, bits }) => {
  let handler: Handler;
  let provisioner: CountingProvisioner;
  const call = (params: Record<string, string>) => invoke(handler, v1Event(KEY, params));

  beforeAll(() => {
    provisioner = countingProvisioner();
    handler = createProduceHandler({
      settings: { KG_ACCESS_KEY: `newer-key-not-yet-bound,${KEY}`, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_ENCRYPT_TYPE: encryptType },
      allowMemoryStore: true,
      provisioner,
    });
  });

  it('creates an instance whose encrypted credentials decrypt to what was provisioned', async () => {
    const { orderId } = orderIds();
    const answer = await call({ activity: 'newInstance', businessId: 'b1', orderId, customerId: 'c1', customerName: 'buyer', productId: '00301-666666-0--0', skuCode: 'sku', expireTime: '20991231235959' });
    expectSignedBody(answer);
    expect(answer.json.resultCode).toBe('000000');
    expect(answer.json.encryptType).toBe(encryptType);
    const instanceId = answer.json.instanceId as string;
    const app = answer.json.appInfo as Record<string, string>;
    const provisioned = provisioner.provisioned.get(instanceId)!;
    expect(app.frontEndUrl).toBe(provisioned.frontEndUrl);
    for (const field of ['userName', 'password'] as const) {
      expect(app[field]!.length).toBeLessThanOrEqual(128);
      expect(app[field]!.slice(0, 16)).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(decryptCredential({ key: KEY, field: app[field]!, bits }).text).toBe(provisioned[field]);
    }
    const retry = await call({ activity: 'newInstance', businessId: 'b2', orderId, customerId: 'c1' });
    expect(retry.raw).toBe(answer.raw);
    expectSignedBody(retry);
  });

  it('runs every V1 activity, each answer signed', async () => {
    const { orderId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'b1', orderId, customerId: 'c1' });
    const instanceId = created.json.instanceId as string;
    const steps: Array<[Record<string, string>, string]> = [
      [{ activity: 'queryInstance', instanceId }, '000000'],
      [{ activity: 'refreshInstance', instanceId, orderId: `${orderId}R`, expireTime: '20991231235959' }, '000000'],
      [{ activity: 'expireInstance', instanceId, orderId }, '000000'],
      [{ activity: 'instanceStatus', instanceId, instanceStatus: 'NORMAL' }, '000000'],
      [{ activity: 'instanceStatus', instanceId, instanceStatus: 'FREEZE' }, '000000'],
      [{ activity: 'instanceStatus', instanceId, instanceStatus: 'NORMAL' }, '000000'],
      [{ activity: 'upgrade', instanceId, orderId: `${orderId}U`, skuCode: 'sku2' }, '000000'],
      [{ activity: 'releaseInstance', instanceId }, '000000'],
      [{ activity: 'releaseInstance', instanceId }, '000000'],
      [{ activity: 'expireInstance', instanceId }, '000003'],
      [{ activity: 'releaseInstance', instanceId: randomBytes(16).toString('hex') }, '000003'],
      [{ activity: 'releaseInstance', instanceId: randomBytes(16).toString('hex'), testFlag: '1' }, '000000'],
      [{ activity: 'noSuchActivity', instanceId }, '000002'],
    ];
    for (const [params, code] of steps) {
      const answer = await call(params);
      expectSignedBody(answer);
      expect({ activity: params.activity, code: answer.json.resultCode }).toEqual({ activity: params.activity, code });
    }
  });

  it('answers a V1 queryInstance with encrypted credentials', async () => {
    const { orderId } = orderIds();
    const created = await call({ activity: 'newInstance', businessId: 'b1', orderId, customerId: 'c1' });
    const instanceId = created.json.instanceId as string;
    const answer = await call({ activity: 'queryInstance', instanceId });
    const info = (answer.json.info as Array<{ appInfo: Record<string, string> }>)[0]!;
    expect(decryptCredential({ key: KEY, field: info.appInfo.password!, bits }).text).toBe(provisioner.provisioned.get(instanceId)!.password);
  });

  it('rejects a wrong authToken with 000001, still signed, and writes nothing', async () => {
    const { orderId } = orderIds();
    const event = v1Event(KEY, { activity: 'newInstance', businessId: 'b1', orderId, customerId: 'c1' });
    event.queryStringParameters!.authToken = 'AAAA' + event.queryStringParameters!.authToken!.slice(4);
    const before = provisioner.calls.provision ?? 0;
    const answer = await invoke(handler, event);
    expect(answer.json.resultCode).toBe('000001');
    expectSignedBody(answer, `newer-key-not-yet-bound`);
    expect(provisioner.calls.provision ?? 0).toBe(before);
  });
});
