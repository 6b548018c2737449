/**
 * A V2 request verifies while its timestamp lies within KG_CLOCK_SKEW_MS of the clock, in both
 * directions, so its nonce must stay reserved for twice that window whatever the window is set to.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nonceMemorySeconds } from '../../../shared/callback/nonce';
import { createProduceHandler } from '../../support/handlers';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { countingProvisioner } from '../../support/countingProvisioner';
import { invoke, orderIds, v2Event } from '../../support/produceClient';

const KEY = 'test-access-key-0001';

describe('nonce memory of the produce pipeline', () => {
  it.each([
    [60_000, 300],
    [150_000, 360],
    [600_000, 1_260],
  ])('keeps nonces of a %i ms window for %i s', (windowMs, seconds) => {
    expect(nonceMemorySeconds(windowMs)).toBe(seconds);
  });

  it('rejects a replay 400 s after the first use when KG_CLOCK_SKEW_MS is 10 minutes', async () => {
    const start = Date.now();
    let now = start;
    const clock = () => now;
    const store = new MemoryStore({ now: clock });
    const settings = { KG_ACCESS_KEY: KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_CLOCK_SKEW_MS: '600000' };
    const handler = createProduceHandler({ settings, store, provisioner: countingProvisioner(), clock });
    const event = v2Event(KEY, { activity: 'newInstance', businessId: 'b', ...orderIds() }, { timestamp: String(start) });

    expect((await invoke(handler, event)).json.resultCode).toBe('000000');
    now = start + 400_000;
    const replay = await invoke(handler, event);
    expect(replay.json).toMatchObject({ resultCode: '000002', resultMsg: 'nonce has already been used' });
  });
});
