import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkFunctionSettings } from '../../../infra/build/doctor/functionChecks';
import { loadConfig } from '../../../shared/platform/config';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const config = (settings: Record<string, string>) => loadConfig((k) => settings[k]);
const levelOf = (settings: Record<string, string>, area: string) => checkFunctionSettings(config(settings)).find((f) => f.area === area);

describe('kg doctor: each new function group is checked with its own settings reader', () => {
  it.each([
    ['kit', {}, 'ok', /not configured/],
    ['kit', { KG_KIT_ACCESS_KEY: 'kit-key-0123456789abcdef' }, 'error', /KG_RSA_PRIVATE_KEY is not set/],
    ['kit', { KG_KIT_ACCESS_KEY: 'kit-key-0123456789abcdef', KG_RSA_PRIVATE_KEY: 'not a key' }, 'error', /KG_RSA_PRIVATE_KEY/],
    ['kit', { KG_KIT_ACCESS_KEY: 'kit-key-0123456789abcdef', KG_RSA_PRIVATE_KEY: pem }, 'ok', /settings complete/],
    ['kit', { KG_KIT_ACCESS_KEY: 'kit-key-0123456789abcdef', KG_RSA_PRIVATE_KEY: pem, KG_KIT_FORWARD_URL: 'https://backend.example/kit' }, 'error', /KG_KIT_FORWARD_SECRET/],
    ['sso', {}, 'ok', /not configured/],
    ['sso', { KG_SSO_APP_ID: 'app-1' }, 'error', /KG_SSO_CALLBACK_URL/],
    ['sso', { KG_SSO_APP_ID: 'app-1', KG_SSO_CALLBACK_URL: 'https://app.example/sso/callback', KG_SSO_APP_URL: 'https://app.example/' }, 'ok', /settings complete/],
    ['usage', {}, 'ok', /not configured/],
    ['usage', { KG_OPENAPI_AK: 'AK' }, 'error', /KG_OPENAPI_SK/],
    ['usage', { KG_OPENAPI_AK: 'AK', KG_OPENAPI_SK: 'SK' }, 'error', /KG_USAGE_INGEST_KEY/],
    ['usage', { KG_OPENAPI_AK: 'AK', KG_OPENAPI_SK: 'SK', KG_USAGE_INGEST_KEY: 'ingest-key-0123456789' }, 'ok', /settings complete/],
    ['api-product', {}, 'ok', /not configured/],
    ['api-product', { KG_GATEWAY_KEYS: 'no-colon' }, 'error', /KG_GATEWAY_KEYS/],
    ['api-product', { KG_GATEWAY_KEYS: 'ak1:sk-0123456789abcdef' }, 'ok', /settings complete/],
    ['alerts', {}, 'ok', /not configured/],
    ['alerts', { KG_ALERT_WEBHOOK: 'https://hooks.example/kg' }, 'error', /KG_ALERT_WEBHOOK_SECRET/],
    ['alerts', { KG_ALERT_WEBHOOK: 'http://hooks.example/kg', KG_ALERT_WEBHOOK_SECRET: 'whsec-0123456789' }, 'error', /KG_ALERT_WEBHOOK/],
    ['alerts', { KG_ALERT_WEBHOOK_SECRET: 'whsec-0123456789' }, 'error', /KG_ALERT_WEBHOOK is not/],
    ['alerts', { KG_ALERT_WEBHOOK: 'https://hooks.example/kg', KG_ALERT_WEBHOOK_SECRET: 'whsec-0123456789' }, 'ok', /settings complete/],
    ['alerts', { KG_ALERT_SMN_TOPIC: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:kg-alerts' }, 'error', /KG_ALERT_SMN_AK/],
    ['alerts', { KG_ALERT_SMN_AK: 'AK' }, 'error', /KG_ALERT_SMN_TOPIC is not/],
    ['alerts', { KG_ALERT_SMN_TOPIC: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:kg-alerts', KG_ALERT_SMN_AK: 'AK', KG_ALERT_SMN_SK: 'SK' }, 'ok', /settings complete/],
  ] as const)('%s with %j: %s', (area, settings, level, what) => {
    const f = levelOf(settings as Record<string, string>, area);
    expect(f?.level).toBe(level);
    expect(f?.what).toMatch(what);
  });

  it('never prints a value', () => {
    const text = JSON.stringify(checkFunctionSettings(config({ KG_KIT_ACCESS_KEY: 'kit-key-0123456789abcdef', KG_RSA_PRIVATE_KEY: 'secret-pem-text', KG_OPENAPI_AK: 'AKVALUE' })));
    expect(text).not.toMatch(/kit-key-0123|secret-pem-text|AKVALUE/);
  });
});
