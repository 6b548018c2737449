import { describe, expect, it } from 'vitest';
import { remembering, setBounded } from '../../../shared/core/boundedMap';

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
