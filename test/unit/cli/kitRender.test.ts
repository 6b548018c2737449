/**
 * The text forms of `kg kit`: the department tree (orphans, cycles, deep chains), terminal-safe text,
 * and a summary that never carries a secret whatever the document holds.
 */
import { describe, expect, it } from 'vitest';
import { departmentTree, renderTenant, renderTenants, shown } from '../../../infra/cli/commands/kit';
import type { TenantDoc } from '../../../shared/kit/model';
import { tenantView, type DepartmentView } from '../../../shared/kit/view';

const dept = (orgCode: string, parentCode = '', orgName = `d${orgCode}`): DepartmentView => ({ orgCode, orgName, parentCode });

describe('departmentTree', () => {
  it('indents children under their parent, siblings in the given order', () => {
    const tree = departmentTree([dept('1'), dept('2', '1'), dept('3', '2'), dept('4', '1'), dept('5')]);
    expect(tree).toEqual(['  d1 (1)', '    d2 (2)', '      d3 (3)', '    d4 (4)', '  d5 (5)']);
  });

  it('shows a department whose parent was never delivered at the top, with a note', () => {
    expect(departmentTree([dept('1', 'missing'), dept('2', '1')])).toEqual(['  d1 (1)  [parent missing not delivered]', '    d2 (2)']);
  });

  it('shows every department of a parentCode cycle once, self-parents included', () => {
    const tree = departmentTree([dept('a', 'b'), dept('b', 'a'), dept('s', 's'), dept('r')]);
    expect(tree).toEqual(['  dr (r)', '  da (a)  [parentCode cycle through b]', '    db (b)', '  ds (s)  [parentCode cycle through s]']);
  });

  it('handles a chain of 50,000 departments without overflowing the stack', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => dept(String(i), i === 0 ? '' : String(i - 1)));
    const tree = departmentTree(chain);
    expect(tree).toHaveLength(50_000);
    expect(tree[49_999]).toBe(`${'  '.repeat(50_000)}d49999 (49999)`);
  });

  it('treats marketplace keys such as __proto__ and constructor as ordinary codes', () => {
    expect(departmentTree([dept('__proto__'), dept('constructor', '__proto__')])).toEqual(['  d__proto__ (__proto__)', '    dconstructor (constructor)']);
  });
});

describe('shown', () => {
  it('escapes control characters, line separators and bidi overrides, and keeps other text', () => {
    expect(shown('a\nb\r\u001b[2J\u0085\u2028\u202e\u2066x')).toBe('a\\u000ab\\u000d\\u001b[2J\\u0085\\u2028\\u202e\\u2066x');
    expect(shown('华为 测试-部门 (1)')).toBe('华为 测试-部门 (1)');
  });
});

describe('renderTenant and renderTenants', () => {
  const doc: TenantDoc = {
    tenantId: 't1', tenantCode: '', name: '', domainName: '', test: false, instances: ['i1'],
    applications: {
      '["i1","app"]': { instanceId: 'i1', appId: 'app', clientId: 'cid', clientSecretSealed: 'SEALED-VALUE', clientSecretDigest: 'DIGEST-VALUE', updatedAt: 1 },
      '["i1","app2"]': { instanceId: 'i1', appId: 'app2', clientId: 'cid2', clientSecretSealed: '', updatedAt: 1 },
    },
    users: {}, departments: {}, createdAt: 1, updatedAt: 1,
  };

  it('says whether a secret is set, never the sealed form or its digest; empty details are a dash', () => {
    const text = renderTenant(tenantView(doc));
    expect(text).toContain('tenant t1: -  code -  domain -\n');
    expect(text).toContain('app app  instance i1  clientId cid  client secret set\n');
    expect(text).toContain('app app2  instance i1  clientId cid2  client secret not set\n');
    expect(text).not.toContain('SEALED-VALUE');
    expect(text).not.toContain('DIGEST-VALUE');
    expect(text).toContain('users (0): none\ndepartments (0): none\n');
  });

  it('prints "no tenants" for an empty list', () => {
    expect(renderTenants([])).toBe('no tenants\n');
  });
});
