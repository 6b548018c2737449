/**
 * The V1 forms of the kit callbacks, part of the `kit` scenario (joint-operation-kit-and-sso.md §1, §2.3):
 * `POST <production URL>/produceAPI/<name>` with the `authToken` header over the body fields
 * (security-and-crypto.md §4.2), list fields as JSON strings (`userList`, `orgInfo` with `name` keys),
 * flags 0/1 (and 2 for authSync). Every answer, refusals included, must carry a `Body-Sign` made with
 * the kit key over the exact body bytes (§5.1).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { allOrgBody, applicationBody, authBody, FLAG, kitUsers, newBinding, orgTree, singleOrgBody, tenantBody } from '../kitBodies';
import type { KitV1Options } from '../kitClient';
import { AUTH, NO_PUBLIC_KEY, PARAM, clientSecret, skipTwice, v1Twice, type KitRun } from '../kitSteps';
import { bodySignProblems } from './v1';

/** Runs the V1 part against a fresh tenant bound to `instanceId`. */
export async function kitV1(run: KitRun, instanceId: string, orderId: string): Promise<void> {
  const { ctx } = run;
  const key = ctx.options.kitKey ?? '';
  const previous = ctx.everyAnswer;
  ctx.everyAnswer = (answer) => bodySignProblems(key, answer);
  try {
    const b = newBinding(instanceId, orderId, 0);
    const orgs = orgTree(`${b.tenantCode}-`);
    const users = kitUsers(`emu-${b.tenantCode}-`, 20, orgs);
    const tenant = tenantBody(b, FLAG.ADD);
    await v1Twice(run, 'V1 tenantSync add', 'tenantSync', tenant);
    await v1Twice(run, 'V1 tenantSync add as a form post', 'tenantSync', tenant, { form: true });
    const secret = clientSecret(run, `emu-v1-secret-${randomBytes(9).toString('base64url')}`, 'sha256-mgf1-sha1');
    const app = secret === undefined ? undefined : applicationBody(b, FLAG.ADD, `emu-v1-client-${b.appId}`, secret);
    if (app === undefined) skipTwice(run, 'V1 applicationSync add', NO_PUBLIC_KEY);
    else await v1Twice(run, 'V1 applicationSync add', 'applicationSync', app);
    const { orgInfoList: _typed, ...allOrg } = allOrgBody(b, []);
    await v1Twice(run, 'V1 allOrgSync (orgInfo as a JSON string with name keys)', 'allOrgSync', { ...allOrg, orgInfo: JSON.stringify(orgs.map(({ orgName, ...o }) => ({ ...o, name: orgName }))) });
    await v1Twice(run, 'V1 authSync add (userList as a JSON string)', 'authSync', authBody(b, FLAG.ADD, JSON.stringify(users)));
    await v1Twice(run, 'V1 authSync modify', 'authSync', authBody(b, FLAG.MODIFY, JSON.stringify(users.slice(0, 3).map((u) => ({ ...u, enable: 'false' })))));
    await v1Twice(run, 'V1 singleOrgSync add', 'singleOrgSync', singleOrgBody(b, FLAG.ADD, { orgCode: `${b.tenantCode}-v1`, orgName: 'V1 部门', parentCode: orgs[0]?.orgCode ?? '' }));
    await v1Twice(run, 'V1 authSync delete', 'authSync', authBody(b, FLAG.DELETE, JSON.stringify(users.slice(3, 6))));

    const refuse = (name: string, expect: string[], body: Record<string, unknown>, options: KitV1Options) =>
      ctx.step({ name, expect, send: () => run.kit.v1('tenantSync', body, options) });
    const victim = tenantBody(b, FLAG.DELETE);
    await refuse('V1 bad authToken (answer still Body-Signed)', AUTH, victim, { authToken: `AAAA${'x'.repeat(40)}` });
    await refuse('V1 authToken missing', AUTH, victim, { omitAuthToken: true });
    await refuse('V1 authToken made with the basic key', AUTH, victim, { key: ctx.options.key });
    const { timeStamp: _dropped, ...noTimeStamp } = victim;
    // Which check comes first is not documented: refused as unauthenticated or as a missing field.
    await refuse('V1 timeStamp missing', [...AUTH, ...PARAM], noTimeStamp, { authToken: `BBBB${'y'.repeat(40)}` });

    if (app === undefined) skipTwice(run, 'V1 applicationSync delete', NO_PUBLIC_KEY);
    else await v1Twice(run, 'V1 applicationSync delete', 'applicationSync', { ...app, flag: FLAG.DELETE });
    await v1Twice(run, 'V1 tenantSync delete', 'tenantSync', victim);
  } finally {
    ctx.everyAnswer = previous;
  }
}
