import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/platform/config';
import { ConfigError } from '../../../shared/core/errors';
import { createProvisioner } from '../../../shared/provisioning/createProvisioner';

const SECRET = 'do-not-print-this-secret';
const configOf = (settings: Record<string, string>) => loadConfig((key) => settings[key]);

describe('createProvisioner', () => {
  it.each([
    [{}, 'generate'],
    [{ KG_PROVISIONER: 'generate' }, 'generate'],
    [{ KG_PROVISIONER: 'http', KG_PROVISIONER_URL: 'https://backend.example/kg', KG_PROVISIONER_SECRET: SECRET }, 'http'],
  ])('builds from %j the %s provisioner', (settings, name) => {
    expect(createProvisioner(configOf(settings)).name).toBe(name);
  });

  it.each([
    ['http without a URL', { KG_PROVISIONER: 'http', KG_PROVISIONER_SECRET: SECRET }, 'KG_PROVISIONER_URL'],
    ['http without a secret', { KG_PROVISIONER: 'http', KG_PROVISIONER_URL: 'https://backend.example/kg' }, 'KG_PROVISIONER_SECRET'],
    ['http with a relative URL', { KG_PROVISIONER: 'http', KG_PROVISIONER_URL: 'backend/kg', KG_PROVISIONER_SECRET: SECRET }, 'KG_PROVISIONER_URL'],
    ['http with a non-http URL', { KG_PROVISIONER: 'http', KG_PROVISIONER_URL: 'ftp://backend.example', KG_PROVISIONER_SECRET: SECRET }, 'KG_PROVISIONER_URL'],
    ['http with credentials in the URL', { KG_PROVISIONER: 'http', KG_PROVISIONER_URL: `https://u:${SECRET}@backend.example`, KG_PROVISIONER_SECRET: SECRET }, 'KG_PROVISIONER_URL'],
    ['generate with a relative front-end template', { KG_FRONTEND_URL_TEMPLATE: 'login/{instanceId}' }, 'KG_FRONTEND_URL_TEMPLATE'],
  ])('refuses %s with a ConfigError naming the setting and not the secret', (_what, settings, setting) => {
    let thrown: unknown;
    try {
      createProvisioner(configOf(settings));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain(setting);
    expect((thrown as Error).message).not.toContain(SECRET);
  });
});
