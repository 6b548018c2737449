import { describe, expect, it } from 'vitest';
import { loadConfig, requireSetting, settingSource } from '../../../shared/platform/config';
import { localContext } from '../../../shared/platform/context';
import { ConfigError } from '../../../shared/core/errors';

const from = (map: Record<string, string>) => loadConfig((k) => map[k]);

describe('settingSource', () => {
  it('prefers context user data, then RUNTIME_USERDATA, then the environment', () => {
    const env = { KG_MEMO: 'env', KG_LOG_LEVEL: 'warn', KG_ENCRYPT_TYPE: '2', RUNTIME_USERDATA: JSON.stringify({ KG_MEMO: 'runtime', KG_LOG_LEVEL: 'error' }) };
    const source = settingSource(env, localContext({ userData: { KG_MEMO: 'context' } }));
    expect(source('KG_MEMO')).toBe('context');
    expect(source('KG_LOG_LEVEL')).toBe('error');
    expect(source('KG_ENCRYPT_TYPE')).toBe('2');
    expect(source('KG_REDIS_URL')).toBeUndefined();
  });

  it('names RUNTIME_USERDATA when it is not JSON', () => {
    expect(() => settingSource({ RUNTIME_USERDATA: '{oops' })).toThrow(/RUNTIME_USERDATA/);
  });
});

describe('loadConfig', () => {
  it('splits key lists newest first and applies defaults (ms)', () => {
    const c = from({ KG_ACCESS_KEY: ' new , old ,', KG_REDIS_CLUSTER_NODES: 'a:1,b:2' });
    expect(c.KG_ACCESS_KEY).toEqual(['new', 'old']);
    expect(c.KG_REDIS_CLUSTER_NODES).toEqual(['a:1', 'b:2']);
    expect(c.KG_CLOCK_SKEW_MS).toBe(60_000);
    expect(c.KG_PROVISION_BUDGET_MS).toBe(2_000);
    expect(c.KG_ENCRYPT_TYPE).toBe('1');
    expect(c.KG_PROVISIONER).toBe('generate');
  });

  it.each([
    ['KG_ENCRYPT_TYPE', '3'],
    ['KG_PROVISIONER', 'ftp'],
    ['KG_CLOCK_SKEW_MS', 'soon'],
    ['KG_PROVISION_BUDGET_MS', '-5'],
    ['KG_LOG_LEVEL', 'loud'],
  ])('rejects %s=%s with an error naming the setting, not the value', (key, value) => {
    let error: unknown;
    try {
      from({ [key]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(key);
    if (value.length > 2) expect((error as Error).message).not.toContain(value);
  });
});

describe('requireSetting', () => {
  it('names the missing setting and why it is needed', () => {
    expect(() => requireSetting(from({}), 'KG_ACCESS_KEY', 'the basic key')).toThrow('missing setting KG_ACCESS_KEY: the basic key');
    expect(() => requireSetting(from({ KG_ACCESS_KEY: ',' }), 'KG_ACCESS_KEY', 'x')).toThrow(ConfigError);
    expect(requireSetting(from({ KG_ACCESS_KEY: 'k' }), 'KG_ACCESS_KEY', 'x')).toEqual(['k']);
  });
});

describe('loadConfig timing rules', () => {
  it('refuses a provisioning budget that is not shorter than the lease, naming both settings', () => {
    expect(() => from({ KG_PROVISION_BUDGET_MS: '60000', KG_PROVISION_LEASE_MS: '60000' })).toThrow(/KG_PROVISION_BUDGET_MS must be shorter than KG_PROVISION_LEASE_MS/);
    expect(from({ KG_PROVISION_BUDGET_MS: '100', KG_PROVISION_LEASE_MS: '600' }).KG_PROVISION_LEASE_MS).toBe(600);
  });
});
