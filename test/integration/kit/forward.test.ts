/**
 * Forwarding of applied kit changes to the merchant's back end (`KG_KIT_FORWARD_URL`, shared/kit/forward.ts)
 * through the real functions on MemoryStore, a standalone Redis and a 3-master Redis Cluster, with a real
 * local HTTP server as the back end: each applied change arrives once, signed (checked here from the
 * documented formula) and with a change id; only stored states are forwarded; a failing back end makes
 * the call answer 000005; the marketplace's retry (new nonce) sends the stored state again under the same
 * change id; repeats that change nothing do the same.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allOrgBody, applicationBody, authBody, newBinding, singleOrgBody, tenantBody, type KitBinding } from '../../../infra/emulator/kitBodies';
import type { KitForward } from '../../../shared/kit/forward';
import { listTenants, readTenant, readTenantDoc } from '../../../shared/kit/read';
import type { KitName } from '../../../shared/protocol/schemas/kit';
import type { Store } from '../../../shared/store/Store';
import { auditOf, changing, encryptSecret, kitHarness, kitTargets, rsaPair, versionOf, type KitHarness } from './harness';

const OK = { resultCode: '000000', resultMsg: expect.any(String) };
const SECRET = `fwd-secret-${randomBytes(8).toString('hex')}`;

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: KitForward;
}

/** The merchant's back end: records every POST; answers 204, 500, resets the connection or never answers. */
async function startBackend() {
  const received: Received[] = [];
  const state = { mode: 'ok' as 'ok' | 'fail' | 'reset' | 'hang' };
  const hanging: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as KitForward });
      if (state.mode === 'fail') res.writeHead(500).end('{"error":"down"}');
      else if (state.mode === 'reset') req.socket.destroy();
      else if (state.mode === 'hang') hanging.push(() => res.writeHead(204).end());
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/kg/kit-changes`,
    received,
    state,
    close: async () => {
      for (const h of hanging) h();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Checks a forward's signature from the documented formula: hex(HMAC-SHA256(secret, "<ts>.kit.<body>")). */
function expectSignedForward(f: Received): void {
  const ts = String(f.headers['x-kg-timestamp']);
  expect(ts).toMatch(/^\d{13}$/);
  expect(Math.abs(Number(ts) - Date.now())).toBeLessThan(60_000);
  expect(f.headers['x-kg-signature']).toBe(createHmac('sha256', SECRET).update(`${ts}.kit.${f.raw}`).digest('hex'));
  expect(f.headers['x-kg-change-id']).toMatch(/^[0-9a-f]{32}$/);
  expect(f.headers['content-type']).toMatch(/^application\/json/);
}

describe.each(kitTargets())('kit forwarding on $name', (target) => {
  let store: Store;
  let kit: KitHarness;
  let publicKeyPem: string;
  let backend: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    await target.start();
    store = target.store();
    backend = await startBackend();
    const pair = rsaPair();
    publicKeyPem = pair.publicKeyPem;
    kit = kitHarness({
      store,
      settings: { ...target.settings(), KG_RSA_PRIVATE_KEY: pair.privateKeyPem, KG_KIT_FORWARD_URL: backend.url, KG_KIT_FORWARD_SECRET: SECRET, KG_KIT_FORWARD_TIMEOUT_MS: '700' },
    });
  });
  afterAll(async () => {
    await backend?.close();
    await store?.close();
    await target.stop();
  });
  beforeEach(() => {
    backend.state.mode = 'ok';
  });

  /** One change of each interface, in the order of a binding, then changes and the unbinding. */
  function steps(b: KitBinding, secret: string): Array<[KitName, Record<string, unknown>, RegExp]> {
    const users = [{ userName: 'u1', name: '用户一', orgCode: 'D1', role: 'admin', enable: 'true' }, { userName: 'u2', name: '用户二', orgCode: 'D1', role: 'user', enable: 'true' }];
    return [
      ['tenantSync', tenantBody(b, 1), /tenant:created,instance:bound/],
      ['applicationSync', applicationBody(b, 1, 'fwd-client', encryptSecret(publicKeyPem, secret)), /^application:created$/],
      ['allOrgSync', allOrgBody(b, [{ orgCode: 'D1', orgName: '总部', parentCode: '' }, { orgCode: 'D2', orgName: '二部', parentCode: 'D1' }]), /^department:created,department:created$/],
      ['authSync', authBody(b, 1, users), /^user:created,user:created$/],
      ['singleOrgSync', singleOrgBody(b, 2, { orgCode: 'D2', orgName: '二部改名', parentCode: 'D1' }), /^department:updated$/],
      ['authSync', authBody(b, 3, users.slice(0, 1)), /^user:cancelled$/],
      ['tenantSync', tenantBody(b, 2, '改名企业'), /^tenant:updated$/],
      ['tenantSync', tenantBody(b, 0), /^instance:unbound,tenant:removed$/],
    ];
  }
  const kinds = (f: KitForward): string => f.changes.map((c) => `${c.entity}:${c.op}`).join(',');

  it('forwards each applied change once, signed, with a change id and the tenant as it now is; never the secret', async () => {
    const b = newBinding('inst-fwd-1', 'CS-fwd-1', 0);
    const secret = `client-secret-${randomBytes(6).toString('hex')}`;
    const ids = new Set<string>();
    for (const [name, body, expected] of steps(b, secret)) {
      const before = backend.received.length;
      expect({ name, ...(await kit.call(name, body)).json }).toEqual({ name, ...OK });
      expect(backend.received.length - before).toBe(1);
      const f = backend.received.at(-1)!;
      expectSignedForward(f);
      ids.add(String(f.headers['x-kg-change-id']));
      expect(f.body).toMatchObject({ interface: name, tenantId: b.tenantId, test: false });
      expect(kinds(f.body)).toMatch(expected);
      // What the back end is told is what the read API now shows (null once the tenant is gone).
      expect(f.body.tenant).toEqual(await readTenant(store, b.tenantId));
      expect(f.raw).not.toContain(secret);
      expect(f.raw).not.toMatch(/clientSecretSealed|clientSecretDigest/);
    }
    expect(ids.size).toBe(steps(b, secret).length);
  });

  it('re-sends the stored state for a repeat, under the same change id and with no changes', async () => {
    const b = newBinding('inst-fwd-2', 'CS-fwd-2', 0);
    const secret = 'repeat-secret';
    for (const [name, body] of steps(b, secret)) {
      expect((await kit.call(name, body)).json).toEqual(OK);
      const first = backend.received.at(-1)!;
      const version = await versionOf(store, b.tenantId);
      for (let i = 0; i < 2; i++) {
        expect({ name, ...(await kit.call(name, body)).json }).toEqual({ name, ...OK });
        const again = backend.received.at(-1)!;
        expectSignedForward(again);
        // One id per stored version: a back end that has it drops the repeat.
        expect({ name, id: again.headers['x-kg-change-id'] }).toEqual({ name, id: first.headers['x-kg-change-id'] });
        expect(again.body).toMatchObject({ version: first.body.version, changes: [], tenant: first.body.tenant });
      }
      expect(await versionOf(store, b.tenantId)).toBe(version);
    }
    // A delete of something that was never there, on a tenant that never existed: nothing to tell.
    const count = backend.received.length;
    const never = newBinding('inst-never', 'CS-never', 0);
    expect((await kit.call('tenantSync', tenantBody(never, 0))).json).toEqual(OK);
    expect(backend.received.length).toBe(count);
  });

  it.each([
    ['answers HTTP 500', 'fail'],
    ['resets the connection', 'reset'],
    ['does not answer within KG_KIT_FORWARD_TIMEOUT_MS', 'hang'],
  ] as const)('when the back end %s, each interface answers 000005 with the change stored; the retry delivers it under the same change id', async (_what, mode) => {
    const b = newBinding(`inst-fwd-${mode}`, `CS-fwd-${mode}`, 0);
    for (const [name, body] of steps(b, `secret-${mode}`)) {
      const versionBefore = await versionOf(store, b.tenantId);
      const viewBefore = await readTenant(store, b.tenantId);
      const auditBefore = (await auditOf(store, b.tenantId)).length;
      const sentBefore = backend.received.length;

      backend.state.mode = mode;
      const failed = await kit.call(name, body);
      expect({ name, ...failed.json }).toEqual({ name, resultCode: '000005', resultMsg: expect.any(String) });
      expect(failed.status).toBe(200);
      expect(failed.raw).not.toContain('127.0.0.1');
      expect(backend.received.length - sentBefore).toBe(1);
      const attempt = backend.received.at(-1)!;
      // Only what is stored is forwarded: the change is written first, then announced.
      expect(await versionOf(store, b.tenantId)).toBe(versionBefore + 1);
      expect(attempt.body.version).toBe(versionBefore + 1);
      expect(attempt.body.tenant).toEqual(await readTenant(store, b.tenantId));
      if (viewBefore !== null) expect(attempt.body.tenant).not.toEqual(viewBefore);
      expect((await auditOf(store, b.tenantId)).length).toBe(Math.min(auditBefore + 1, 500));

      backend.state.mode = 'ok';
      const retried = await kit.call(name, body); // a new nonce, as the marketplace's retry
      expect({ name, ...retried.json }).toEqual({ name, ...OK });
      expect(backend.received.length - sentBefore).toBe(2);
      const delivered = backend.received.at(-1)!;
      expectSignedForward(delivered);
      // The same stored version: the same change id and state, so the back end can drop a duplicate.
      expect(delivered.headers['x-kg-change-id']).toBe(attempt.headers['x-kg-change-id']);
      expect(delivered.body).toMatchObject({ version: attempt.body.version, tenant: attempt.body.tenant, changes: [] });
      expect(await versionOf(store, b.tenantId)).toBe(versionBefore + 1);
    }
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
    const failures = await store.listFailures({ limit: 10_000 });
    expect(failures.filter((f) => f.tenantId === b.tenantId && f.resultCode === '000005')).toHaveLength(steps(b, '').length);
  });

  it('a first binding whose forward failed is stored and listed; the retry announces it', async () => {
    const b = newBinding('inst-fwd-first', 'CS-fwd-first', 0);
    backend.state.mode = 'fail';
    expect((await kit.call('tenantSync', tenantBody(b, 1))).json.resultCode).toBe('000005');
    expect(await readTenantDoc(store, b.tenantId)).not.toBeNull();
    expect((await listTenants(store)).map((t) => t.tenantId)).toContain(b.tenantId);
    backend.state.mode = 'ok';
    expect((await kit.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
    expect(backend.received.at(-1)!.body.tenant).toEqual(await readTenant(store, b.tenantId));
  });

  it('forwards seller test data marked test: true', async () => {
    const b = newBinding('', '', 1);
    const before = backend.received.length;
    expect((await kit.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
    expect(backend.received.length - before).toBe(1);
    const f = backend.received.at(-1)!;
    expectSignedForward(f);
    expect(f.body).toMatchObject({ interface: 'tenantSync', tenantId: b.tenantId, test: true });
    expect(f.body.tenant).toEqual(await readTenant(store, b.tenantId, { test: true }));
  });

  it('a merchant kitForwarder (defineMerchant) gets the same calls; its rejection answers 000005 and the retry announces the stored change again', async () => {
    const calls: Array<[KitForward, string]> = [];
    let reject = true;
    const own = kitHarness({
      store,
      settings: target.settings(),
      kitForwarder: async (forward, changeId) => {
        calls.push([forward, changeId]);
        if (reject) throw new Error('merchant back end is down');
      },
    });
    const b = newBinding('inst-fwd-own', 'CS-fwd-own', 0);
    expect((await own.call('tenantSync', tenantBody(b, 1))).json.resultCode).toBe('000005');
    expect(await readTenantDoc(store, b.tenantId)).not.toBeNull();
    reject = false;
    expect((await own.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
    expect(calls).toHaveLength(2);
    expect(calls[0]![1]).toBe(calls[1]![1]);
    expect(calls[1]![0]).toMatchObject({ interface: 'tenantSync', tenantId: b.tenantId });
    expect((await readTenant(store, b.tenantId))?.instances).toEqual(['inst-fwd-own']);
  });

  // Forwards are sent after the write, each with the version it stored; one that arrives late (a slow
  // network) carries an older version, so a back end that keeps the highest version ends with what is stored.
  it('forwards only applied changes: the highest version the back end gets is the stored tenant', async () => {
    const forwards: KitForward[] = [];
    let gate: Promise<void> | undefined;
    let open!: () => void;
    const own = kitHarness({
      store,
      settings: target.settings(),
      kitForwarder: async (forward) => {
        if (forward.interface === 'singleOrgSync' && gate) await gate;
        forwards.push(forward);
      },
    });
    const b = newBinding('inst-fwd-race', 'CS-fwd-race', 0);
    expect((await own.call('tenantSync', tenantBody(b, 1))).json).toEqual(OK);
    gate = new Promise((r) => { open = r; });
    // A: one department, its forward slow to arrive. B: the full list with that department and another.
    const a = own.call('singleOrgSync', singleOrgBody(b, 1, { orgCode: 'D1', orgName: '开发部', parentCode: '' }));
    await new Promise((r) => setTimeout(r, 50));
    expect((await own.call('allOrgSync', allOrgBody(b, [{ orgCode: 'D1', orgName: '开发部', parentCode: '' }, { orgCode: 'D2', orgName: '运维部', parentCode: '' }]))).json).toEqual(OK);
    open();
    expect((await a).json).toEqual(OK);
    const stored = await readTenant(store, b.tenantId);
    expect(stored?.departments.map((d) => d.orgCode)).toEqual(['D1', 'D2']);
    expect(changing(await auditOf(store, b.tenantId)).map((e) => e.activity).sort()).toEqual(['allOrgSync', 'singleOrgSync', 'tenantSync']);
    // Every forward is a state that was stored; the highest version is what is stored now.
    const newest = [...forwards].sort((x, y) => y.version - x.version)[0];
    expect((newest?.tenant as { departments?: unknown } | null)?.departments).toEqual(stored?.departments);
    expect(new Set(forwards.map((f) => f.version)).size).toBe(forwards.length);
    expect(forwards.map((f) => f.interface).sort()).toEqual(['allOrgSync', 'singleOrgSync', 'tenantSync']);
  });

  it('a forward URL without its secret is a configuration error: 000005, the log names the setting', async () => {
    const broken = kitHarness({ store, settings: { ...target.settings(), KG_KIT_FORWARD_URL: backend.url } });
    const b = newBinding('inst-fwd-cfg', 'CS-fwd-cfg', 0);
    expect((await broken.call('tenantSync', tenantBody(b, 1))).json).toEqual({ resultCode: '000005', resultMsg: expect.any(String) });
    expect(broken.logs.join('\n')).toContain('KG_KIT_FORWARD_SECRET');
    expect(await readTenantDoc(store, b.tenantId)).toBeNull();
  });
});
