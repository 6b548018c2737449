import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, LineShape, redact } from '../../../shared/platform/logger';

describe('redact', () => {
  it('replaces values of secret-looking keys at any depth and keeps the rest', () => {
    const out = redact({ password: 'p', nested: { accessKey: 'k', list: [{ clientSecret: 's', name: 'n' }] }, Authorization: 'a', activity: 'newInstance', emptyToken: '' });
    expect(out).toEqual({ password: '[redacted]', nested: { accessKey: '[redacted]', list: [{ clientSecret: '[redacted]', name: 'n' }] }, Authorization: '[redacted]', activity: 'newInstance', emptyToken: '' });
  });
});

describe('createLogger', () => {
  it('writes one JSON line per event above the level, with the bound fields', () => {
    const lines: string[] = [];
    const log = createLogger({ info: (l: unknown) => lines.push(String(l)) }, 'info', { fn: 'produce' }).with({ requestId: 'r1' });
    log.debug('hidden');
    log.info('produce.done', { resultCode: '000000', latencyMs: 3, signature: 'abc' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ level: 'info', event: 'produce.done', fn: 'produce', requestId: 'r1', resultCode: '000000', latencyMs: 3, signature: '[redacted]' });
  });

  it('uses the sink error and warn methods when the runtime offers them', () => {
    const seen: string[] = [];
    const log = createLogger({ info: () => seen.push('info'), warn: () => seen.push('warn'), error: () => seen.push('error') });
    log.warn('w');
    log.error('e');
    expect(seen).toEqual(['warn', 'error']);
  });
});

describe('redact at the edges', () => {
  it('redacts plural secret names, cuts values nested deeper than it inspects, and writes bigints as text', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { password: 'p' } } } } } } } };
    expect(redact({ keys: ['k1'], clientSecrets: 's', count: 10n })).toEqual({ keys: '[redacted]', clientSecrets: '[redacted]', count: '10' });
    expect(JSON.stringify(redact(deep))).not.toContain('"p"');
  });

  it('never throws from a log call, even with a circular value', () => {
    const lines: string[] = [];
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    createLogger({ info: (l: unknown) => lines.push(String(l)) }).info('x', { circular });
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'x' });
  });
});

describe('infoShaped', () => {
  const KEYS = ['requestId', 'resultCode', 'latencyMs', 'signature', 'detail', 'flag', 'nested'] as const;
  const SHAPE = new LineShape(KEYS);
  const value = fc.oneof(
    fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(''), fc.constant(null), fc.constant(undefined), fc.boolean(),
    fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -0), fc.bigInt().map((b) => b as unknown),
    fc.object({ maxDepth: 3, key: fc.constantFrom('a', 'password', 'token', 'list', 'x_sk') }),
    fc.constant(() => 1),
  );
  const lineOf = (write: (log: ReturnType<typeof createLogger>) => void, base: Record<string, unknown>): string[] => {
    const lines: string[] = [];
    write(createLogger({ info: (l: unknown) => lines.push(String(l)) }, 'info', base));
    return lines;
  };

  it('writes the very text info() writes, secrets redacted, for any values', () => {
    fc.assert(
      fc.property(fc.tuple(...KEYS.map(() => value)), fc.constantFrom<Record<string, unknown>>({}, { fn: 'produce' }, { fn: 'x', apiKey: 'k' }), (values, base) => {
        const fields = Object.fromEntries(KEYS.map((k, i) => [k, values[i]])) as Record<(typeof KEYS)[number], unknown>;
        const shaped = lineOf((log) => log.infoShaped('e.done', SHAPE, fields), base);
        expect(shaped).toEqual(lineOf((log) => log.info('e.done', fields), base));
      }),
      { numRuns: 500 },
    );
  });

  it('redacts a secret key of the shape and of the bound fields, and writes nothing below its level', () => {
    const lines: string[] = [];
    const log = createLogger({ info: (l: unknown) => lines.push(String(l)) }, 'info', { fn: 'produce', accessKey: 'ak' });
    log.infoShaped('produce.done', SHAPE, { requestId: 'r', resultCode: '000000', latencyMs: 2, signature: 'abc', detail: null, flag: true, nested: { password: 'p' } });
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'info', event: 'produce.done', fn: 'produce', accessKey: '[redacted]', requestId: 'r', resultCode: '000000', latencyMs: 2,
      signature: '[redacted]', detail: null, flag: true, nested: { password: '[redacted]' },
    });
    createLogger({ info: (l: unknown) => lines.push(String(l)) }, 'warn').infoShaped('produce.done', SHAPE, { requestId: 'r', resultCode: '', latencyMs: 0, signature: '', detail: '', flag: false, nested: null });
    expect(lines).toHaveLength(1);
  });

  it('lets a bound field keep its place when the shape names it too, as info() does', () => {
    const lines: string[] = [];
    createLogger({ info: (l: unknown) => lines.push(String(l)) }, 'info', { requestId: 'bound' })
      .infoShaped('e', SHAPE, { requestId: 'mine', resultCode: 'c', latencyMs: 1, signature: undefined, detail: undefined, flag: undefined, nested: undefined });
    expect(lines).toEqual(['{"level":"info","event":"e","requestId":"mine","resultCode":"c","latencyMs":1}']);
  });
});
