/**
 * applicationSync (§6) through the real function on MemoryStore, a standalone Redis and a 3-master Redis
 * Cluster: add / modify / delete of the (instance, tenant, app) binding, the secret decrypted and sealed at
 * rest, and the idempotency rules, checked through the read API, the stored document and the audit log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { applicationBody, newBinding, tenantBody, type KitBinding } from '../../../infra/emulator/kitBodies';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import { findApplication } from '../../../shared/kit/view';
import type { Store } from '../../../shared/store/Store';
import { auditOf, changing, encryptSecret, kitSuite, kitTargets, rsaPair, versionOf, type KitHarness } from './harness';

const OK = { resultCode: '000000', resultMsg: expect.any(String) };

describe.each(kitTargets())('kit applicationSync on $name', (target) => {
  const suite = kitSuite(target);
  let store: Store;
  let kit: KitHarness;
  let publicKeyPem: string;
  beforeAll(() => ({ store, kit, publicKeyPem } = suite));

  const app = (b: KitBinding, flag: number, clientId: string, secret: string) => applicationBody(b, flag, clientId, encryptSecret(publicKeyPem, secret));
  const secretOf = async (tenantId: string, instanceId: string, appId: string): Promise<string | undefined> => {
    const doc = await readTenantDoc(store, tenantId);
    const binding = doc && Object.values(doc.applications).find((a) => a.instanceId === instanceId && a.appId === appId);
    return binding ? kit.open(binding.clientSecretSealed) : undefined;
  };

  it('add stores the client, the secret decrypted and sealed; repeated adds (even re-encrypted) create nothing new', async () => {
    const b = newBinding('inst-app-1', 'CS-app-1', 0);
    expect((await kit.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
    expect((await kit.call('applicationSync', app(b, 1, 'client-1', 's3cr3t-1'))).json).toEqual(OK);

    const view = await readTenant(store, b.tenantId);
    expect(view?.applications).toEqual([{ instanceId: 'inst-app-1', appId: b.appId, clientId: 'client-1', clientSecretSet: true, updatedAt: expect.any(Number) }]);
    expect(JSON.stringify(view)).not.toContain('s3cr3t-1');
    expect(await secretOf(b.tenantId, 'inst-app-1', b.appId)).toBe('s3cr3t-1');
    const doc = await readTenantDoc(store, b.tenantId);
    expect(JSON.stringify(doc)).not.toContain('s3cr3t-1');
    expect(findApplication(doc!, b.appId)?.clientId).toBe('client-1');

    // OAEP is randomised: each repeat is a different ciphertext of the same secret.
    const version = await versionOf(store, b.tenantId);
    for (let i = 0; i < 3; i++) expect((await kit.call('applicationSync', app(b, 1, 'client-1', 's3cr3t-1'))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
    expect(await readTenant(store, b.tenantId)).toEqual(view);

    const audit = (await auditOf(store, b.tenantId)).filter((e) => e.activity === 'applicationSync');
    expect(audit).toHaveLength(4);
    expect(changing(audit)).toHaveLength(1);
    expect(audit[3]!.detail).toMatch(/^1 application created; application:/);
  });

  it('modify (and an add with other values) replaces the client and the secret in place', async () => {
    const b = newBinding('inst-app-2', 'CS-app-2', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    await kit.call('applicationSync', app(b, 1, 'client-old', 'secret-old'));
    expect((await kit.call('applicationSync', app(b, 2, 'client-new', 'secret-new'))).json).toEqual(OK);
    let view = await readTenant(store, b.tenantId);
    expect(view?.applications.map((a) => a.clientId)).toEqual(['client-new']);
    expect(await secretOf(b.tenantId, 'inst-app-2', b.appId)).toBe('secret-new');
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^1 application updated;/);

    // Same client id, new secret: still an update.
    expect((await kit.call('applicationSync', app(b, 1, 'client-new', 'secret-newer'))).json).toEqual(OK);
    expect(await secretOf(b.tenantId, 'inst-app-2', b.appId)).toBe('secret-newer');
    view = await readTenant(store, b.tenantId);
    expect(view?.applications).toHaveLength(1);

    // Modify repeated: nothing.
    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('applicationSync', app(b, 2, 'client-new', 'secret-newer'))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);
  });

  it('keys bindings by instance + tenant + app: another instance or another app is another binding', async () => {
    const b = newBinding('inst-app-3a', 'CS-app-3a', 0);
    const b2 = { ...b, instanceId: 'inst-app-3b', orderId: 'CS-app-3b' };
    const other = { ...b, appId: `${b.appId}-other` };
    await kit.call('tenantSync', tenantBody(b, 1));
    await kit.call('tenantSync', tenantBody(b2, 1));
    for (const [binding, clientId] of [[b, 'c-a'], [b2, 'c-b'], [other, 'c-c']] as const) {
      expect((await kit.call('applicationSync', app(binding, 1, clientId, `secret-${clientId}`))).json).toEqual(OK);
    }
    const view = await readTenant(store, b.tenantId);
    expect(view?.applications.map((a) => [a.instanceId, a.appId, a.clientId])).toEqual([
      ['inst-app-3a', b.appId, 'c-a'],
      ['inst-app-3a', other.appId, 'c-c'],
      ['inst-app-3b', b.appId, 'c-b'],
    ]);
    expect(await secretOf(b.tenantId, 'inst-app-3b', b.appId)).toBe('secret-c-b');
  });

  it('delete removes the binding; a repeated delete, or one for a tenant never seen, answers 000000 and changes nothing', async () => {
    const b = newBinding('inst-app-4', 'CS-app-4', 0);
    await kit.call('tenantSync', tenantBody(b, 1));
    await kit.call('applicationSync', app(b, 1, 'client-4', 'secret-4'));
    // A delete needs no secret: an undecryptable one does not fail it.
    expect((await kit.call('applicationSync', applicationBody(b, 0, 'client-4', 'not-a-ciphertext'))).json).toEqual(OK);
    const view = await readTenant(store, b.tenantId);
    expect(view?.applications).toEqual([]);
    expect(view?.instances).toEqual(['inst-app-4']);
    expect((await auditOf(store, b.tenantId))[0]!.detail).toMatch(/^1 application removed;/);

    const version = await versionOf(store, b.tenantId);
    expect((await kit.call('applicationSync', app(b, 0, 'client-4', 'secret-4'))).json).toEqual(OK);
    expect(await versionOf(store, b.tenantId)).toBe(version);

    const stranger = newBinding('inst-never', 'CS-never', 0);
    expect((await kit.call('applicationSync', app(stranger, 0, 'client-x', 'secret-x'))).json).toEqual(OK);
    expect(await readTenantDoc(store, stranger.tenantId)).toBeNull();
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(stranger.tenantId);
  });

  it('a delete never checks the instance: a binding whose instance is no longer bound to the tenant is still removed', async () => {
    const b = newBinding('inst-app-5', 'CS-app-5', 0);
    // applicationSync before tenantSync (no ordering guarantee): the binding is kept on an empty tenant.
    expect((await kit.call('applicationSync', app(b, 1, 'client-5', 'secret-5'))).json).toEqual(OK);
    const early = await readTenant(store, b.tenantId);
    expect(early?.instances).toEqual([]);
    expect(early?.applications.map((a) => a.instanceId)).toEqual(['inst-app-5']);
    expect((await kit.call('applicationSync', app(b, 0, 'client-5', 'secret-5'))).json).toEqual(OK);
    expect((await readTenant(store, b.tenantId))?.applications).toEqual([]);
  });

  it('refuses an undecryptable secret on add with 000002 naming clientSecret, and stores nothing', async () => {
    const b = newBinding('inst-app-6', 'CS-app-6', 0);
    const foreign = rsaPair();
    for (const clientSecret of [encryptSecret(foreign.publicKeyPem, 'other-key'), 'bm90IGEgY2lwaGVydGV4dA==', 'not base64 !']) {
      const r = await kit.call('applicationSync', applicationBody(b, 1, 'client-6', clientSecret));
      expect(r.json.resultCode).toBe('000002');
      expect(r.json.resultMsg).toMatch(/clientSecret/);
    }
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    expect(await auditOf(store, b.tenantId)).toEqual([]);
    expect((await listTenants(store)).map((t) => t.tenantId)).not.toContain(b.tenantId);
  });
});
