/**
 * Kit calls the merchant must refuse, part of the `kit` scenario (security-and-crypto.md §3.2,
 * joint-operation-kit-and-sso.md §2.2, §2.4): a bad, missing or wrong-key `x-sign` (000001); a stale,
 * future or missing `x-timestamp`, a missing or replayed `x-nonce`, wrong types, missing fields, a
 * 5 MB body and an undecryptable `clientSecret` (000002). Most aim a tenant delete at the live binding,
 * so a server that wrongly accepts one also loses data.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { allOrgBody, applicationBody, authBody, FLAG, kitUsers, singleOrgBody, tenantBody, type KitBinding } from '../kitBodies';
import type { KitInterface, KitV2Options } from '../kitClient';
import { AUTH, OK, PARAM, REPLAY, v2Once, type KitRun } from '../kitSteps';
import { signV2Request } from '../v2Signer';

const FIVE_MB = 5 * 1024 * 1024;

function without(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...body };
  delete copy[field];
  return copy;
}

/** Runs the hostile kit calls against binding `b`. */
export async function kitHostile(run: KitRun, b: KitBinding): Promise<void> {
  const victim = tenantBody(b, FLAG.DELETE);
  const [user] = kitUsers(`emu-${b.tenantCode}-`, 1, []);
  const org = { orgCode: `${b.tenantCode}-hostile`, orgName: '恶意', parentCode: '' };
  const cases: Array<[string, string[], KitInterface, Record<string, unknown>, KitV2Options]> = [
    ['bad x-sign', AUTH, 'tenantSync', victim, { signature: 'ab'.repeat(32) }],
    ['bad x-sign on test data (testFlag 1)', AUTH, 'tenantSync', { ...victim, instanceId: '', orderId: '', testFlag: 1 }, { signature: '0'.repeat(64) }],
    ['x-sign missing', AUTH, 'tenantSync', victim, { omit: ['x-sign'] }],
    ['x-sign made with the basic-interface key', AUTH, 'tenantSync', victim, { key: run.ctx.options.key }],
    ['x-sign made with the basic-interface algorithm (inner HMAC)', AUTH, 'tenantSync', victim, { signer: signV2Request }],
    ['x-timestamp 61 s old', PARAM, 'tenantSync', victim, { timestampOffsetMs: -61_000 }],
    ['x-timestamp 61 s in the future', PARAM, 'tenantSync', victim, { timestampOffsetMs: 61_000 }],
    ['x-timestamp missing', PARAM, 'tenantSync', victim, { omit: ['x-timestamp'] }],
    ['x-nonce missing', PARAM, 'tenantSync', victim, { omit: ['x-nonce'] }],
    ['flag out of range (7)', PARAM, 'tenantSync', { ...victim, flag: 7 }, {}],
    ['flag of the wrong type (an object)', PARAM, 'tenantSync', { ...victim, flag: { value: 0 } }, {}],
    ['testFlag of the wrong type ("yes")', PARAM, 'tenantSync', { ...victim, testFlag: 'yes' }, {}],
    ['tenantId of the wrong type (a number)', PARAM, 'tenantSync', { ...victim, tenantId: 12345 }, {}],
    ['tenantCode missing', PARAM, 'tenantSync', without(victim, 'tenantCode'), {}],
    ['timeStamp missing', PARAM, 'tenantSync', without(victim, 'timeStamp'), {}],
    ['authSync userList of the wrong type (a number)', PARAM, 'authSync', authBody(b, FLAG.DELETE, 42), {}],
    ['authSync user without userName', PARAM, 'authSync', authBody(b, FLAG.ADD, [without(user ?? { userName: 'x' }, 'userName')]), {}],
    ['authSync enable "yes"', PARAM, 'authSync', authBody(b, FLAG.ADD, [{ ...user, enable: 'yes' }]), {}],
    ['singleOrgSync orgCode missing', PARAM, 'singleOrgSync', without(singleOrgBody(b, FLAG.DELETE, org), 'orgCode'), {}],
    ['allOrgSync orgInfoList missing', PARAM, 'allOrgSync', without(allOrgBody(b, []), 'orgInfoList'), {}],
    ['allOrgSync orgInfoList not a list', PARAM, 'allOrgSync', allOrgBody(b, 'not a list'), {}],
    ['applicationSync clientSecret not base64', PARAM, 'applicationSync', applicationBody(b, FLAG.ADD, 'emu-client-hostile', '*** not base64 ***'), {}],
    ['applicationSync clientSecret undecryptable (random bytes)', PARAM, 'applicationSync', applicationBody(b, FLAG.ADD, 'emu-client-hostile', randomBytes(384).toString('base64')), {}],
    ['broken JSON', PARAM, 'tenantSync', {}, { rawBody: '{"tenantId":' }],
    ['JSON array body', PARAM, 'tenantSync', {}, { rawBody: '[]' }],
    ['empty body', PARAM, 'tenantSync', {}, { rawBody: '' }],
    ['5 MB body', PARAM, 'tenantSync', { ...victim, memo: 'A'.repeat(FIVE_MB) }, {}],
  ];
  for (const [name, expect, iface, body, options] of cases) await v2Once(run, `hostile: ${name}`, iface, body, expect, options);

  // Replay: the exact same signed call twice. The first is valid, the second must be refused.
  const valid = run.kit.prepareV2('tenantSync', tenantBody(b, FLAG.ADD));
  await run.ctx.step({ name: 'hostile: valid tenantSync add (to be replayed)', expect: OK, send: () => run.kit.sendPrepared(valid) });
  await run.ctx.step({ name: 'hostile: replayed x-nonce', expect: REPLAY, send: () => run.kit.sendPrepared(valid) });
}
