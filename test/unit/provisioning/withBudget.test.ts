import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { runWithBudget } from '../../../shared/provisioning/withBudget';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets timers and the unhandled-rejection check run. */
const settle = () => sleep(20);

describe('runWithBudget', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('returns done with the value when the work finishes within the budget', async () => {
    await expect(runWithBudget(async () => 'app', 60_000)).resolves.toEqual({ done: true, value: 'app' });
  });

  it('rejects with the work error when the work fails within the budget', async () => {
    await expect(runWithBudget(async () => Promise.reject(new Error('boom')), 60_000)).rejects.toThrow('boom');
  });

  it('turns a synchronous throw inside the work into a rejection', async () => {
    const work = (): Promise<string> => {
      throw new Error('sync boom');
    };
    await expect(runWithBudget(work, 60_000)).rejects.toThrow('sync boom');
  });

  it('returns the still-running work when the budget passes, and delivers its late value', async () => {
    const gate = deferred<string>();
    const result = await runWithBudget(() => gate.promise, 5);
    expect(result.done).toBe(false);
    gate.resolve('late app');
    expect(result.done === false && (await result.late)).toBe('late app');
  });

  it('does not abort the work when the budget passes', async () => {
    const gate = deferred<string>();
    let seen: AbortSignal | undefined;
    const result = await runWithBudget((signal) => {
      seen = signal;
      return gate.promise;
    }, 5);
    expect(result.done).toBe(false);
    await settle();
    expect(seen?.aborted).toBe(false);
    gate.resolve('x');
  });

  it('keeps a late rejection that nobody awaits from becoming an unhandled rejection', async () => {
    const gate = deferred<string>();
    const result = await runWithBudget(() => gate.promise, 5);
    expect(result.done).toBe(false);
    gate.reject(new Error('late failure'));
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('still shows a late rejection to a caller that awaits it', async () => {
    const gate = deferred<string>();
    const result = await runWithBudget(() => gate.promise, 5);
    gate.reject(new Error('late failure'));
    await expect(result.done === false ? result.late : Promise.resolve('done')).rejects.toThrow('late failure');
  });

  it('aborts the work signal at the hard limit', async () => {
    const result = await runWithBudget(
      (signal) => new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      5,
      { hardLimitMs: 30 },
    );
    expect(result.done).toBe(false);
    await expect(result.done === false ? result.late : Promise.resolve()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it("aborts the work signal when the caller's signal aborts", async () => {
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    const gate = deferred<string>();
    const result = await runWithBudget((signal) => {
      seen = signal;
      return gate.promise;
    }, 5, { signal: caller.signal });
    expect(seen?.aborted).toBe(false);
    caller.abort(new Error('function ending'));
    expect(seen?.aborted).toBe(true);
    expect(result.done).toBe(false);
    gate.resolve('x');
  });
});
