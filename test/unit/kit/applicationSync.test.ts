import { describe, expect, it } from 'vitest';
import { applyApplicationSync, type ApplicationSyncInput } from '../../../shared/kit/rules/applicationSync';
import { applicationKey } from '../../../shared/kit/model';
import { parseKit } from '../../../shared/protocol/parseKit';
import { populated } from './fixtures';
import { APP_ID, I1, I2, T0, appReq, envAt, run, written } from './support';

const A1 = applicationKey(I1, APP_ID);

describe('applyApplicationSync', () => {
  it('stores the binding with the sealed secret, never the ciphertext the marketplace sent', () => {
    const doc = written(run(applyApplicationSync, null, appReq(1, {}, 'gcm1.sealed-X'), envAt(T0)));
    expect(doc.applications).toStrictEqual({ [A1]: { instanceId: I1, appId: APP_ID, clientId: 'client-1', clientSecretSealed: 'gcm1.sealed-X', updatedAt: T0 } });
    expect(JSON.stringify(doc)).not.toContain('BASE64CIPHERTEXT');
  });

  it.each<[string, Partial<ApplicationSyncInput>, 'none' | 'updated']>([
    ['same client and sealed secret', {}, 'none'],
    ['another clientId', { clientId: 'client-9' }, 'updated'],
    ['another sealed secret, no digest', { clientSecretSealed: 'gcm1.sealed-B' }, 'updated'],
  ])('a repeated add with %s -> %s', (_what, change, expected) => {
    for (const flag of [1, 2] as const) {
      const result = run(applyApplicationSync, populated(), { ...appReq(flag), ...change }, envAt(T0 + 9));
      if (expected === 'none') expect(result).toEqual({ next: undefined, changes: [] });
      else {
        expect(result.changes).toEqual([{ entity: 'application', op: 'updated', key: A1 }]);
        expect(written(result).applications[A1]).toMatchObject({ ...change, updatedAt: T0 + 9 });
      }
    }
  });

  it('with a digest, re-sealing the same secret is no change, and a different secret is', () => {
    const doc = written(run(applyApplicationSync, null, { ...appReq(1, {}, 'gcm1.iv-1'), clientSecretDigest: 'd-1' }, envAt(T0)));
    expect(run(applyApplicationSync, doc, { ...appReq(1, {}, 'gcm1.iv-2'), clientSecretDigest: 'd-1' }, envAt(T0 + 1)).next).toBeUndefined();
    const changed = run(applyApplicationSync, doc, { ...appReq(2, {}, 'gcm1.iv-3'), clientSecretDigest: 'd-2' }, envAt(T0 + 1));
    expect(changed.changes).toEqual([{ entity: 'application', op: 'updated', key: A1 }]);
    expect(written(changed).applications[A1]).toMatchObject({ clientSecretSealed: 'gcm1.iv-3', clientSecretDigest: 'd-2' });
  });

  it('keeps one binding per (instance, app): another instance or app is another binding', () => {
    let doc = written(run(applyApplicationSync, populated(), appReq(1, { instanceId: I2 }), envAt(T0 + 1)));
    doc = written(run(applyApplicationSync, doc, appReq(1, { appId: 'app-2' }), envAt(T0 + 2)));
    expect(Object.keys(doc.applications).sort()).toEqual([A1, applicationKey(I1, 'app-2'), applicationKey(I2, APP_ID)].sort());
  });

  it('delete removes only that binding; deleting it again, or on no document, has nothing to do', () => {
    const doc = written(run(applyApplicationSync, populated(), appReq(1, { instanceId: I2 }), envAt(T0 + 1)));
    const removed = written(run(applyApplicationSync, doc, appReq(0), envAt(T0 + 2)));
    expect(Object.keys(removed.applications)).toEqual([applicationKey(I2, APP_ID)]);
    expect(run(applyApplicationSync, removed, appReq(0), envAt(T0 + 3)).next).toBeUndefined();
    expect(run(applyApplicationSync, null, appReq(0), envAt(T0 + 3)).next).toBeUndefined();
  });

  it('keys cannot collide whatever the ids contain', () => {
    let doc = written(run(applyApplicationSync, null, appReq(1, { instanceId: 'a:b', appId: 'c' }), envAt(T0)));
    doc = written(run(applyApplicationSync, doc, appReq(1, { instanceId: 'a', appId: 'b:c' }), envAt(T0 + 1)));
    expect(Object.keys(doc.applications)).toHaveLength(2);
  });

  it('does not accept a request that still carries the clear secret (type level)', () => {
    const full = parseKit('applicationSync', { instanceId: I1, tenantId: 't', appId: 'a', clientId: 'c', clientSecret: 's', flag: 1, testFlag: 0, timeStamp: '1' });
    // @ts-expect-error clientSecret must be replaced by clientSecretSealed before the rule sees the request
    const bad: ApplicationSyncInput = { ...full, clientSecretSealed: 'sealed' };
    expect(bad.clientSecret).toBe('s');
  });
});
