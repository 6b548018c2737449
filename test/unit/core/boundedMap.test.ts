import { describe, expect, it } from 'vitest';
import { remembering, rememberingPerKey, setBounded } from '../../../shared/core/boundedMap';

describe('setBounded', () => {
  it('keeps at most max entries, dropping the oldest first', () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 5; i++) setBounded(map, `k${i}`, i, 3);
    expect([...map.entries()]).toEqual([['k2', 2], ['k3', 3], ['k4', 4]]);
  });

  it('updates a key it holds without dropping another', () => {
    const map = new Map([['a', 1], ['b', 2]]);
    setBounded(map, 'a', 10, 2);
    expect([...map.entries()]).toEqual([['a', 10], ['b', 2]]);
  });
});

describe('remembering', () => {
  it('computes an argument once while it is remembered, again once it was dropped, and keeps nothing from a throw', () => {
    const calls: string[] = [];
    const twice = remembering((k: string) => {
      calls.push(k);
      if (k === 'bad') throw new Error('no');
      return k + k;
    }, 2);
    expect([twice('a'), twice('a'), twice('b'), twice('c'), twice('a')]).toEqual(['aa', 'aa', 'bb', 'cc', 'aa']);
    expect(() => twice('bad')).toThrow('no');
    expect(() => twice('bad')).toThrow('no');
    expect(calls).toEqual(['a', 'b', 'c', 'a', 'bad', 'bad']);
  });
});

describe('rememberingPerKey', () => {
  /** A memo of 3 messages per key for 2 keys, and the calls its compute got. */
  function tracked(): { memo: (key: string, message: string) => string; calls: string[] } {
    const calls: string[] = [];
    const memo = rememberingPerKey((key, message) => {
      calls.push(`${key}/${message}`);
      return `${key}:${message}`;
    }, 3, 2);
    return { memo, calls };
  }

  it('gives what compute gives, per key, and computes a remembered message once', () => {
    const { memo, calls } = tracked();
    expect([memo('a', 'x'), memo('a', 'x'), memo('b', 'x'), memo('b', 'x')]).toEqual(['a:x', 'a:x', 'b:x', 'b:x']);
    expect(calls).toEqual(['a/x', 'b/x']);
  });

  it('keeps at most its bound of messages and keys, the oldest forgotten first, and stays right past it', () => {
    const { memo, calls } = tracked();
    for (const m of ['1', '2', '3', '4']) memo('a', m);
    expect(memo('a', '1')).toBe('a:1'); // forgotten: computed again
    expect(memo('a', '4')).toBe('a:4'); // remembered
    memo('b', '1');
    memo('c', '1'); // a third key: a's results are forgotten
    expect(memo('a', '4')).toBe('a:4');
    expect(calls).toEqual(['a/1', 'a/2', 'a/3', 'a/4', 'a/1', 'b/1', 'c/1', 'a/4']);
  });
});
