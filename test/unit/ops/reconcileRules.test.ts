/**
 * Reconciliation's pure rules: which records need a query, and what an order says about a live instance.
 */
import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { MarketplaceError, MarketplaceNotFoundError, MarketplaceUnavailableError } from '../../../shared/marketplace/errors';
import type { OrderInfo } from '../../../shared/marketplace/orderQuery';
import {
  FREEZE_RETENTION_MS, isInstanceRecord, judge, orderLineOf, orderNotFoundCode, triage, type OrderAnswer,
} from '../../../shared/ops/reconcileRules';
import { compactUtcMs, utcText } from '../../../shared/ops/reconcileTime';
import { compact } from '../../support/compactTime';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 0, 20, 12, 0, 0);
const settings = { graceMs: 24 * HOUR, stuckMs: 30 * 60_000 };

function rec(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId: 'inst-1', orderId: 'CS1', orderLineId: 'CS1-000001', protocol: 'v2', status: 'ACTIVE',
    createdAt: NOW - 40 * DAY, updatedAt: NOW - 40 * DAY, responses: {}, history: [], ...over,
  };
}

function order(over: Partial<OrderInfo> = {}, line: Record<string, unknown> = {}): OrderAnswer {
  return { found: true, order: { orderId: 'CS1', orderType: 'NEW', orderLine: [{ orderLineId: 'CS1-000001', chargingMode: 'PERIOD', ...line }], ...over } };
}

describe('compactUtcMs', () => {
  it.each([
    ['20240201155959', Date.UTC(2024, 1, 1, 15, 59, 59)],
    ['20221124023618256', Date.UTC(2022, 10, 24, 2, 36, 18, 256)],
    ['20240229000000', Date.UTC(2024, 1, 29)],
  ])('reads %s as UTC', (text, ms) => {
    expect(compactUtcMs(text)).toBe(ms);
  });

  it.each(['', '2024020115595', '20230229000000', '20241301000000', '2024-02-01T00:00:00Z', 20240201155959, undefined])('refuses %j', (value) => {
    expect(compactUtcMs(value)).toBeUndefined();
  });

  it('prints an instant as UTC text', () => {
    expect(utcText(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05 UTC');
  });
});

describe('triage', () => {
  it.each([
    ['t:tenant-1', 'a kit tenant'],
    ['tt:tenant-1', 'the seller\'s test tenant'],
    ['s:abcdef', 'an SSO session'],
  ])('skips %s (%s) without looking at the record', (tag) => {
    expect(triage(tag, rec(), NOW, settings)).toMatchObject({ action: 'skip', why: 'not an instance tag' });
  });

  it.each([
    ['a removed record', null, 'removed'],
    ['a record that is not an instance', { tenantId: 'x' }, 'not an instance record'],
    ['a RELEASED tombstone', rec({ status: 'RELEASED' }), 'released'],
  ])('skips %s', (_what, record, why) => {
    expect(triage('inst-1', record, NOW, settings)).toEqual({ action: 'skip', why });
  });

  it('checks an instance whose id starts with a reserved prefix under its i: tag', () => {
    expect(triage('i:t:odd', rec({ instanceId: 't:odd' }), NOW, settings).action).toBe('query');
  });

  it.each(['ACTIVE', 'FROZEN'] as const)('queries the order line of a %s instance', (status) => {
    expect(triage('inst-1', rec({ status }), NOW, settings)).toMatchObject({ action: 'query', orderId: 'CS1', orderLineId: 'CS1-000001' });
  });

  it('queries a V1 instance by its order alone', () => {
    const step = triage('inst-1', rec({ protocol: 'v1', orderLineId: '' }), NOW, settings);
    expect(step).toMatchObject({ action: 'query', orderId: 'CS1' });
    expect(step).not.toHaveProperty('orderLineId');
  });

  it('counts a FAILED instance without a query or a finding', () => {
    expect(triage('inst-1', rec({ status: 'FAILED' }), NOW, settings)).toEqual({ action: 'done' });
  });

  it.each([
    [29, false],
    [30, false],
    [31, true],
  ])('reports PROVISIONING since %i min (stuck after 30): %s', (minutes, stuck) => {
    const step = triage('inst-1', rec({ status: 'PROVISIONING', createdAt: NOW - minutes * 60_000, provisioning: { attempts: 2, queuedAt: NOW - 60_000, lastError: 'timed out' } }), NOW, settings);
    expect(step.action).toBe('done');
    if (step.action !== 'done') return;
    if (!stuck) {
      expect(step.finding).toBeUndefined();
      return;
    }
    expect(step.finding).toMatchObject({ kind: 'stuck-provisioning', instanceId: 'inst-1', orderId: 'CS1' });
    expect(step.finding?.detail).toContain('31 min');
    expect(step.finding?.detail).toContain('2 attempts');
    expect(step.finding?.detail).toContain('queued for provision-worker');
    expect(step.finding?.detail).toContain('last error: timed out');
  });

  it('measures a stuck provisioning from updatedAt when createdAt is unusable', () => {
    const step = triage('inst-1', rec({ status: 'PROVISIONING', createdAt: Number.NaN, updatedAt: NOW - 2 * HOUR }), NOW, settings);
    expect(step).toMatchObject({ action: 'done', finding: { kind: 'stuck-provisioning' } });
  });
});

describe('isInstanceRecord', () => {
  it.each([
    [rec(), true],
    [{ ...rec(), status: 'DELETED' }, false],
    [{ ...rec(), orderLineId: undefined }, false],
    [{ kgReplay: 1 }, false],
    ['inst-1', false],
  ])('%#: %s', (value, ok) => {
    expect(isInstanceRecord(value)).toBe(ok);
  });
});

describe('orderNotFoundCode', () => {
  it.each([
    [new MarketplaceNotFoundError('MKT.9001', 'MKT.9001: order not found', { httpStatus: 500 }), 'MKT.9001'],
    [new MarketplaceError('CBC.9001', 'CBC.9001: not found', { httpStatus: 500 }), 'CBC.9001'],
    [new MarketplaceUnavailableError('MKT.0999', 'internal error', { httpStatus: 500 }), undefined],
    [new MarketplaceError('MKT.0101', 'invalid parameter', { httpStatus: 400 }), undefined],
    [new RangeError('orderId must be 1 to 64 characters'), undefined],
  ])('%#: reads %s', (err, code) => {
    expect(orderNotFoundCode(err)).toBe(code);
  });
});

describe('orderLineOf', () => {
  const two: OrderInfo = { orderId: 'CS1', orderLine: [{ orderLineId: 'CS1-000001' }, { orderLineId: 'CS1-000002' }] };
  it('finds the named line, the first for a V1 instance, and nothing for an absent line', () => {
    expect(orderLineOf(two, 'CS1-000002')?.orderLineId).toBe('CS1-000002');
    expect(orderLineOf(two, '')?.orderLineId).toBe('CS1-000001');
    expect(orderLineOf(two, 'CS1-000003')).toBeUndefined();
  });
});

describe('judge', () => {
  it('finds nothing wrong with an ACTIVE instance whose order runs for another year', () => {
    expect(judge(rec(), order({}, { expireTime: compact(NOW + 365 * DAY) }), NOW, settings)).toBeUndefined();
  });

  it.each(['ACTIVE', 'FROZEN'] as const)('reports an unknown order for a %s instance', (status) => {
    const f = judge(rec({ status }), { found: false, code: 'MKT.9001' }, NOW, settings);
    expect(f).toMatchObject({ kind: 'order-unknown', instanceId: 'inst-1', orderId: 'CS1' });
    expect(f?.detail).toContain('MKT.9001');
    expect(f?.detail).toContain(status);
  });

  it('reports an answer without the instance\'s line as order-unknown', () => {
    const f = judge(rec(), { found: true, order: { orderId: 'CS1', orderType: 'NEW', orderLine: [{ orderLineId: 'CS1-000009' }] } }, NOW, settings);
    expect(f).toMatchObject({ kind: 'order-unknown' });
    expect(f?.detail).toContain('CS1-000009');
  });

  it.each(['ACTIVE', 'FROZEN'] as const)('reports an UNSUBSCRIBE order whose instance is still %s', (status) => {
    const f = judge(rec({ status }), order({ orderType: 'UNSUBSCRIBE' }, { expireTime: compact(NOW + 30 * DAY) }), NOW, settings);
    expect(f).toMatchObject({ kind: 'order-unsubscribed-instance-live' });
    expect(f?.detail).toContain('UNSUBSCRIBE');
  });

  it.each([
    ['ACTIVE, expired 23 h ago (inside the grace)', 'ACTIVE', -23 * HOUR, undefined],
    ['ACTIVE, expired 25 h ago', 'ACTIVE', -25 * HOUR, 'expired-not-frozen'],
    ['FROZEN, expired 25 h ago', 'FROZEN', -25 * HOUR, undefined],
    ['FROZEN, expired 15 days + 23 h ago (freeze + grace not over)', 'FROZEN', -(FREEZE_RETENTION_MS + 23 * HOUR), undefined],
    ['FROZEN, expired 15 days + 25 h ago (the marketplace released it)', 'FROZEN', -(FREEZE_RETENTION_MS + 25 * HOUR), 'order-unsubscribed-instance-live'],
    ['ACTIVE, expired 20 days ago (released beats not frozen)', 'ACTIVE', -20 * DAY, 'order-unsubscribed-instance-live'],
    ['ACTIVE, expires tomorrow', 'ACTIVE', DAY, undefined],
  ] as const)('%s', (_what, status, offset, kind) => {
    const f = judge(rec({ status }), order({}, { expireTime: compact(NOW + offset) }), NOW, settings);
    expect(f?.kind).toBe(kind);
  });

  it('prefers the record\'s expiry (the latest refreshInstance) to the order line\'s', () => {
    const renewed = rec({ expireTime: compact(NOW + 300 * DAY) });
    expect(judge(renewed, order({}, { expireTime: compact(NOW - 3 * DAY) }), NOW, settings)).toBeUndefined();
    const lapsed = rec({ expireTime: `${compact(NOW - 3 * DAY - 1000)}123` });
    const f = judge(lapsed, order({}, { expireTime: compact(NOW + 300 * DAY) }), NOW, settings);
    expect(f).toMatchObject({ kind: 'expired-not-frozen' });
    expect(f?.detail).toContain('the instance\'s expiry');
    expect(f?.detail).toContain('72 h ago');
  });

  it('falls back to the stored order summary\'s expiry when neither the record nor the line has one', () => {
    const f = judge(rec({ order: { expireTime: compact(NOW - 2 * DAY), queriedAt: NOW - 30 * DAY } }), order(), NOW, settings);
    expect(f).toMatchObject({ kind: 'expired-not-frozen' });
    expect(f?.detail).toContain('the stored order\'s expiry');
  });

  it('never reports an expiry for an on-demand line, nor for a line without one', () => {
    expect(judge(rec({ expireTime: compact(NOW - 30 * DAY) }), order({}, { chargingMode: 'ON_DEMAND' }), NOW, settings)).toBeUndefined();
    expect(judge(rec(), order({}, { chargingMode: 'ONE_TIME' }), NOW, settings)).toBeUndefined();
  });

  it('takes the charging mode from the stored order summary when the line has none', () => {
    const onDemand = rec({ expireTime: compact(NOW - 30 * DAY), order: { chargingMode: 'ON_DEMAND', queriedAt: NOW } });
    expect(judge(onDemand, order({}, { chargingMode: undefined }), NOW, settings)).toBeUndefined();
  });

  it('does not replace an unreadable record expiry with the older line expiry', () => {
    expect(judge(rec({ expireTime: 'soon' }), order({}, { expireTime: compact(NOW - 3 * DAY) }), NOW, settings)).toBeUndefined();
  });

  it('reads a V1 instance against the first line of its order', () => {
    const v1 = rec({ protocol: 'v1', orderLineId: '' });
    const f = judge(v1, { found: true, order: { orderId: 'CS1', orderType: 'NEW', orderLine: [{ orderLineId: 'X', chargingMode: 'PERIOD', expireTime: compact(NOW - 2 * DAY) }] } }, NOW, settings);
    expect(f).toMatchObject({ kind: 'expired-not-frozen' });
  });
});
