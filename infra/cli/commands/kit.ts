/**
 * `kg kit show|tenants|audit`: what the 联营 kit delivered, read from Redis through the kit's read API
 * (shared/kit/read.ts). Never prints a client secret, sealed or clear: only whether one is set.
 * @module
 */
import { listTenants, readTenant, type TenantListEntry } from '../../../shared/kit/read';
import type { DepartmentView, TenantView } from '../../../shared/kit/view';
import { tenantTag } from '../../../shared/store/keys';
import type { AuditEntry } from '../../../shared/store/Store';
import { EXIT, parseCliArgs, parseLimit, requireOption, UsageError, type CliCommand, type CliIo } from '../command';
import { withStoreFromEnv } from '../storeFromEnv';

const usage = `usage:
  kg kit show --tenant <tenantId> [--test] [--json] [--redis URL]
      One tenant (enterprise): its details, bound instances, applications (clientId and whether a client
      secret is set; the secret itself is never shown), users (role, enable, authorised, department) and
      departments as a tree. --json prints one object with the keys tenant, instances, applications,
      users and departments, under the marketplace's field names. Exit 1 when the tenant is unknown.
  kg kit tenants [--json] [--redis URL]
      Every tenant, production and the seller's test data (testFlag 1, marked test), as a table or a
      JSON array.
  kg kit audit --tenant <tenantId> [--test] [--limit N] [--json] [--redis URL]
      The tenant's audit log, newest first (it outlives a removed tenant).

--test reads the seller's test data namespace (kept apart from production, expiring 30 days after
its last change). Reads Redis: KG_REDIS_URL or KG_REDIS_CLUSTER_NODES, or --redis.
`;

/**
 * Text from the marketplace made safe for a terminal: control characters (C0, C1, DEL), line and
 * paragraph separators and bidirectional overrides are written as `\\uXXXX`, so a name cannot forge
 * lines or rewrite what the operator sees.
 */
export function shown(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An empty value as `-`, anything else {@link shown}. */
function orDash(text: string | undefined): string {
  return text === undefined || text === '' ? '-' : shown(text);
}

/** How an instanceId is shown: the seller's test data binds the empty instance. */
function instanceLabel(instanceId: string): string {
  return instanceId === '' ? '(none: seller test data)' : shown(instanceId);
}

/**
 * The departments as an indented tree by parentCode, in the view's order (orgCode) at every level.
 * A department whose parent was never delivered is shown at the top with a note, and departments caught in
 * a parentCode cycle (never reachable from a top-level one) are shown too, each once, with a note.
 * Iterative, so a very deep chain cannot overflow the stack.
 */
export function departmentTree(departments: readonly DepartmentView[], indent = '  '): string[] {
  const byCode = new Map<string, DepartmentView>();
  for (const d of departments) byCode.set(d.orgCode, d);
  const children = new Map<string, DepartmentView[]>();
  const roots: DepartmentView[] = [];
  for (const d of departments) {
    if (d.parentCode === '' || !byCode.has(d.parentCode)) {
      roots.push(d);
    } else {
      const list = children.get(d.parentCode) ?? [];
      list.push(d);
      children.set(d.parentCode, list);
    }
  }
  const lines: string[] = [];
  const seen = new Set<string>();
  const walk = (start: DepartmentView, note: string): void => {
    const stack: Array<{ d: DepartmentView; depth: number; note: string }> = [{ d: start, depth: 0, note }];
    while (stack.length > 0) {
      const { d, depth, note: n } = stack.pop()!;
      if (seen.has(d.orgCode)) continue;
      seen.add(d.orgCode);
      lines.push(`${indent.repeat(depth + 1)}${shown(d.orgName)} (${shown(d.orgCode)})${n}`);
      const kids = children.get(d.orgCode) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ d: kids[i]!, depth: depth + 1, note: '' });
    }
  };
  for (const r of roots) walk(r, r.parentCode === '' ? '' : `  [parent ${shown(r.parentCode)} not delivered]`);
  for (const d of departments) if (!seen.has(d.orgCode)) walk(d, `  [parentCode cycle through ${shown(d.parentCode)}]`);
  return lines;
}

/** The readable summary of `kg kit show`. */
export function renderTenant(view: TenantView): string {
  const { tenant } = view;
  const out: string[] = [];
  out.push(
    `tenant ${shown(tenant.tenantId)}${tenant.test ? ' (seller test data)' : ''}: ${orDash(tenant.name)}  code ${orDash(tenant.tenantCode)}  domain ${orDash(tenant.domainName)}`,
  );
  out.push(`instances (${view.instances.length}):${view.instances.length === 0 ? ' none' : ''}`);
  for (const i of view.instances) out.push(`  ${instanceLabel(i)}`);
  out.push(`applications (${view.applications.length}):${view.applications.length === 0 ? ' none' : ''}`);
  for (const a of view.applications) {
    out.push(`  app ${shown(a.appId)}  instance ${instanceLabel(a.instanceId)}  clientId ${orDash(a.clientId)}  client secret ${a.clientSecretSet ? 'set' : 'not set'}`);
  }
  const deptName = new Map(view.departments.map((d) => [d.orgCode, d.orgName]));
  out.push(`users (${view.users.length}):${view.users.length === 0 ? ' none' : ''}`);
  for (const u of view.users) {
    const dept = u.orgCode === '' ? '(root)' : `${shown(u.orgCode)}${deptName.has(u.orgCode) ? ` ${shown(deptName.get(u.orgCode)!)}` : ' (not delivered)'}`;
    out.push(
      `  ${shown(u.userName)}  ${orDash(u.name)}  app ${shown(u.appId)}  role ${orDash(u.role)}  ${u.enable ? 'enabled' : 'disabled'}  ${u.authorized ? 'authorized' : 'authorization cancelled'}  department ${dept}`,
    );
  }
  out.push(`departments (${view.departments.length}):${view.departments.length === 0 ? ' none' : ''}`);
  out.push(...departmentTree(view.departments));
  return `${out.join('\n')}\n`;
}

/** The table of `kg kit tenants`; the free-text columns last, so wide characters cannot shift the others. */
export function renderTenants(list: readonly TenantListEntry[]): string {
  if (list.length === 0) return 'no tenants\n';
  const rows = list.map((t) => [
    shown(t.tenantId), t.test ? 'test' : 'production', String(t.instances.length), String(t.users), String(t.departments),
    new Date(t.updatedAt).toISOString(), orDash(t.tenantCode), orDash(t.name),
  ]);
  const header = ['TENANT', 'DATA', 'INSTANCES', 'USERS', 'DEPARTMENTS', 'UPDATED', 'CODE', 'NAME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** One audit line of `kg kit audit`. */
function auditLine(e: AuditEntry): string {
  return `  ${new Date(e.at).toISOString()}  ${shown(e.activity).padEnd(16)} ${shown(e.resultCode)}${e.test ? ' (test)' : ''}${e.orderId ? `  order ${shown(e.orderId)}` : ''}${e.requestId ? `  req ${shown(e.requestId)}` : ''}${e.detail ? `  ${shown(e.detail)}` : ''}`;
}

function namespace(test: boolean): string {
  return test ? 'seller test data' : 'production data';
}

async function show(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { tenant: { type: 'string' }, test: { type: 'boolean' }, json: { type: 'boolean' }, redis: { type: 'string' } });
  const tenantId = requireOption(values, 'tenant');
  const test = values.test === true;
  return withStoreFromEnv(io.env, values.redis, async (store) => {
    const view = await readTenant(store, tenantId, { test });
    if (!view) {
      // Say where it does exist, so a missing --test (or a stray one) is obvious.
      const other = await readTenant(store, tenantId, { test: !test });
      const hint = other ? ` (it has ${namespace(!test)}: ${test ? 'drop' : 'add'} --test)` : '';
      io.err(`kg kit: no tenant "${shown(tenantId)}" in ${namespace(test)}${hint}\n`);
      return EXIT.failed;
    }
    if (values.json) {
      // Exactly these keys, whatever the view gains later.
      const { tenant, instances, applications, users, departments } = view;
      io.out(`${JSON.stringify({ tenant, instances, applications, users, departments })}\n`);
    } else {
      io.out(renderTenant(view));
    }
    return EXIT.ok;
  });
}

async function tenants(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { json: { type: 'boolean' }, redis: { type: 'string' } });
  return withStoreFromEnv(io.env, values.redis, async (store) => {
    const list = await listTenants(store);
    io.out(values.json ? `${JSON.stringify(list)}\n` : renderTenants(list));
    return EXIT.ok;
  });
}

async function audit(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, {
    tenant: { type: 'string' }, test: { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' }, redis: { type: 'string' },
  });
  const tenantId = requireOption(values, 'tenant');
  const test = values.test === true;
  const limit = parseLimit(values.limit, 100);
  return withStoreFromEnv(io.env, values.redis, async (store) => {
    const entries = await store.listAudit(tenantTag(tenantId, test), limit);
    if (values.json) {
      io.out(`${JSON.stringify({ tenantId, test, audit: entries })}\n`);
      return EXIT.ok;
    }
    io.out(`tenant ${shown(tenantId)} (${namespace(test)}): ${entries.length === 0 ? 'no audit entries' : `${entries.length} audit entries, newest first`}\n`);
    for (const e of entries) io.out(`${auditLine(e)}\n`);
    return EXIT.ok;
  });
}

const SUBCOMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = { show, tenants, audit };

/** `kg kit <show|tenants|audit>`. */
export const command: CliCommand = {
  name: 'kit',
  summary: 'show what the 联营 kit delivered: tenants, apps, users, departments, audit',
  usage,
  run: async (args, io) => {
    const [sub, ...rest] = args;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(sub === undefined ? 'missing sub-command (show, tenants or audit)' : `unknown sub-command "${shown(sub)}" (show, tenants or audit)`);
    return run(rest, io);
  },
};
