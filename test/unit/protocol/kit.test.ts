import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseKit } from '../../../shared/protocol/parseKit';
import type { KitName, KitOrg, KitUser } from '../../../shared/protocol/schemas/kit';
import { rejection, withField } from './support';

const TENANT = '68cbc86abc2018ab880d92f36422fa0e';
const TS = '20220413093539534';
const USER = { userName: 'zhangsan01', name: '张三', orgCode: '123456789', role: 'admin', enable: 'true' };
const ORG = { orgCode: '00000001', orgName: '产品部', parentCode: '265789314' };

/** The smallest valid body of each interface. */
const MINIMAL: Record<KitName, Record<string, unknown>> = {
  tenantSync: { instanceId: 'i-1', orderId: 'CS1', tenantId: TENANT, tenantCode: 'huawei', name: 'Acme', domainName: 'https://idp.example.com', flag: 1, testFlag: 0, timeStamp: TS },
  applicationSync: { instanceId: 'i-1', tenantId: TENANT, appId: 'app-1', clientId: 'client-1', clientSecret: 'b64cipher==', flag: 1, testFlag: 0, timeStamp: TS },
  authSync: { instanceId: 'i-1', tenantId: TENANT, appId: 'app-1', userList: [USER], flag: 1, testFlag: 0, timeStamp: TS },
  singleOrgSync: { instanceId: 'i-1', tenantId: TENANT, orgCode: '10000', orgName: '开发部', flag: 1, testFlag: 0, timeStamp: TS },
  allOrgSync: { instanceId: 'i-1', tenantId: TENANT, orgInfoList: [ORG], testFlag: 0, timeStamp: TS },
};

const REQUIRED: Array<[KitName, string]> = [
  ...(['tenantSync', 'applicationSync', 'authSync', 'singleOrgSync', 'allOrgSync'] as const).flatMap((n): Array<[KitName, string]> => [
    [n, 'testFlag'],
    [n, 'timeStamp'],
    [n, 'tenantId'],
  ]),
  ['tenantSync', 'tenantCode'],
  ['tenantSync', 'name'],
  ['tenantSync', 'domainName'],
  ['tenantSync', 'flag'],
  ['applicationSync', 'appId'],
  ['applicationSync', 'clientId'],
  ['applicationSync', 'clientSecret'],
  ['applicationSync', 'flag'],
  ['authSync', 'appId'],
  ['authSync', 'userList'],
  ['authSync', 'flag'],
  ['singleOrgSync', 'orgCode'],
  ['singleOrgSync', 'orgName'],
  ['singleOrgSync', 'flag'],
  ['allOrgSync', 'orgInfoList'],
];

const MAX_LENGTH: Array<[KitName, string, number]> = [
  ['tenantSync', 'instanceId', 64],
  ['tenantSync', 'orderId', 64],
  ['tenantSync', 'tenantId', 64],
  ['tenantSync', 'tenantCode', 64],
  ['tenantSync', 'name', 255],
  ['tenantSync', 'domainName', 255],
  ['applicationSync', 'appId', 64],
  ['applicationSync', 'clientId', 64],
  ['applicationSync', 'clientSecret', 2048],
  ['authSync', 'appId', 64],
  ['singleOrgSync', 'orgCode', 64],
  ['singleOrgSync', 'orgName', 128],
  ['singleOrgSync', 'parentCode', 64],
  ['allOrgSync', 'tenantId', 64],
];

const USER_REQUIRED = ['userName', 'name', 'role', 'enable'];
const USER_MAX: Array<[string, number]> = [
  ['userName', 64],
  ['name', 64],
  ['orgCode', 64],
  ['position', 64],
  ['employeeCode', 64],
  ['role', 32],
  ['mobile', 256],
  ['email', 512],
  ['workPlace', 255],
];

describe('parseKit', () => {
  it.each(Object.entries(MINIMAL) as Array<[KitName, Record<string, unknown>]>)('accepts a minimal %s body', (name, body) => {
    expect(parseKit(name, body)).toMatchObject({ testFlag: false, tenantId: TENANT });
  });

  it.each(REQUIRED)('rejects %s without %s', (name, field) => {
    expect(rejection(() => parseKit(name, withField(MINIMAL[name], field, undefined)))).toBe(`${field}: required`);
  });

  it.each(MAX_LENGTH)('rejects %s.%s of %i + 1 characters and accepts %i', (name, field, max) => {
    expect(() => parseKit(name, withField(MINIMAL[name], field, 'x'.repeat(max)))).not.toThrow();
    expect(rejection(() => parseKit(name, withField(MINIMAL[name], field, 'x'.repeat(max + 1))))).toBe(`${field}: at most ${max} characters`);
  });

  it.each(MAX_LENGTH)('rejects %s.%s given as a number', (name, field) => {
    expect(rejection(() => parseKit(name, withField(MINIMAL[name], field, 7)))).toBe(`${field}: must be a string`);
  });

  it.each(Object.entries(MINIMAL) as Array<[KitName, Record<string, unknown>]>)('ignores unknown extra fields in %s', (name, body) => {
    expect(parseKit(name, { ...body, extra: 'x', nested: { a: 1 } })).toEqual(parseKit(name, body));
  });

  it.each(['tenantSync', 'applicationSync', 'authSync', 'singleOrgSync', 'allOrgSync'] as const)(
    'reads an absent or null instanceId of %s as empty (seller credential application)',
    (name) => {
      expect(parseKit(name, withField(MINIMAL[name], 'instanceId', undefined))).toMatchObject({ instanceId: '' });
      expect(parseKit(name, withField(MINIMAL[name], 'instanceId', null))).toMatchObject({ instanceId: '' });
      expect(parseKit(name, withField(MINIMAL[name], 'instanceId', ''))).toMatchObject({ instanceId: '' });
    },
  );

  describe('flag and testFlag', () => {
    it.each([
      ['tenantSync', 2, 2],
      ['tenantSync', '0', 0],
      ['applicationSync', '2', 2],
      ['authSync', 3, 3],
      ['authSync', '3', 3],
      ['singleOrgSync', 0, 0],
    ] as const)('reads %s flag %j as %i', (name, flag, expected) => {
      expect(parseKit(name, { ...MINIMAL[name], flag })).toMatchObject({ flag: expected });
    });

    it.each([
      ['tenantSync', 3, 'flag: must be one of 0, 1, 2'],
      ['applicationSync', 3, 'flag: must be one of 0, 1, 2'],
      ['singleOrgSync', '3', 'flag: must be one of 0, 1, 2'],
      ['authSync', 4, 'flag: must be one of 0, 1, 2, 3'],
      ['authSync', 1.5, 'flag: must be one of 0, 1, 2, 3'],
      ['authSync', '1 ', 'flag: must be one of 0, 1, 2, 3'],
      ['authSync', true, 'flag: must be one of 0, 1, 2, 3'],
      ['allOrgSync', -1, 'flag: must be a non-negative integer'],
    ] as const)('rejects %s flag %j', (name, flag, message) => {
      expect(rejection(() => parseKit(name, { ...MINIMAL[name], flag }))).toBe(message);
    });

    it.each([
      [0, false],
      [1, true],
      ['0', false],
      ['1', true],
    ])('reads testFlag %j as %s', (testFlag, test) => {
      expect(parseKit('tenantSync', { ...MINIMAL.tenantSync, testFlag }).testFlag).toBe(test);
    });

    it.each([2, '', 'true', false])('rejects testFlag %j', (testFlag) => {
      expect(rejection(() => parseKit('tenantSync', { ...MINIMAL.tenantSync, testFlag }))).toBe('testFlag: must be 0 or 1');
    });

    it('accepts the undocumented flag of allOrgSync and leaves it out when absent', () => {
      expect(parseKit('allOrgSync', { ...MINIMAL.allOrgSync, flag: 1 })).toMatchObject({ flag: 1 });
      expect(parseKit('allOrgSync', MINIMAL.allOrgSync)).not.toHaveProperty('flag');
    });
  });

  describe('authSync users', () => {
    const withUser = (user: Record<string, unknown>) => ({ ...MINIMAL.authSync, userList: [USER, user] });

    it.each(USER_REQUIRED)('rejects a user without %s, naming its position', (field) => {
      expect(rejection(() => parseKit('authSync', withUser(withField(USER, field, undefined))))).toBe(`userList[1].${field}: required`);
    });

    it.each(USER_MAX)('rejects a user %s of %i + 1 characters', (field, max) => {
      expect(rejection(() => parseKit('authSync', withUser({ ...USER, [field]: 'x'.repeat(max + 1) })))).toBe(`userList[1].${field}: at most ${max} characters`);
    });

    it.each([
      ['true', true],
      ['false', false],
      ['TRUE', true],
      [true, true],
      [false, false],
    ])('reads enable %j as %s', (enable, expected) => {
      const parsed = parseKit('authSync', { ...MINIMAL.authSync, userList: [{ ...USER, enable }] });
      expect(parsed.userList[0]?.enable).toBe(expected);
    });

    it.each([['yes'], [1], ['']])('rejects enable %j', (enable) => {
      expect(rejection(() => parseKit('authSync', withUser({ ...USER, enable })))).toBe('userList[1].enable: must be "true" or "false"');
    });

    it.each([
      ['an array', [USER]],
      ['a JSON string (V1 form)', JSON.stringify([USER])],
      ['a bare-key string', '[{userName:"zhangsan01", name:"张三", orgCode:"123456789", role:"admin", enable:"true"}]'],
    ])('reads userList given as %s', (_label, userList) => {
      expect(parseKit('authSync', { ...MINIMAL.authSync, userList }).userList).toEqual([{ ...USER, enable: true }]);
    });

    it.each([
      ['a number', 5, 'userList: must be an array or a JSON string of one'],
      ['an object', { a: 1 }, 'userList: must be an array or a JSON string of one'],
      ['broken JSON', '[{"userName":', 'userList: must be an array or a JSON string of one'],
      ['a list holding a string', ['x'], 'userList[0]: must be an object'],
    ])('rejects userList given as %s', (_label, userList, message) => {
      expect(rejection(() => parseKit('authSync', { ...MINIMAL.authSync, userList }))).toBe(message);
    });

    it('takes entryDate, employeeType and workPlace from extension (the V1 example) and keeps extension', () => {
      const v1 =
        '[{"userName":"zhangsan01","name":"张三","position":"系统管理员","orgCode":"123456789","role":"admin","enable":"true","employeeCode":"","mobile":"","email":"","extension":{"entryDate":"2022-11-9","employeeType":"4","workPlace":"南京"}}]';
      const [user] = parseKit('authSync', { ...MINIMAL.authSync, userList: v1, flag: '1', testFlag: '0' }).userList;
      expect(user).toEqual({
        userName: 'zhangsan01',
        name: '张三',
        position: '系统管理员',
        orgCode: '123456789',
        role: 'admin',
        enable: true,
        entryDate: '2022-11-9',
        employeeType: 4,
        workPlace: '南京',
        extension: { entryDate: '2022-11-9', employeeType: '4', workPlace: '南京' },
      });
    });

    it('takes extension values when the top-level fields are empty strings', () => {
      const user = { ...USER, entryDate: '', workPlace: '', extension: { entryDate: '2022-11-9', workPlace: '南京' } };
      expect(parseKit('authSync', { ...MINIMAL.authSync, userList: [user] }).userList[0]).toMatchObject({ entryDate: '2022-11-9', workPlace: '南京' });
    });

    it('prefers top-level user fields over the same fields in extension', () => {
      const user = { ...USER, entryDate: '2023-1-2', employeeType: 1, workPlace: 'Shenzhen', extension: { entryDate: '2022-11-9', employeeType: '4', workPlace: '南京' } };
      expect(parseKit('authSync', { ...MINIMAL.authSync, userList: [user] }).userList[0]).toMatchObject({ entryDate: '2023-1-2', employeeType: 1, workPlace: 'Shenzhen' });
    });

    it.each([
      ['a JSON string', '{"workPlace":"南京"}', { workPlace: '南京' }],
      ['an empty string', '', undefined],
      ['null', null, undefined],
    ])('reads extension given as %s', (_label, extension, expected) => {
      const user = parseKit('authSync', { ...MINIMAL.authSync, userList: [{ ...USER, extension }] }).userList[0];
      expect(user?.extension).toEqual(expected);
    });

    it('rejects an employeeType that is not an integer', () => {
      expect(rejection(() => parseKit('authSync', withUser({ ...USER, employeeType: 'intern' })))).toBe('userList[1].employeeType: must be a non-negative integer');
    });

    it('accepts an empty orgCode (a user at the tenant root)', () => {
      expect(parseKit('authSync', { ...MINIMAL.authSync, userList: [{ ...USER, orgCode: '' }] }).userList[0]?.orgCode).toBe('');
    });

    it('never quotes the clientSecret in a message', () => {
      const message = rejection(() => parseKit('applicationSync', { ...MINIMAL.applicationSync, clientSecret: `TOPSECRET${'q'.repeat(2048)}` }));
      expect(message).toBe('clientSecret: at most 2048 characters');
    });
  });

  describe('departments', () => {
    it.each([
      ['orgName', { orgCode: '1', orgName: 'x' }],
      ['OrgName', { orgCode: '1', OrgName: 'x' }],
      ['name', { orgCode: '1', name: 'x' }],
    ])('reads the department name from %s', (_label, org) => {
      expect(parseKit('allOrgSync', { ...MINIMAL.allOrgSync, orgInfoList: [org] }).orgInfoList).toEqual([{ orgCode: '1', orgName: 'x' }]);
    });

    it('prefers orgName when several name keys are present', () => {
      expect(parseKit('allOrgSync', { ...MINIMAL.allOrgSync, orgInfoList: [{ orgCode: '1', orgName: 'a', OrgName: 'b', name: 'c' }] }).orgInfoList[0]?.orgName).toBe('a');
    });

    it('reads the singleOrgSync name from OrgName or name too', () => {
      const { orgName: _drop, ...base } = MINIMAL.singleOrgSync;
      expect(parseKit('singleOrgSync', { ...base, OrgName: 'Ops' })).toMatchObject({ orgName: 'Ops' });
      expect(parseKit('singleOrgSync', { ...base, name: 'Ops' })).toMatchObject({ orgName: 'Ops' });
    });

    it('parses the V2 allOrgSync example: a bare-key string list and an undocumented flag', () => {
      const body = JSON.parse(
        '{"instanceId":"huaiweitest123456","tenantId":"68cbc86abc2018ab880d92f36422fa0e","orgInfoList":"[{orgCode:\\"00000001\\", orgName:\\"产品部\\", parentCode:\\"265789314\\" }, {orgCode:\\"00000002\\", orgName:\\"研发部\\", parentCode:\\"\\" }]","flag":1,"testFlag":0,"timeStamp":"20220413093539534"}',
      );
      expect(parseKit('allOrgSync', body)).toEqual({
        instanceId: 'huaiweitest123456',
        tenantId: TENANT,
        orgInfoList: [ORG, { orgCode: '00000002', orgName: '研发部' }],
        flag: 1,
        testFlag: false,
        timeStamp: TS,
      });
    });

    it('parses the V1 allOrgSync form: orgInfo as a JSON string using name', () => {
      const { orgInfoList: _drop, ...base } = MINIMAL.allOrgSync;
      const orgInfo = '[{"orgCode":"00000001","name":"产品部","parentCode":"265789314"}]';
      expect(parseKit('allOrgSync', { ...base, orgInfo, testFlag: '0' }).orgInfoList).toEqual([ORG]);
    });

    it('prefers orgInfoList over orgInfo when both are sent', () => {
      const parsed = parseKit('allOrgSync', { ...MINIMAL.allOrgSync, orgInfo: [{ orgCode: '9', orgName: 'other' }] });
      expect(parsed.orgInfoList).toEqual([ORG]);
      expect(parsed).not.toHaveProperty('orgInfo');
    });

    it.each([
      [[{ orgName: 'x' }], 'orgInfoList[0].orgCode: required'],
      [[{ orgCode: '1' }], 'orgInfoList[0].orgName: required'],
      [[{ orgCode: '1', orgName: 'x'.repeat(129) }], 'orgInfoList[0].orgName: at most 128 characters'],
      [[ORG, 'x'], 'orgInfoList[1]: must be an object'],
      ['[{orgCode:1 orgName:"x"}]', 'orgInfoList: must be an array or a JSON string of one'],
    ])('rejects orgInfoList %j', (orgInfoList, message) => {
      expect(rejection(() => parseKit('allOrgSync', { ...MINIMAL.allOrgSync, orgInfoList }))).toBe(message);
    });

    it('parses the singleOrgSync example and leaves out the empty parentCode of a top-level department', () => {
      const body = JSON.parse(
        '{"instanceId":"huaiweitest123456","tenantId":"68cbc86abc2018ab880d92f36422fa0e","orgCode":"10000","orgName":"开发部","parentCode":"","flag":1,"testFlag":0,"timeStamp":"20220413093539534"}',
      );
      expect(parseKit('singleOrgSync', body)).toEqual({
        instanceId: 'huaiweitest123456',
        tenantId: TENANT,
        orgCode: '10000',
        orgName: '开发部',
        flag: 1,
        testFlag: false,
        timeStamp: TS,
      });
    });
  });

  it('parses the V2 tenantSync example', () => {
    const body = JSON.parse(
      '{"instanceId":"huaiweitest123456","orderId":"CS1906666666ABCDE","tenantId":"68cbc86abc2018ab880d92f36422fa0e","tenantCode":"huawei","name":"huaiweitest","domainName":"https://example.tenantaccount.com","flag":1,"testFlag":0,"timeStamp":"20220413093539534"}',
    );
    expect(parseKit('tenantSync', body)).toEqual({ ...body, testFlag: false });
  });

  it.each([null, [], 'x'])('rejects a body that is not an object: %j', (body) => {
    expect(rejection(() => parseKit('tenantSync', body))).toBe('body: must be a JSON object');
  });

  it('refuses a user extension nested 20 000 levels deep with InvalidParamError, not a stack overflow', () => {
    // JSON.parse builds such a value without trouble; parsing it must still end in 000002, not 000005.
    const deepText = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const user = { ...USER, extension: { ledger: JSON.parse(deepText) as unknown } };
    const asText = `[{"userName":"u1","name":"n","orgCode":"","role":"user","enable":"true","extension":${deepText}}]`;
    expect(rejection(() => parseKit('authSync', { ...MINIMAL.authSync, userList: [user] }))).toBe('body: nested deeper than 64 levels');
    expect(rejection(() => parseKit('authSync', { ...MINIMAL.authSync, userList: asText }))).toBe('body: nested deeper than 64 levels');
  });

  it('keeps a user extension nested as deep as a signed body may be', () => {
    const nested = JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`) as unknown;
    const parsed = parseKit('authSync', { ...MINIMAL.authSync, userList: [{ ...USER, extension: nested }] });
    expect(parsed.userList[0]?.extension).toEqual(nested);
  });

  it('rejects an unknown interface name', () => {
    expect(rejection(() => parseKit('orgSync' as KitName, MINIMAL.tenantSync))).toBe('interface: unknown kit interface "orgSync"');
  });

  it('types each interface result by its name', () => {
    expectTypeOf(parseKit('authSync', MINIMAL.authSync).userList).toEqualTypeOf<KitUser[]>();
    expectTypeOf(parseKit('allOrgSync', MINIMAL.allOrgSync).orgInfoList).toEqualTypeOf<KitOrg[]>();
    expectTypeOf(parseKit('tenantSync', MINIMAL.tenantSync).flag).toEqualTypeOf<0 | 1 | 2>();
  });
});
