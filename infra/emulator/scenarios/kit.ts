/**
 * `kit`: the five 联营 kit callbacks (joint-operation-kit-and-sso.md §2-§9) signed with the kit key:
 * the seller's credential test data, a buyer binding to an instance created over the basic interface,
 * 500 users granted then modified, cancelled and deleted, departments added, renamed, re-parented and
 * deleted, an allOrgSync that drops some, the tolerant input shapes, the V1 forms and hostile calls.
 * Every event is delivered twice and both answers must be `000000`. Needs `--kit-key`; applicationSync
 * with a real secret also needs `--rsa-public-key` and is reported as skipped without it.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { ScenarioContext } from '../context';
import { newOrderLine } from '../ids';
import { allOrgBody, applicationBody, authBody, bareKeyOrgText, FLAG, kitUsers, newBinding, orgTree, singleOrgBody, tenantBody, type KitBinding, type KitOrg } from '../kitBodies';
import { KitMarketplace } from '../kitClient';
import { NO_PUBLIC_KEY, clientSecret, skipTwice, v2Twice, type KitRun } from '../kitSteps';
import { readRsaPublicKey, type OaepVariant } from '../rsaOaep';
import { OK, call, createInstance, queryUntilReady, releaseBody } from '../v2Steps';
import { kitHostile } from './kitHostile';
import { kitV1 } from './kitV1';

const USERS = 500;

/** applicationSync with a fresh secret in the given OAEP reading, or two skipped steps without a public key. */
async function application(run: KitRun, name: string, b: KitBinding, flag: number, variant: OaepVariant, clientId = `emu-client-${b.appId}`): Promise<void> {
  const secret = clientSecret(run, `emu-secret-${randomBytes(12).toString('base64url')}`, variant);
  if (secret === undefined) skipTwice(run, name, NO_PUBLIC_KEY);
  else await v2Twice(run, name, 'applicationSync', applicationBody(b, flag, clientId, secret));
}

/** What the seller's 应用凭证 application and test-account request send (§4): testFlag 1, no instance, no order. */
async function sellerTestData(run: KitRun): Promise<void> {
  const b = newBinding('', '', 1);
  const orgs = orgTree('S');
  await v2Twice(run, 'seller tenantSync (test data)', 'tenantSync', tenantBody(b, FLAG.ADD));
  await application(run, 'seller applicationSync (test data, OAEP SHA-1)', b, FLAG.ADD, 'sha1');
  await v2Twice(run, 'seller allOrgSync (test data)', 'allOrgSync', allOrgBody(b, orgs));
  await v2Twice(run, 'seller authSync of the test account (test data)', 'authSync', authBody(b, FLAG.ADD, kitUsers('emu-test-', 1, orgs)));
}

/** Users of a bound tenant: 500 granted, then some modified, cancelled (flag 3) and deleted. */
async function users(run: KitRun, b: KitBinding, orgs: KitOrg[]): Promise<void> {
  const all = kitUsers(`emu-${b.tenantCode}-`, USERS, orgs);
  await v2Twice(run, `authSync add ${USERS} users`, 'authSync', authBody(b, FLAG.ADD, all));
  const changed = all.slice(1, 11).map((u, i) => ({ ...u, name: `改名 ${u.userName}`, role: i % 2 === 0 ? 'admin' : 'user', enable: i < 5 ? 'false' : 'true' }));
  await v2Twice(run, 'authSync modify 10 users (name, role, enable "false")', 'authSync', authBody(b, FLAG.MODIFY, changed));
  await v2Twice(run, 'authSync cancel authorisation (flag 3) of 10 users', 'authSync', authBody(b, FLAG.CANCEL, all.slice(11, 21)));
  await v2Twice(run, 'authSync delete 10 users', 'authSync', authBody(b, FLAG.DELETE, all.slice(21, 31)));
  await v2Twice(run, 'authSync delete of users never added', 'authSync', authBody(b, FLAG.DELETE, kitUsers(`emu-never-${b.tenantCode}-`, 3, orgs)));
}

/** Departments of a bound tenant: one added, renamed, re-parented and deleted, then a full sync without two. */
async function departments(run: KitRun, b: KitBinding, orgs: KitOrg[]): Promise<void> {
  const [root, first, second] = orgs;
  const added: KitOrg = { orgCode: `${b.tenantCode}-new`, orgName: '新部门', parentCode: root?.orgCode ?? '' };
  await v2Twice(run, 'singleOrgSync add a department', 'singleOrgSync', singleOrgBody(b, FLAG.ADD, added));
  await v2Twice(run, 'singleOrgSync rename it', 'singleOrgSync', singleOrgBody(b, FLAG.MODIFY, { ...added, orgName: '新部门 (改名)' }));
  await v2Twice(run, 'singleOrgSync re-parent it', 'singleOrgSync', singleOrgBody(b, FLAG.MODIFY, { ...added, orgName: '新部门 (改名)', parentCode: first?.orgCode ?? '' }));
  await v2Twice(run, 'singleOrgSync rename an allOrgSync department', 'singleOrgSync', singleOrgBody(b, FLAG.MODIFY, { ...(second ?? added), orgName: '部门 2 (改名)' }));
  await v2Twice(run, 'singleOrgSync delete it', 'singleOrgSync', singleOrgBody(b, FLAG.DELETE, { ...added, orgName: '新部门 (改名)', parentCode: first?.orgCode ?? '' }));
  await v2Twice(run, 'singleOrgSync delete of a department never added', 'singleOrgSync', singleOrgBody(b, FLAG.DELETE, { orgCode: `${b.tenantCode}-never`, orgName: '不存在', parentCode: '' }));
  await v2Twice(run, 'allOrgSync dropping two departments', 'allOrgSync', allOrgBody(b, orgs.slice(0, -2)));
}

/** The shapes the reference says to tolerate (§7, §9, §12), each one event sent twice. */
async function tolerantShapes(run: KitRun, b: KitBinding, orgs: KitOrg[]): Promise<void> {
  const some = kitUsers(`emu-${b.tenantCode}-`, 3, orgs);
  await v2Twice(run, 'authSync with userList as a JSON string', 'authSync', authBody(b, FLAG.MODIFY, JSON.stringify(some)));
  await v2Twice(run, 'authSync with flag and testFlag as strings, enable "true"', 'authSync', { ...authBody(b, FLAG.MODIFY, some), flag: '2', testFlag: '0' });
  await v2Twice(run, 'tenantSync with flag and testFlag as strings', 'tenantSync', { ...tenantBody(b, FLAG.ADD), flag: '1', testFlag: '0' });
  await v2Twice(run, 'tenantSync with an indented body and an upper-case x-sign', 'tenantSync', tenantBody(b, FLAG.ADD), { pretty: true, upperCaseSignature: true });
  await v2Twice(run, 'allOrgSync with the V2 example bare-key string and its extra flag', 'allOrgSync', { ...allOrgBody(b, bareKeyOrgText(orgs)), flag: 1 });
  const renamed = (key: string) => orgs.map(({ orgName, ...rest }) => ({ ...rest, [key]: orgName }));
  await v2Twice(run, 'allOrgSync with OrgName', 'allOrgSync', allOrgBody(b, renamed('OrgName')));
  await v2Twice(run, 'allOrgSync with name (the V1 key)', 'allOrgSync', allOrgBody(b, renamed('name')));
  const top: Record<string, unknown> = { ...singleOrgBody(b, FLAG.ADD, { orgCode: `${b.tenantCode}-top`, orgName: '顶级部门', parentCode: '' }), OrgName: '顶级部门' };
  delete top.orgName;
  delete top.parentCode;
  await v2Twice(run, 'singleOrgSync of a top-level department with OrgName and no parentCode', 'singleOrgSync', top);
}

/** Releases the instance, then deletes what was bound to it: delete must not check the instance (§5-§7). */
async function unbind(run: KitRun, b: KitBinding, orgs: KitOrg[]): Promise<void> {
  await application(run, 'applicationSync delete', b, FLAG.DELETE, 'sha256');
  await v2Twice(run, 'tenantSync delete', 'tenantSync', tenantBody(b, FLAG.DELETE));
  const { ctx } = run;
  await queryUntilReady(ctx, b.instanceId, 'queryInstance (basic interface) before the release');
  await call(ctx, 'releaseInstance (basic interface)', releaseBody(b.instanceId), OK);
  await v2Twice(run, 'authSync delete after releaseInstance', 'authSync', authBody(b, FLAG.DELETE, kitUsers(`emu-${b.tenantCode}-`, 2, orgs)));
  await v2Twice(run, 'tenantSync delete after releaseInstance', 'tenantSync', tenantBody(b, FLAG.DELETE));
}

/** Runs the scenario. */
export async function kit(ctx: ScenarioContext): Promise<void> {
  const { kitKey, rsaPublicKey, url, timeoutMs } = ctx.options;
  if (!kitKey) {
    ctx.fail('kit key', 'no kit key given (--kit-key, the 联营SaaS同步接口 key)');
    return;
  }
  const run: KitRun = { ctx, kit: new KitMarketplace(url, kitKey, timeoutMs), publicKey: rsaPublicKey === undefined ? undefined : readRsaPublicKey(rsaPublicKey) };
  await sellerTestData(run);

  const order = newOrderLine();
  const instanceId = await createInstance(ctx, order, 'newInstance (basic interface, basic key)');
  const b = newBinding(instanceId, order.orderId, 0);
  const orgs = orgTree(`${b.tenantCode}-`);
  await v2Twice(run, 'tenantSync add (buyer binding)', 'tenantSync', tenantBody(b, FLAG.ADD));
  await application(run, 'applicationSync add (OAEP SHA-256, MGF1-SHA-1)', b, FLAG.ADD, 'sha256-mgf1-sha1');
  await v2Twice(run, 'allOrgSync (buyer binding)', 'allOrgSync', allOrgBody(b, orgs));
  await users(run, b, orgs);
  await departments(run, b, orgs);
  await v2Twice(run, 'tenantSync modify (name, domainName)', 'tenantSync', tenantBody(b, FLAG.MODIFY, `Emulator 企业 ${b.tenantCode} (改名)`, `https://${b.tenantCode}-2.tenantaccount.example.com`));
  await application(run, 'applicationSync modify (new secret, OAEP SHA-256)', b, FLAG.MODIFY, 'sha256');
  await tolerantShapes(run, b, orgs);
  await kitV1(run, instanceId, order.orderId);
  await kitHostile(run, b);
  await unbind(run, b, orgs);
}
