/**
 * What a stretch of work cost the benchmark's redis-server, from `INFO stats` and `INFO commandstats`
 * read before and after: commands by name (a script's inner commands count too, as Redis counts them)
 * and bytes in and out. The bench server serves only the benchmark, so the difference is the work's.
 * @module
 */
import type { Redis } from 'ioredis';
import { median } from './stats';

/** One reading of the server's counters. */
export interface RedisCounters {
  /** Calls by command name (lower case, `eval`, `evalsha`, `set`, `hmget`...). */
  commands: Record<string, number>;
  /** `total_net_input_bytes`: bytes clients sent (up). */
  netInputBytes: number;
  /** `total_net_output_bytes`: bytes the server sent (down). */
  netOutputBytes: number;
}

/** Reads the counters with one `INFO stats commandstats`. */
export async function readRedisCounters(admin: Redis): Promise<RedisCounters> {
  const text = await admin.info('stats', 'commandstats');
  const commands: Record<string, number> = {};
  let netInputBytes = 0;
  let netOutputBytes = 0;
  for (const line of text.split(/\r?\n/)) {
    const cmd = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (cmd) {
      commands[cmd[1]!] = Number(cmd[2]);
      continue;
    }
    const stat = /^(total_net_input_bytes|total_net_output_bytes):(\d+)/.exec(line);
    if (stat?.[1] === 'total_net_input_bytes') netInputBytes = Number(stat[2]);
    else if (stat) netOutputBytes = Number(stat[2]);
  }
  return { commands, netInputBytes, netOutputBytes };
}

/** `after - before`, less the cost of reading (`overhead`, from {@link readingOverhead}); `info` itself is left out. */
export function counterDelta(before: RedisCounters, after: RedisCounters, overhead?: RedisCounters): RedisCounters {
  const commands: Record<string, number> = {};
  for (const [name, calls] of Object.entries(after.commands)) {
    if (name === 'info') continue;
    const d = calls - (before.commands[name] ?? 0);
    if (d > 0) commands[name] = d;
  }
  return {
    commands,
    netInputBytes: after.netInputBytes - before.netInputBytes - (overhead?.netInputBytes ?? 0),
    netOutputBytes: after.netOutputBytes - before.netOutputBytes - (overhead?.netOutputBytes ?? 0),
  };
}

/** The bytes one reading adds to a delta: two readings with nothing between them (median of 5). */
export async function readingOverhead(admin: Redis): Promise<RedisCounters> {
  const ins: number[] = [];
  const outs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const a = await readRedisCounters(admin);
    const b = await readRedisCounters(admin);
    ins.push(b.netInputBytes - a.netInputBytes);
    outs.push(b.netOutputBytes - a.netOutputBytes);
  }
  return { commands: {}, netInputBytes: median(ins), netOutputBytes: median(outs) };
}
