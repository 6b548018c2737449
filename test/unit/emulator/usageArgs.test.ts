/**
 * `kg simulate`'s usage options: `usage` runs under `all` only when its ingest key and open API are
 * given, and asking for it without them is a usage error.
 */
import { describe, expect, it } from 'vitest';
import { parseSimulateArgs } from '../../../infra/cli/commands/simulate';
import { DEFAULT_PUSH_WAIT_MS } from '../../../infra/cli/usageArgs';
import { BASIC_SCENARIO_NAMES } from '../../../infra/emulator/scenarios/index';

const BASE = ['--url', 'http://127.0.0.1:9/', '--key', 'k'];
const FAKE_ENV = { KG_OPENAPI_ENDPOINT: 'http://127.0.0.1:9100', KG_OPENAPI_AK: 'ak', KG_OPENAPI_SK: 'sk' };

describe('kg simulate usage options', () => {
  it('leaves usage out of all without its settings, and takes it in with them', () => {
    expect(BASIC_SCENARIO_NAMES).not.toContain('usage');
    expect(parseSimulateArgs(BASE, {}).scenarios).not.toContain('usage');
    expect(parseSimulateArgs([...BASE, '--ingest-key', 'ik'], {}).scenarios).not.toContain('usage');
    expect(parseSimulateArgs([...BASE, '--openapi', 'http://127.0.0.1:9100'], {}).scenarios).not.toContain('usage');
    expect(parseSimulateArgs(BASE, { KG_OPENAPI_ENDPOINT: 'http://127.0.0.1:9100', KG_USAGE_INGEST_KEY: 'ik' }).scenarios).not.toContain('usage');
    expect(parseSimulateArgs([...BASE, '--ingest-key', 'ik', '--openapi', 'http://127.0.0.1:9100'], {}).scenarios).toEqual([...BASIC_SCENARIO_NAMES, 'usage']);
    expect(parseSimulateArgs([...BASE, '--scenario', 'all'], { ...FAKE_ENV, KG_USAGE_INGEST_KEY: 'new, old' }).scenarios).toContain('usage');
  });

  it('uses a running fake (--openapi) or starts one on the loopback KG_OPENAPI_ENDPOINT with the AK/SK', () => {
    const running = parseSimulateArgs([...BASE, '--scenario', 'usage', '--ingest-key', 'ik', '--openapi', 'http://127.0.0.1:9100/', '--push-wait', '5000'], {});
    expect(running.scenarios).toEqual(['usage']);
    expect(running.options.usage).toEqual({ ingestKey: 'ik', openapiUrl: 'http://127.0.0.1:9100', pushWaitMs: 5000 });
    const started = parseSimulateArgs([...BASE, '--scenario', 'usage', '--openapi-sk', 'sk2'], { ...FAKE_ENV, KG_USAGE_INGEST_KEY: 'new, old' });
    expect(started.options.usage).toEqual({ ingestKey: 'new', pushWaitMs: DEFAULT_PUSH_WAIT_MS, startOpenApi: { host: '127.0.0.1', port: 9100, ak: 'ak', sk: 'sk2' } });
    const ingestUrl = parseSimulateArgs([...BASE, '--scenario', 'usage', '--ingest-key', 'ik', '--openapi', 'http://x:1', '--ingest-url', 'http://127.0.0.1:9/usage'], {});
    expect(ingestUrl.options.usage?.ingestUrl).toBe('http://127.0.0.1:9/usage');
  });

  it.each([
    ['no ingest key', ['--openapi', 'http://127.0.0.1:9100'], {}, /ingest key/],
    ['no open API', ['--ingest-key', 'ik'], {}, /no open API/],
    ['a non-loopback endpoint to start a fake on', ['--ingest-key', 'ik'], { ...FAKE_ENV, KG_OPENAPI_ENDPOINT: 'https://mkt.myhuaweicloud.com' }, /loopback/],
    ['no AK/SK for the fake', ['--ingest-key', 'ik'], { KG_OPENAPI_ENDPOINT: 'http://127.0.0.1:9100' }, /AK\/SK/],
  ])('refuses --scenario usage with %s', (_name, extra, env, message) => {
    expect(() => parseSimulateArgs([...BASE, '--scenario', 'usage', ...extra], env)).toThrow(message);
  });

  it.each([
    [['--ingest-key', '']],
    [['--openapi', 'not a url']],
    [['--openapi', 'ftp://127.0.0.1/']],
    [['--push-wait', '-1']],
  ])('refuses %j', (extra) => {
    expect(() => parseSimulateArgs([...BASE, ...extra], {})).toThrow();
  });
});
