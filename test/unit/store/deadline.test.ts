import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../shared/core/errors';
import { withDeadline } from '../../../shared/store/deadline';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('withDeadline', () => {
  it('rejects with StoreUnavailableError and aborts the signal when work never settles', async () => {
    let seen: AbortSignal | undefined;
    const pending = withDeadline((signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    }, 2500, 'begin');
    const outcome = pending.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(2500);
    expect(await outcome).toBeInstanceOf(StoreUnavailableError);
    expect(seen?.aborted).toBe(true);
  });

  it('passes through a result that arrives in time and leaves the signal alone', async () => {
    let seen: AbortSignal | undefined;
    const value = await withDeadline(async (signal) => {
      seen = signal;
      return 42;
    }, 2500, 'read');
    expect(value).toBe(42);
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen?.aborted).toBe(false);
  });

  it('passes through a rejection that arrives in time', async () => {
    const boom = new Error('boom');
    await expect(withDeadline(async () => Promise.reject(boom), 2500, 'commit')).rejects.toBe(boom);
  });
});
