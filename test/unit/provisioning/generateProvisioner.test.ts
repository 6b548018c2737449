import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/core/errors';
import {
  createGenerateProvisioner,
  DEFAULT_FRONTEND_URL_TEMPLATE,
  type GenerateSettings,
} from '../../../shared/provisioning/generateProvisioner';
import { PASSWORD_LENGTH } from '../../../shared/provisioning/password';
import type { ProvisionRequest } from '../../../shared/provisioning/Provisioner';

const request = (instanceId: string): ProvisionRequest => ({ instanceId, orderId: 'CS1', orderLineId: 'CS1-000001', businessId: 'b-1' });

describe('createGenerateProvisioner', () => {
  it('fills both URL templates, the user name template and the memo', async () => {
    const provisioner = createGenerateProvisioner({
      KG_FRONTEND_URL_TEMPLATE: 'https://app.example.com/t/{instanceId}/login',
      KG_ADMIN_URL_TEMPLATE: 'https://admin.example.com/?tenant={instanceId}',
      KG_USERNAME_TEMPLATE: 'admin-{instanceId}',
      KG_MEMO: '首次登录请修改密码',
    });
    const app = await provisioner.provision(request('i-42'));
    expect(app).toEqual({
      frontEndUrl: 'https://app.example.com/t/i-42/login',
      adminUrl: 'https://admin.example.com/?tenant=i-42',
      userName: 'admin-i-42',
      password: expect.any(String),
      memo: '首次登录请修改密码',
    });
  });

  it('uses the example.invalid login URL and user name admin when nothing is configured, and omits adminUrl and memo', async () => {
    const app = await createGenerateProvisioner().provision(request('i-1'));
    expect(DEFAULT_FRONTEND_URL_TEMPLATE).toContain('example.invalid');
    expect(app).toEqual({ frontEndUrl: 'https://example.invalid/login?instance=i-1', userName: 'admin', password: expect.any(String) });
  });

  it('URL-encodes the instance id in URLs but not in the user name', async () => {
    const provisioner = createGenerateProvisioner({ KG_FRONTEND_URL_TEMPLATE: 'https://a.example/{instanceId}', KG_USERNAME_TEMPLATE: 'u_{instanceId}' });
    const app = await provisioner.provision(request('a/b c'));
    expect(app).toMatchObject({ frontEndUrl: 'https://a.example/a%2Fb%20c', userName: 'u_a/b c' });
  });

  it('makes a fresh password of the policy length on every call', async () => {
    const provisioner = createGenerateProvisioner();
    const first = await provisioner.provision(request('i-1'));
    const second = await provisioner.provision(request('i-1'));
    expect('password' in first && first.password).toHaveLength(PASSWORD_LENGTH);
    expect('password' in second && second.password).not.toBe('password' in first && first.password);
  });

  it.each<[string, GenerateSettings, string]>([
    ['a relative front-end URL', { KG_FRONTEND_URL_TEMPLATE: '/login/{instanceId}' }, 'KG_FRONTEND_URL_TEMPLATE'],
    ['a non-http admin URL', { KG_ADMIN_URL_TEMPLATE: 'ftp://x.example/{instanceId}' }, 'KG_ADMIN_URL_TEMPLATE'],
    ['a front-end URL too long for a 64-character id', { KG_FRONTEND_URL_TEMPLATE: `https://a.example/${'p'.repeat(440)}{instanceId}` }, 'KG_FRONTEND_URL_TEMPLATE'],
    ['an empty user name', { KG_USERNAME_TEMPLATE: '' }, 'KG_USERNAME_TEMPLATE'],
    ['a user name over 128 characters', { KG_USERNAME_TEMPLATE: `${'u'.repeat(65)}{instanceId}` }, 'KG_USERNAME_TEMPLATE'],
    ['a memo over 1024 characters', { KG_MEMO: 'm'.repeat(1025) }, 'KG_MEMO'],
  ])('refuses %s with a ConfigError naming the setting', (_what, settings, setting) => {
    expect(() => createGenerateProvisioner(settings)).toThrow(ConfigError);
    expect(() => createGenerateProvisioner(settings)).toThrow(setting);
  });

  it('throws a ProvisionerError, not a bad URL, for an instance id longer than the marketplace allows', async () => {
    const provisioner = createGenerateProvisioner({ KG_FRONTEND_URL_TEMPLATE: `https://a.example/${'p'.repeat(400)}{instanceId}` });
    await expect(provisioner.provision(request('x'.repeat(200)))).rejects.toMatchObject({ name: 'ProvisionerError', resultCode: '000005' });
  });

  it.each(['renew', 'upgrade', 'freeze', 'unfreeze', 'release'] as const)('lets %s succeed without doing anything', async (step) => {
    const provisioner = createGenerateProvisioner();
    const req = { instanceId: 'i-1', scene: 'RENEWAL' as const, expireTime: '20300101000000', orderId: 'o', orderLineId: 'l' };
    await expect(provisioner[step](req)).resolves.toBeUndefined();
  });

  it('allows every change in checkChange', async () => {
    const result = await createGenerateProvisioner().checkChange({
      instanceId: 'i-1',
      productInfo: { productId: 'p', skuCode: 's', productName: 'n', linearValue: 1 },
    });
    expect(result).toEqual({ allowed: true });
  });
});
