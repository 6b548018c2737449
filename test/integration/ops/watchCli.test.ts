/**
 * `kg watch --once` (infra/cli/commands/watch.ts), run in-process on a real Redis with the environment's
 * settings: it prints what it raised, sends it to both sinks, is quiet on the next run (the alert state is the
 * deployed function's), prints JSON with --json, and refuses to run without --once.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../infra/cli/command';
import { command } from '../../../infra/cli/commands/watch';
import { recordUsage } from '../../../shared/usage/recordUsage';
import { createProduceHandler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { captureIo } from '../../support/simulateCli';
import { delivered, KEY, opsHarness, SMN_SK, useOwnTmpdir, WEBHOOK_SECRET } from './harness';

const H = 3600_000;

describe('kg watch --once', () => {
  const h = opsHarness();
  useOwnTmpdir('kg-watch-cli-');

  async function kg(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const { KG_REDIS_URL: _redis, ...env } = h.settings;
    const io = captureIo(env);
    const code = await command.run([...args, '--redis', h.redis.url], io);
    return { code, out: io.stdout, err: io.stderr };
  }

  /** Buys an instance through produce and records one usage hour for it, 3 h old and never pushed. */
  async function stuckUsage(businessId: string): Promise<void> {
    const produce = createProduceHandler({ settings: h.settings, store: h.store });
    const created = await invoke(produce, v2Event(KEY, { activity: 'newInstance', businessId, ...orderIds('CLI') }));
    const at = Date.now() - 3 * H;
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}/, '');
    await recordUsage(h.store, { instanceId: created.json.instanceId as string, usageValue: 1, beginTime: iso(at - H), endTime: iso(at) }, { now: at });
  }

  it('raises what it finds once, prints it, and has nothing new on the next run', async () => {
    await stuckUsage('c1');

    const first = await kg(['--once']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^store ok; 1 condition\(s\) hold: usage-push-stuck$/m);
    expect(first.out).toMatch(/^raised  usage-push-stuck: 1 usage record\(s\) have waited more than 2 h/m);
    expect(first.out).toMatch(/^sent    raised usage-push-stuck -> webhook$/m);
    expect(first.out).toMatch(/^sent    raised usage-push-stuck -> smn$/m);
    const again = await kg(['--once', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ store: 'ok', conditions: ['usage-push-stuck'], raised: [], sent: [], sinkErrors: [] });
    expect(delivered(h)).toEqual(['raised usage-push-stuck']);
    for (const text of [first.out, again.out]) for (const secret of [WEBHOOK_SECRET, SMN_SK]) expect(text).not.toContain(secret);
  });

  it('exits 1 when an alert stays undelivered', async () => {
    await stuckUsage('c2');
    h.smn.mode = 'fail';
    const r = await kg(['--once']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAILED  raised usage-push-stuck -> smn: smn answered HTTP 500 \(kept; the next run sends it again\)$/m);
  }, 30_000);

  it('refuses to run without --once', async () => {
    await expect(kg([])).rejects.toThrow(UsageError);
  });
});
