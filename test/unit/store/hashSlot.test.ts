import { describe, expect, it } from 'vitest';
import { crc16, hashSlot, hashedPart } from '../../../shared/store/hashSlot';

describe('crc16', () => {
  it('matches the XMODEM check value of "123456789" (0x31C3, the Redis Cluster spec example)', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });
});

describe('hashedPart', () => {
  it.each([
    ['{user1000}.following', 'user1000'],
    ['foo{}{bar}', 'foo{}{bar}'],
    ['foo{{bar}}zap', '{bar'],
    ['foo{bar}{zap}', 'bar'],
    ['no-tag', 'no-tag'],
    ['open{only', 'open{only'],
  ])('hashes %j by %j (Redis Cluster spec examples)', (key, part) => {
    expect(hashedPart(key)).toBe(part);
  });
});

describe('hashSlot', () => {
  it.each([
    ['foo', 12182],
    ['bar', 5061],
    ['hello', 866],
  ])('puts %j in slot %i, as CLUSTER KEYSLOT does', (key, slot) => {
    expect(hashSlot(key)).toBe(slot);
  });

  it('gives keys sharing a tag the same slot', () => {
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('{user1000}.followers'));
  });
});
