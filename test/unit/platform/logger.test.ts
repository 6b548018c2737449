import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../../shared/platform/logger';

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
