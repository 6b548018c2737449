import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withLazyDeadline } from '../../../shared/core/deadline';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('withLazyDeadline', () => {
  it('never makes an AbortController for work that does not read the signal', async () => {
    const made = vi.spyOn(globalThis, 'AbortController');
    await expect(withLazyDeadline(async () => 'done', 1000, () => new Error('late'))).resolves.toBe('done');
    expect(made).not.toHaveBeenCalled();
  });

  it('rejects with onTimeout and aborts a signal read before the deadline', async () => {
    let seen: AbortSignal | undefined;
    const pending = withLazyDeadline((scope) => {
      seen = scope.signal;
      return new Promise<never>(() => undefined);
    }, 500, () => new Error('late')).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(await pending).toEqual(new Error('late'));
    expect(seen?.aborted).toBe(true);
  });

  it('hands work that first reads the signal after the deadline an aborted one', async () => {
    let scopeSeen: { readonly signal: AbortSignal } | undefined;
    const pending = withLazyDeadline((scope) => {
      scopeSeen = scope;
      return new Promise<never>(() => undefined);
    }, 500, () => new Error('late')).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(500);
    await pending;
    expect(scopeSeen?.signal.aborted).toBe(true);
  });

  it('settles like the work when it settles in time, and turns a synchronous throw into a rejection', async () => {
    const boom = new Error('boom');
    await expect(withLazyDeadline(async () => Promise.reject(boom), 500, () => new Error('late'))).rejects.toBe(boom);
    await expect(withLazyDeadline(() => { throw boom; }, 500, () => new Error('late'))).rejects.toBe(boom);
    let seen: AbortSignal | undefined;
    await withLazyDeadline(async (scope) => { seen = scope.signal; return 1; }, 500, () => new Error('late'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen?.aborted).toBe(false);
  });
});
