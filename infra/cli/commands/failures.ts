/**
 * `kg failures [--since ...]`: every answer that was not 000000, newest first.
 * @module
 */
import { EXIT, parseCliArgs, parseInstant, parseLimit, type CliCommand } from '../command';
import { withStoreFromEnv } from '../storeFromEnv';

/** Parses `--since`: an ISO date/time, epoch ms, or a duration back from now (`90m`, `24h`, `7d`). */
export function parseSince(text: string, nowMs: number): number {
  const rel = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (rel) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
    return nowMs - Number(rel[1]) * unit;
  }
  return parseInstant(text, 'since', '24h, 7d, an ISO date or epoch ms');
}

export const command: CliCommand = {
  name: 'failures',
  summary: 'list answers that were not 000000 (what the marketplace counts as failed)',
  usage: `kg failures [--since 24h|7d|ISO|epoch-ms] [--limit N] [--json] [--redis URL]

The marketplace retries failed calls, refunds orders whose creation keeps failing, and delists a
product with more than 5 failed orders a month: check this list before it does.`,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, { since: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, redis: { type: 'string' } });
    const limit = parseLimit(values.limit, 200);
    const sinceMs = values.since ? parseSince(values.since, Date.now()) : undefined;
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const list = await store.listFailures({ limit, ...(sinceMs !== undefined ? { sinceMs } : {}) });
      if (values.json) {
        io.out(`${JSON.stringify(list)}\n`);
        return EXIT.ok;
      }
      if (list.length === 0) io.out('no failures\n');
      for (const f of list) {
        io.out(`${new Date(f.at).toISOString()}  ${f.resultCode}  ${f.activity.padEnd(22)} ${f.instanceId ?? '-'}  ${f.orderId ?? '-'}  ${f.reason}\n`);
      }
      return EXIT.ok;
    });
  },
};
