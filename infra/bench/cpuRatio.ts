/**
 * CPU per call of `produce` against the minimal reference handler (referenceHandler.ts), issue 15: in one
 * process, on one redis-server, both handlers take the same kind of APIG event for each retry activity
 * (newInstance retry, queryInstance, refreshInstance retry), with 1 and 32 calls in flight, N calls per
 * cell, in rounds whose order rotates. Within a cell the two handlers take turns in ten chunks (A B B A ...),
 * so the machine's slow and fast moments fall on both: on a shared 2-core VM the reference alone varies by
 * half between runs minutes apart. Each call is signed beforehand with its own nonce and timestamp
 * (signing is not measured). Per cell: CPU µs per call (`process.cpuUsage` user + system over N), wall µs
 * per call, and, from the server's own counters, Redis commands and bytes up and down per call.
 * Figures are reported, never asserted.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defineMerchant, openStore, produceHandler } from '../../shared';
import type { ApigEvent, ApigResponse } from '../../shared/platform/apig';
import type { FgContext } from '../../shared/platform/context';
import { counterDelta, readingOverhead, readRedisCounters, type RedisCounters } from './redisCounters';
import { createReferenceHandler, referenceApigHandler } from './referenceHandler';
import { connectReady, startBenchRedis } from './redisProcess';
import { createBenchInstances, eventOf, RETRY_ACTIVITIES, seedReference, signedRetryCall, type BenchInstance, type RetryActivity } from './retryMix';
import { median, quartiles, round } from './stats';

/** The target: produce's CPU per call at most this many times the reference's, at 32 in flight. */
export const CPU_RATIO_TARGET = { maxRatio: 1.5, inFlight: 32 } as const;

/** The two handlers compared. */
export type RatioHandler = 'produce' | 'reference';

/** Options of {@link measureCpuRatio}. */
export interface CpuRatioOptions {
  /** Calls per cell (default 20 000). */
  calls?: number;
  /** Rounds over every cell, in rotated order (default 3). */
  rounds?: number;
  /** Calls in flight per cell (default [1, 32]). */
  inFlight?: number[];
  /** Instances the calls cycle over (default 16). */
  instances?: number;
  /** A running redis-server used by nothing else; default: one is started for the run and stopped after. */
  redisUrl?: string;
  log?: (line: string) => void;
}

/** One measured cell: one handler, one activity, one concurrency, one round. */
export interface CpuCell {
  handler: RatioHandler;
  activity: RetryActivity;
  inFlight: number;
  round: number;
  calls: number;
  /** CPU µs per call (user + system of the whole process). */
  cpuUs: number;
  /** Wall µs per call (elapsed / calls). */
  wallUs: number;
  /** Answers by resultCode. */
  resultCodes: Record<string, number>;
  /** Redis commands per call by name, a script's inner commands included. */
  commands: Record<string, number>;
  /** Bytes sent to Redis per call. */
  bytesUp: number;
  /** Bytes Redis sent back per call. */
  bytesDown: number;
  /**
   * This handler's CPU µs per call in each of the cell's chunks, in order: chunk `i` of the two handlers ran
   * back to back, so the two lists pair up.
   */
  chunkCpuUs: number[];
}

/** The medians over rounds of one handler in one (activity, in flight). */
export interface HandlerFigure {
  cpuUs: number;
  wallUs: number;
  /** Scripts per call (`evalsha` + `eval`): the round trips of these calls. */
  scripts: number;
  /** Every Redis command per call, script-inner ones included. */
  commands: number;
  /** Per command name, per call. */
  commandsByName: Record<string, number>;
  bytesUp: number;
  bytesDown: number;
  /** Answers by resultCode over every round. */
  resultCodes: Record<string, number>;
}

/** produce against the reference for one activity and concurrency. */
export interface CpuRatioFigure {
  activity: RetryActivity;
  inFlight: number;
  produce: HandlerFigure;
  reference: HandlerFigure;
  /**
   * The headline: median over every pair of back-to-back chunks (all rounds) of produce CPU µs / reference
   * CPU µs per call. A slow patch of the machine then moves a pair or two, not a round's whole sum.
   */
  ratio: number;
  /** produce / reference of each chunk pair, rounds in order. */
  pairRatios: number[];
  /** produce / reference per round, each handler's chunks of the round summed, in round order. */
  roundRatios: number[];
  /** produce CPU µs / reference CPU µs, each the median over rounds (the headline before chunks were paired). */
  ratioOfMedians: number;
  wallRatio: number;
  /** Present at the target's concurrency. */
  target?: { maxRatio: number; within: boolean };
}

/** What {@link measureCpuRatio} reports. */
export interface CpuRatioReport {
  callsPerCell: number;
  rounds: number;
  inFlight: number[];
  instances: number;
  /** CPU µs per call of the benchmark's own loop around a handler that does nothing (32 in flight). */
  driverCpuUs: number;
  /** Whether both handlers gave the same bytes for one call of each activity. */
  sameBody: Record<RetryActivity, boolean>;
  figures: CpuRatioFigure[];
  cells: CpuCell[];
}

type ApigFn = (event: ApigEvent) => Promise<ApigResponse>;

/** A FunctionGraph-like context that never runs out of time (a warm instance, 30 s per call). */
const CONTEXT: FgContext = {
  getRequestID: () => '',
  getRemainingTimeInMilliSeconds: () => 30_000,
  getUserData: () => undefined,
  getLogger: () => ({ info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined }),
  getFunctionName: () => 'produce',
};

/** Reads the resultCode both handlers write first (`{"resultCode":"000000",...`) without parsing. */
function codeOf(body: string): string {
  return body.startsWith('{"resultCode":"') ? body.slice(15, 21) : 'other';
}

async function drive(fn: ApigFn, events: ApigEvent[], inFlight: number, codes: Record<string, number>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < events.length) {
      const res = await fn(events[next++]!);
      const code = codeOf(res.body);
      codes[code] = (codes[code] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, events.length)) }, worker));
}

function prepare(key: string, activity: RetryActivity, instances: readonly BenchInstance[], calls: number): ApigEvent[] {
  const events: ApigEvent[] = new Array<ApigEvent>(calls);
  for (let i = 0; i < calls; i++) events[i] = eventOf(signedRetryCall(key, activity, instances[i % instances.length]!), `cpu-${i}`);
  return events;
}

/**
 * Two minor garbage collections, when the runtime allows them: `--expose-gc` turned on here, for this
 * process, and `gc` read from a fresh context (the global one was made before the flag). Two, because the
 * chunk's events were just made: after one scavenge they are still young, and the first scavenge inside the
 * chunk would copy them all into the old generation, charged to whichever handler allocates enough to
 * trigger one (measured: produce paid 12 to 20 µs a call for it in 1,000-call chunks, the reference, which
 * allocates less, often none). After two they are old, and a chunk pays only for its own garbage.
 */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') {
      const minor = gc as (o: { type: 'minor' }) => void;
      return () => {
        minor({ type: 'minor' });
        minor({ type: 'minor' });
      };
    }
  } catch {
    // Not available: chunks then share garbage, as before.
  }
  return () => undefined;
})();

/** Chunks each cell is cut into, alternating between the two handlers. */
const CHUNKS = 10;

/** What one handler's chunks of a cell add up to. */
interface Sums {
  cpuUs: number;
  /** CPU µs per call of each chunk. */
  chunks: number[];
  wallUs: number;
  codes: Record<string, number>;
  redis: RedisCounters;
}

function emptySums(): Sums {
  return { cpuUs: 0, chunks: [], wallUs: 0, codes: {}, redis: { commands: {}, netInputBytes: 0, netOutputBytes: 0 } };
}

function addDelta(sum: Sums, delta: RedisCounters): void {
  for (const [name, n] of Object.entries(delta.commands)) sum.redis.commands[name] = (sum.redis.commands[name] ?? 0) + n;
  sum.redis.netInputBytes += delta.netInputBytes;
  sum.redis.netOutputBytes += delta.netOutputBytes;
}

/** `calls` cut into at most `chunks` near-equal sizes, none empty. */
function chunkSizes(calls: number, chunks: number): number[] {
  const n = Math.max(1, Math.min(chunks, calls));
  return Array.from({ length: n }, (_, i) => Math.floor((calls * (i + 1)) / n) - Math.floor((calls * i) / n));
}

function perCall(delta: RedisCounters, calls: number): Pick<CpuCell, 'commands' | 'bytesUp' | 'bytesDown'> {
  const commands: Record<string, number> = {};
  for (const [name, n] of Object.entries(delta.commands)) commands[name] = round(n / calls, 3);
  return { commands, bytesUp: round(delta.netInputBytes / calls, 1), bytesDown: round(delta.netOutputBytes / calls, 1) };
}

function figureOf(cells: CpuCell[]): HandlerFigure {
  const resultCodes: Record<string, number> = {};
  const names = new Set<string>();
  for (const c of cells) {
    for (const [code, n] of Object.entries(c.resultCodes)) resultCodes[code] = (resultCodes[code] ?? 0) + n;
    for (const name of Object.keys(c.commands)) names.add(name);
  }
  const commandsByName: Record<string, number> = {};
  for (const name of [...names].sort()) commandsByName[name] = round(median(cells.map((c) => c.commands[name] ?? 0)), 3);
  const total = (c: CpuCell) => Object.values(c.commands).reduce((a, b) => a + b, 0);
  const scripts = (c: CpuCell) => (c.commands.evalsha ?? 0) + (c.commands.eval ?? 0);
  return {
    cpuUs: round(median(cells.map((c) => c.cpuUs)), 1),
    wallUs: round(median(cells.map((c) => c.wallUs)), 1),
    scripts: round(median(cells.map(scripts)), 3),
    commands: round(median(cells.map(total)), 3),
    commandsByName,
    bytesUp: round(median(cells.map((c) => c.bytesUp)), 1),
    bytesDown: round(median(cells.map((c) => c.bytesDown)), 1),
    resultCodes,
  };
}

/** Runs the comparison and returns the report (nothing is printed but progress through `log`). */
export async function measureCpuRatio(options: CpuRatioOptions = {}): Promise<CpuRatioReport> {
  const calls = Math.max(1, Math.floor(options.calls ?? 20_000));
  const rounds = Math.max(1, Math.floor(options.rounds ?? 3));
  const inFlight = options.inFlight ?? [1, 32];
  const instanceCount = Math.max(1, Math.floor(options.instances ?? 16));
  const log = options.log ?? (() => undefined);
  const ownRedis = options.redisUrl === undefined ? await startBenchRedis() : undefined;
  const url = options.redisUrl ?? ownRedis!.url;

  const key = `bench-${randomBytes(16).toString('hex')}`;
  const settings = { KG_ACCESS_KEY: key, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: url, KG_FRONTEND_URL_TEMPLATE: 'https://app.bench.invalid/{instanceId}' };
  // produce as deployed (functions/produce: produceHandler(merchant)), on its own store connection.
  const store = openStore(settings);
  const produceFn = produceHandler(defineMerchant({}, { settings, store }));
  const produce: ApigFn = (event) => produceFn(event, CONTEXT);
  const closers: Array<() => Promise<void>> = [async () => ownRedis?.stop(), () => store.close()];

  try {
    const refClient = await connectReady(url);
    closers.push(async () => refClient.disconnect());
    const admin = await connectReady(url);
    closers.push(async () => admin.disconnect());
    const reference: ApigFn = referenceApigHandler(createReferenceHandler({ redis: refClient, key }));
    const handlers: Record<RatioHandler, ApigFn> = { produce, reference };
    const instances = await createBenchInstances(async (call) => (await produce(eventOf(call, 'setup'))).body, key, instanceCount);
    await seedReference(refClient, instances);

    const sameBody = {} as Record<RetryActivity, boolean>;
    for (const activity of RETRY_ACTIVITIES) {
      const [p, r] = [await produce(eventOf(signedRetryCall(key, activity, instances[0]!), 'same')), await reference(eventOf(signedRetryCall(key, activity, instances[0]!), 'same'))];
      sameBody[activity] = p.body === r.body;
    }

    // Warm-up: JIT, scripts loaded, connections busy once at full concurrency.
    const warm = Math.min(calls, 2_000);
    for (const h of ['produce', 'reference'] as const) {
      for (const activity of RETRY_ACTIVITIES) await drive(handlers[h], prepare(key, activity, instances, warm), Math.max(...inFlight), {});
    }
    const noop: ApigFn = () => Promise.resolve({ statusCode: 200, headers: {}, body: '{"resultCode":"000000"}', isBase64Encoded: false });
    const noopEvents = prepare(key, 'queryInstance', instances, calls);
    const d0 = process.cpuUsage();
    await drive(noop, noopEvents, Math.max(...inFlight), {});
    const d = process.cpuUsage(d0);
    const driverCpuUs = round((d.user + d.system) / calls, 2);

    const overhead = await readingOverhead(admin);
    const cells: CpuCell[] = [];
    for (let r = 0; r < rounds; r++) {
      const activities = RETRY_ACTIVITIES.map((_, i) => RETRY_ACTIVITIES[(i + r) % RETRY_ACTIVITIES.length]!);
      const order: RatioHandler[] = r % 2 === 0 ? ['produce', 'reference'] : ['reference', 'produce'];
      log(`round ${r + 1}/${rounds}: ${activities.join(', ')}; ${CHUNKS} paired chunks per cell, ${order.join(' first, then ')} first`);
      for (const activity of activities) {
        for (const k of inFlight) {
          // Both handlers' cells are measured in alternating chunks (A B B A ...), so a slow patch of the
          // machine falls on both alike instead of on whichever ran in it.
          const sums = { produce: emptySums(), reference: emptySums() } as Record<RatioHandler, Sums>;
          const sizes = chunkSizes(calls, CHUNKS);
          for (let c = 0; c < sizes.length; c++) {
            const pair = c % 2 === 0 ? order : [order[1]!, order[0]!];
            for (const h of pair) {
              const events = prepare(key, activity, instances, sizes[c]!);
              // Each chunk starts on a collected heap, its events already old, so it pays for its own
              // garbage, not the last chunk's or the signing's.
              collectGarbage();
              const sum = sums[h];
              const before = await readRedisCounters(admin);
              const c0 = process.cpuUsage();
              const t0 = performance.now();
              await drive(handlers[h], events, k, sum.codes);
              const wall = performance.now() - t0;
              const cpu = process.cpuUsage(c0);
              const after = await readRedisCounters(admin);
              sum.cpuUs += cpu.user + cpu.system;
              sum.chunks.push((cpu.user + cpu.system) / sizes[c]!);
              sum.wallUs += wall * 1000;
              addDelta(sum, counterDelta(before, after, overhead));
            }
          }
          for (const h of order) {
            const sum = sums[h];
            cells.push({
              handler: h, activity, inFlight: k, round: r + 1, calls,
              cpuUs: round(sum.cpuUs / calls, 2),
              wallUs: round(sum.wallUs / calls, 2),
              resultCodes: sum.codes,
              ...perCall(sum.redis, calls),
              chunkCpuUs: sum.chunks.map((x) => round(x, 2)),
            });
          }
        }
      }
    }

    const figures: CpuRatioFigure[] = [];
    for (const activity of RETRY_ACTIVITIES) {
      for (const k of inFlight) {
        const of = (h: RatioHandler) => cells.filter((c) => c.activity === activity && c.inFlight === k && c.handler === h);
        const p = figureOf(of('produce'));
        const ref = figureOf(of('reference'));
        const ratioOfMedians = round(p.cpuUs / Math.max(0.001, ref.cpuUs), 3);
        const pairRatios: number[] = [];
        const roundRatios = of('produce').map((c) => {
          const other = of('reference').find((x) => x.round === c.round);
          c.chunkCpuUs.forEach((us, i) => pairRatios.push(round(us / Math.max(0.001, other?.chunkCpuUs[i] ?? 0), 3)));
          return round(c.cpuUs / Math.max(0.001, other?.cpuUs ?? 0), 3);
        });
        const ratio = round(median(pairRatios), 3);
        figures.push({
          activity, inFlight: k, produce: p, reference: ref, ratio, pairRatios, roundRatios, ratioOfMedians,
          wallRatio: round(p.wallUs / Math.max(0.001, ref.wallUs), 3),
          ...(k === CPU_RATIO_TARGET.inFlight ? { target: { maxRatio: CPU_RATIO_TARGET.maxRatio, within: ratio <= CPU_RATIO_TARGET.maxRatio } } : {}),
        });
      }
    }
    return { callsPerCell: calls, rounds, inFlight, instances: instanceCount, driverCpuUs, sameBody, figures, cells };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** The report as printable lines: one per (activity, in flight), then Redis work per call. */
export function cpuRatioLines(report: CpuRatioReport): string[] {
  const lines = [
    `${'activity'.padEnd(22)} ${'in flight'.padStart(9)}  ${'produce cpu µs'.padStart(14)} ${'wall µs'.padStart(8)}  ${'reference cpu µs'.padStart(16)} ${'wall µs'.padStart(8)}  ${'ratio'.padStart(6)}  ${'pairs q1-q3'.padEnd(11)}  rounds            ${'of medians'.padEnd(10)}  target`,
  ];
  for (const f of report.figures) {
    const target = f.target ? `<= ${f.target.maxRatio} ${f.target.within ? 'within' : 'OVER'}` : '';
    lines.push(
      `${f.activity.padEnd(22)} ${String(f.inFlight).padStart(9)}  ${f.produce.cpuUs.toFixed(1).padStart(14)} ${f.produce.wallUs.toFixed(1).padStart(8)}  ${f.reference.cpuUs.toFixed(1).padStart(16)} ${f.reference.wallUs.toFixed(1).padStart(8)}  ${f.ratio.toFixed(2).padStart(6)}  ${quartiles(f.pairRatios).map((x) => x.toFixed(2)).join('-').padEnd(11)}  ${f.roundRatios.map((x) => x.toFixed(2)).join(' ').padEnd(17)} ${f.ratioOfMedians.toFixed(2).padEnd(10)}  ${target}`,
    );
  }
  lines.push('Redis per call (scripts / commands incl. script-inner / bytes up / bytes down), answers:');
  for (const f of report.figures) {
    const side = (h: HandlerFigure) => `${h.scripts} / ${h.commands} / ${h.bytesUp} B / ${h.bytesDown} B ${JSON.stringify(h.resultCodes)}`;
    lines.push(`${f.activity.padEnd(22)} ${String(f.inFlight).padStart(9)}  produce ${side(f.produce)}  reference ${side(f.reference)}`);
  }
  const same = Object.entries(report.sameBody).map(([a, s]) => `${a} ${s ? 'same' : 'DIFFERENT'}`).join(', ');
  lines.push(`answer bytes, produce vs reference: ${same}; driver loop ${report.driverCpuUs} µs cpu per call (in both figures)`);
  return lines;
}
