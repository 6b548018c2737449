import { describe, expect, it } from 'vitest';
import { parseBackendAnswer, REFUSAL_CODES } from '../../../shared/provisioning/backendAnswer';
import type { ProvisionerStep } from '../../../shared/provisioning/provisionerSignature';

describe('parseBackendAnswer', () => {
  it('returns the app of a provision success, dropping unknown fields', () => {
    const answer = parseBackendAnswer('provision', {
      ok: true,
      extra: 1,
      app: { frontEndUrl: 'https://a.example/x', adminUrl: 'https://b.example', userName: 'u', password: 'p', memo: 'm', other: 'dropped' },
    });
    expect(answer).toEqual({
      kind: 'provisioned',
      app: { frontEndUrl: 'https://a.example/x', adminUrl: 'https://b.example', userName: 'u', password: 'p', memo: 'm' },
    });
  });

  it.each(REFUSAL_CODES)('maps a refusal with code %s to a ProvisionRefusal', (resultCode) => {
    expect(parseBackendAnswer('provision', { ok: false, resultCode, resultMsg: 'why' })).toEqual({
      kind: 'refused',
      refusal: { refused: true, resultCode, resultMsg: 'why' },
    });
  });

  it('fills in the documented message when a refusal has none, and cuts long messages to 255 characters', () => {
    expect(parseBackendAnswer('renew', { ok: false, resultCode: '000100' })).toMatchObject({ refusal: { resultMsg: 'no instance resource available' } });
    expect(parseBackendAnswer('renew', { ok: false, resultCode: '000100', resultMsg: 'x'.repeat(300) })).toMatchObject({ refusal: { resultMsg: 'x'.repeat(255) } });
  });

  it.each<[ProvisionerStep, unknown, unknown]>([
    ['checkChange', { ok: true, allowed: false, message: 'too many users' }, { kind: 'checked', allowed: false, message: 'too many users' }],
    ['checkChange', { ok: true, allowed: true }, { kind: 'checked', allowed: true }],
    ['freeze', { ok: true }, { kind: 'done' }],
    ['release', { ok: true, app: { frontEndUrl: 'ignored' } }, { kind: 'done' }],
  ])('reads a %s success %j', (step, value, expected) => {
    expect(parseBackendAnswer(step, value)).toEqual(expected);
  });

  it.each<[string, ProvisionerStep, unknown, string]>([
    ['null', 'freeze', null, '(root)'],
    ['an array', 'freeze', [], '(root)'],
    ['ok as a string', 'freeze', { ok: 'true' }, 'ok'],
    ['a provision success without app', 'provision', { ok: true }, 'app'],
    ['an app without frontEndUrl', 'provision', { ok: true, app: { userName: 'u' } }, 'app.frontEndUrl'],
    ['a relative frontEndUrl', 'provision', { ok: true, app: { frontEndUrl: '/login' } }, 'app.frontEndUrl'],
    ['a javascript: adminUrl', 'provision', { ok: true, app: { frontEndUrl: 'https://a.example', adminUrl: 'javascript:alert(1)' } }, 'app.adminUrl'],
    ['a password over 128 characters', 'provision', { ok: true, app: { frontEndUrl: 'https://a.example', password: 'p'.repeat(129) } }, 'app.password'],
    ['a checkChange success without allowed', 'checkChange', { ok: true }, 'allowed'],
    ['a refusal with an undocumented code', 'provision', { ok: false, resultCode: '000003', resultMsg: 'x' }, 'resultCode'],
    ['a refusal claiming success', 'provision', { ok: false, resultCode: '000000' }, 'resultCode'],
  ])('calls %s invalid and names the field', (_what, step, value, field) => {
    const answer = parseBackendAnswer(step, value);
    expect(answer.kind).toBe('invalid');
    expect(answer.kind === 'invalid' && answer.detail).toContain(field);
  });

  it('never repeats the values it refuses in the detail', () => {
    const answer = parseBackendAnswer('provision', { ok: true, app: { frontEndUrl: 'javascript:leak-me', password: 7 } });
    expect(answer.kind === 'invalid' && answer.detail).not.toContain('leak-me');
  });
});
