import { describe, expect, it } from 'vitest';
import { mask, resolveDeployment, settingLookup } from '../../../infra/build/deploySettings';
import { checkResolvedSettings } from '../../../infra/build/doctor/deploymentChecks';
import { previousVersion, versionName } from '../../../infra/build/serverlessDevs';

const SYAML = [
  'edition: 1.0.0',
  'vars:',
  '  region: cn-north-4',
  '  domain: saas.merchant.cn',
  '  redisUrl: ${env(MY_REDIS_URL)}',
  '  vpcId: "<vpc-id>"',
  'services:',
  '  produce:',
  '    component: fgs@0.1.16',
  '    props:',
  '      region: ${vars.region}',
  '      function:',
  '        functionName: kg-produce',
  '        environmentVariables:',
  '          KG_PRODUCTION_URL: "https://${vars.domain}"',
  '          KG_REDIS_URL: "${vars.redisUrl}"',
  '          KG_LOG_LEVEL: debug',
  '          KG_MEMO: "${vars.nope}"',
  '        encryptedUserData:',
  '          KG_ACCESS_KEY: ${env(KG_ACCESS_KEY)}',
  '          KG_DATA_KEY: ${env(KG_DATA_KEY)}',
  '',
].join('\n');

describe('resolveDeployment', () => {
  const d = resolveDeployment(SYAML, { KG_ACCESS_KEY: 'the-basic-key-0123456789abcdef', MY_REDIS_URL: 'redis://10.0.0.5:6379' });
  const fn = d.functions[0]!;
  const get = (n: string) => fn.settings.find((s) => s.name === n)!;

  it('resolves vars, env and vars that refer to env, naming every source', () => {
    expect(fn).toMatchObject({ service: 'produce', functionName: 'kg-produce', region: 'cn-north-4' });
    expect(get('KG_PRODUCTION_URL')).toMatchObject({ value: 'https://saas.merchant.cn', secret: false, source: 's.yaml vars.domain' });
    expect(get('KG_REDIS_URL')).toMatchObject({ value: 'redis://10.0.0.5:6379', source: 's.yaml vars.redisUrl + environment MY_REDIS_URL' });
    expect(get('KG_LOG_LEVEL')).toMatchObject({ value: 'debug', source: 's.yaml services.produce.props.function.environmentVariables.KG_LOG_LEVEL' });
    expect(get('KG_ACCESS_KEY')).toMatchObject({ secret: true, source: 'environment KG_ACCESS_KEY' });
    expect(get('KG_DATA_KEY')).toMatchObject({ value: undefined, unresolved: ['${env(KG_DATA_KEY)}'] });
    expect(get('KG_MEMO')).toMatchObject({ value: '${vars.nope}', unresolved: ['${vars.nope}'] });
    expect(settingLookup(fn)('KG_DATA_KEY')).toBeUndefined();
  });

  it('reports the missing secret, the unknown var and the template placeholder, never a value', () => {
    const findings = checkResolvedSettings(d);
    const errors = findings.filter((f) => f.level === 'error').map((f) => f.what);
    expect(errors).toEqual([
      expect.stringMatching(/^KG_MEMO holds an unexpanded/),
      expect.stringMatching(/^KG_DATA_KEY is not set in the environment \(all functions\)/),
      's.yaml vars.vpcId still holds the template placeholder',
    ]);
    expect(JSON.stringify(findings)).not.toContain('the-basic-key');
  });

  it('masks secrets to their length', () => {
    expect(mask('abc')).toBe('****** (3 chars)');
    expect(mask('')).toBe('(empty)');
    expect(mask(undefined)).toBe('(not set)');
  });
});

describe('versions', () => {
  it('names a version after the UTC time', () => {
    expect(versionName(new Date('2026-11-29T21:37:54.123Z'))).toBe('v20261129213754');
  });
  it('finds the version before the live one', () => {
    expect(previousVersion({ versions: ['v1', 'v2', 'v3'], live: 'v3' })).toBe('v2');
    expect(previousVersion({ versions: ['v1', 'v2'], live: 'v1' })).toBeUndefined();
    expect(previousVersion(undefined)).toBeUndefined();
  });
});
