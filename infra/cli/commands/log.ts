/**
 * `kg log <instanceId>`: the audit log of one instance, newest first, and its current record.
 * @module
 */
import type { InstanceRecord } from '../../../shared/lifecycle/types';
import { instanceTag } from '../../../shared/store/keys';
import { EXIT, parseCliArgs, parseLimit, UsageError, type CliCommand } from '../command';
import { withStoreFromEnv } from '../storeFromEnv';

export const command: CliCommand = {
  name: 'log',
  summary: 'show the audit log and state of one instance',
  usage: `kg log <instanceId> [--limit N] [--json] [--redis URL]

Every call leaves an audit line (when, activity, result code, order, request id). Reads Redis
(KG_REDIS_URL or KG_REDIS_CLUSTER_NODES, or --redis). Passwords are never shown.`,
  run: async (args, io) => {
    const { values, positionals } = parseCliArgs(args, { limit: { type: 'string' }, json: { type: 'boolean' }, redis: { type: 'string' } }, true);
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError('expected exactly one instanceId');
    const limit = parseLimit(values.limit, 100);
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const tag = instanceTag(id);
      const [entries, [current]] = await Promise.all([store.listAudit(tag, limit), store.read<InstanceRecord>([tag])]);
      const record = current?.record;
      if (values.json) {
        io.out(`${JSON.stringify({ instanceId: id, status: record?.status ?? null, version: current?.version ?? 0, history: record?.history ?? [], audit: entries })}\n`);
        return EXIT.ok;
      }
      io.out(record ? `${id}: ${record.status} (order ${record.orderId}${record.orderLineId ? ` / ${record.orderLineId}` : ''}, expires ${record.expireTime ?? '-'}, version ${current.version})\n` : `${id}: no record\n`);
      for (const h of record?.history ?? []) io.out(`  state  ${new Date(h.at).toISOString()}  ${h.activity.padEnd(22)} ${h.from ?? '-'} -> ${h.to}${h.orderId ? `  order ${h.orderId}` : ''}${h.scene ? `  ${h.scene}` : ''}\n`);
      for (const e of entries) io.out(`  call   ${new Date(e.at).toISOString()}  ${e.activity.padEnd(22)} ${e.resultCode}${e.test ? ' (test)' : ''}${e.orderId ? `  order ${e.orderId}` : ''}${e.requestId ? `  req ${e.requestId}` : ''}${e.detail ? `  ${e.detail}` : ''}\n`);
      return EXIT.ok;
    });
  },
};
