/**
 * `usage`: on-demand usage from the merchant's back end to KooGallery (issue 11, usage contract).
 * On-demand instances are created over the basic interface (basic key) with their orders registered in
 * a fake open API; usage is reported through the server's signed `POST /usage`; hostile and invalid
 * reports must be refused; then the server's own usage-push (its timer) must deliver every accepted
 * record to the fake exactly once, with a correct AK/SK and body signature, while the fake injects
 * `MKT.0250`, an HTTP 500 and a per-record rejection (which must end in the dead letters, the rest of
 * its batch delivered). The fake is a running `kg openapi` (`--openapi URL`) or one started here on
 * the address the server's KG_OPENAPI_ENDPOINT names.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { httpResult, sleep, type ProbeResult, type ScenarioContext, type UsageOptions } from '../context';
import { formatSdkDate } from '../fakeOpenApi/akskVerifier';
import { OPENAPI_PATHS, type FakeLedger, type FakeLogEntry, type LedgerRecord } from '../fakeOpenApi/fakeOpenApi';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../fakeOpenApi/server';
import { expireTime14, newOrderLine, unknownInstanceId, type OrderLine } from '../ids';
import type { Exchange } from '../marketplace';
import { FakeOpenApiControl, UsageIngestClient, type IngestOptions, type IngestRecord } from '../usageClient';
import { OK, call, createInstance, queryUntilReady, releaseBody } from '../v2Steps';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How often the ledger is read while waiting for the push. */
const POLL_MS = 250;

/** What an ingestion answer must be. */
interface IngestExpect {
  status: 200 | 400 | 401 | 422;
  stored?: number;
  duplicates?: number;
  /** Indexes of the refused records, in order. */
  refused?: number[];
}

/** State of one run of the scenario. */
interface UsageRun {
  ctx: ScenarioContext;
  ingest: UsageIngestClient;
  control: FakeOpenApiControl;
  /** Tag of this run in explicit metering_sns. */
  tag: string;
  /** The hour the run is anchored to (epoch ms, start of the current hour). */
  hour: number;
  /** Records the server accepted and must push, by {@link recordKey}. */
  expected: Map<string, IngestRecord>;
  /** When the first record was stored (epoch ms), for record_time. */
  startedAt: number;
}

/** ISO-8601 UTC, seconds precision, of `hoursAgo` whole hours before the run's hour. */
function hourIso(run: UsageRun, hoursAgo: number): string {
  return new Date(run.hour - hoursAgo * HOUR).toISOString().replace('.000Z', 'Z');
}

/** `yyyyMMdd'T'HHmmss'Z'` of an ISO time. */
function wireTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? `invalid:${iso}` : formatSdkDate(ms);
}

/** The same instant as an ISO UTC time, written with a +08:00 offset. */
function plus8(iso: string): string {
  return new Date(Date.parse(iso) + 8 * HOUR).toISOString().replace('.000Z', '+08:00');
}

/** What identifies one reported hour of one instance on the wire. */
function recordKey(instanceId: string, beginWire: string, endWire: string): string {
  return `${instanceId}|${beginWire}|${endWire}`;
}

function keyOf(r: IngestRecord): string {
  return recordKey(r.instanceId, wireTime(r.beginTime), wireTime(r.endTime));
}

/** One hourly record of `instanceId`, `hoursAgo` hours back (begin) to one hour later (end). */
function hourly(run: UsageRun, instanceId: string, hoursAgo: number, usageValue: number, extra: Partial<IngestRecord> = {}): IngestRecord {
  return { instanceId, usageValue, beginTime: hourIso(run, hoursAgo), endTime: hourIso(run, hoursAgo - 1), ...extra };
}

function snippet(answer: Exchange): string {
  return answer.body.toString('utf8').replace(/\s+/g, ' ').slice(0, 160);
}

/** The problems of an ingestion answer against what the contract says. */
function ingestProblems(answer: Exchange, records: unknown[], e: IngestExpect): string[] {
  if (answer.error) return [answer.error];
  const problems: string[] = [];
  if (answer.status !== e.status) problems.push(`HTTP ${answer.status} where the contract expects ${e.status} (answer: ${snippet(answer)})`);
  if (e.status !== 200 && e.status !== 422) return problems;
  const j = answer.json;
  if (!j) return [...problems, `answer is not a JSON object (${answer.parseError ?? 'no body'})`];
  if (problems.length > 0) return problems;
  if (e.stored !== undefined && j.stored !== e.stored) problems.push(`stored ${JSON.stringify(j.stored)} where ${e.stored} were expected`);
  if (e.duplicates !== undefined && j.duplicates !== e.duplicates) problems.push(`duplicates ${JSON.stringify(j.duplicates)} where ${e.duplicates} were expected`);
  if (!Array.isArray(j.refused)) return [...problems, 'refused is not an array'];
  const refused = j.refused as unknown[];
  const indexes = refused.map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>).index : undefined));
  const want = e.refused ?? [];
  if (JSON.stringify(indexes) !== JSON.stringify(want)) problems.push(`refused indexes ${JSON.stringify(indexes)} where ${JSON.stringify(want)} were expected`);
  refused.forEach((r, i) => {
    const item = (r ?? {}) as Record<string, unknown>;
    if (typeof item.reason !== 'string' || item.reason === '') problems.push(`refused[${i}] has no reason`);
    const sent = records[typeof item.index === 'number' ? item.index : -1] as Record<string, unknown> | undefined;
    if (typeof sent?.meteringSn === 'string' && item.meteringSn !== undefined && item.meteringSn !== sent.meteringSn) problems.push(`refused[${i}].meteringSn is not the record's`);
  });
  return problems;
}

function expectText(e: IngestExpect): string {
  const parts = [`HTTP ${e.status}`];
  if (e.stored !== undefined) parts.push(`${e.stored} stored`);
  if (e.duplicates) parts.push(`${e.duplicates} duplicates`);
  if (e.refused?.length) parts.push(`refused ${JSON.stringify(e.refused)}`);
  return parts.join(', ');
}

/** Posts to `POST /usage` and checks the answer; records the accepted ones as expected in the ledger. */
async function report(run: UsageRun, name: string, payload: IngestRecord[] | { records: IngestRecord[] }, e: IngestExpect, options: IngestOptions = {}): Promise<boolean> {
  const records = Array.isArray(payload) ? payload : payload.records;
  let answer: Exchange | undefined;
  const pass = await run.ctx.probe({
    name,
    expect: [expectText(e)],
    run: async (): Promise<ProbeResult> => {
      answer = await run.ingest.post(payload, options);
      return httpResult(answer, ingestProblems(answer, records, e));
    },
  });
  // What the server says it stored is what it must push (a wrong acceptance then shows in the ledger checks too).
  if ((answer?.status === 200 || answer?.status === 422) && Array.isArray(answer.json?.refused)) {
    const refused = new Set((answer.json.refused as unknown[]).map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>).index : undefined)));
    records.forEach((r, i) => {
      const key = keyOf(r);
      if (!refused.has(i) && !run.expected.has(key)) run.expected.set(key, r);
    });
    run.startedAt = Math.min(run.startedAt, Date.now() - answer.latencyMs);
  }
  return pass;
}

/** A raw ingestion request (hostile bodies and headers) that must be refused with `status`. */
async function refuse(run: UsageRun, name: string, status: 400 | 401, payload: unknown, options: IngestOptions = {}): Promise<void> {
  await run.ctx.probe({
    name,
    expect: [`HTTP ${status}`],
    run: async () => {
      const answer = await run.ingest.post(payload, options);
      return httpResult(answer, ingestProblems(answer, [], { status }));
    },
  });
}

/** Starts the in-process fake or checks the given one answers; resolves to its URL (undefined: aborted). */
async function openFake(ctx: ScenarioContext, options: UsageOptions, keep: (f: RunningFakeOpenApi) => void): Promise<string | undefined> {
  let url = options.openapiUrl;
  if (url === undefined) {
    const where = options.startOpenApi;
    if (!where) {
      ctx.fail('fake open API', 'neither --openapi URL nor an address to start one on (KG_OPENAPI_ENDPOINT, a loopback http:// URL) was given');
      return undefined;
    }
    const ok = await ctx.probe({
      name: `start a fake open API on ${where.host}:${where.port}`,
      expect: ['listening'],
      run: async () => {
        const fake = await startFakeOpenApi({ host: where.host, port: where.port, ak: where.ak, sk: where.sk, key: ctx.options.key, knownInstances: 'registered' });
        keep(fake);
        url = fake.url;
        return { actual: 'listening', problems: [] };
      },
    });
    if (!ok) return undefined;
  } else {
    const control = new FakeOpenApiControl(url, ctx.options.timeoutMs);
    const ok = await ctx.probe({ name: 'fake open API answers (GET /_openapi/usage)', expect: ['HTTP 200'], run: async () => (await control.ledger(['-']), { actual: 'HTTP 200', problems: [] }) });
    if (!ok) return undefined;
  }
  return url;
}

function order(line: OrderLine, chargingMode: 'ON_DEMAND' | 'PERIOD'): Record<string, unknown> {
  const createTime = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const period = chargingMode === 'PERIOD' ? { periodType: 'month', periodNumber: 1, expireTime: expireTime14(30) } : {};
  return { orderId: line.orderId, orderType: 'NEW', createTime, orderLine: [{ orderLineId: line.orderLineId, chargingMode, ...period }] };
}

/** Waits until `test` holds, reading the ledger every {@link POLL_MS}; resolves to the last ledger read. */
async function waitForLedger(run: UsageRun, instances: string[], waitMs: number, test: (l: FakeLedger) => boolean): Promise<FakeLedger> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const ledger = await run.control.ledger(instances);
    if (test(ledger) || Date.now() >= deadline) return ledger;
    await sleep(POLL_MS);
  }
}

/** Usage-data requests since `afterSeq` whose refusal says the push itself was malformed. */
function malformedPushes(log: FakeLogEntry[]): FakeLogEntry[] {
  const bad = new Set(['APIGW.0301', 'MKT.0101', 'MKT.0102', 'MKT.9003']);
  return log.filter((e) => (e.api === 'usage' || e.api === 'order') && bad.has(e.code));
}

/** Compares one pushed record with what was reported. */
function recordProblems(run: UsageRun, sent: IngestRecord, got: LedgerRecord): string[] {
  const p: string[] = [];
  const what = `${sent.instanceId} ${sent.beginTime}`;
  if (Number(got.usage_value) !== sent.usageValue) p.push(`${what}: usage_value ${JSON.stringify(got.usage_value)} instead of ${sent.usageValue}`);
  if (typeof got.usage_value === 'string' && !/^\d+(\.\d{1,4})?$/.test(got.usage_value)) p.push(`${what}: usage_value "${got.usage_value}" is not a plain decimal`);
  if (sent.meteringSn !== undefined && got.metering_sn !== sent.meteringSn) p.push(`${what}: metering_sn ${got.metering_sn} instead of ${sent.meteringSn}`);
  if ((got.relate_pkg_instance ?? undefined) !== sent.relatePkgInstance) p.push(`${what}: relate_pkg_instance ${JSON.stringify(got.relate_pkg_instance)} instead of ${JSON.stringify(sent.relatePkgInstance)}`);
  const recordTime = Date.parse(`${got.record_time.slice(0, 4)}-${got.record_time.slice(4, 6)}-${got.record_time.slice(6, 8)}T${got.record_time.slice(9, 11)}:${got.record_time.slice(11, 13)}:${got.record_time.slice(13, 15)}Z`);
  if (!(recordTime >= run.startedAt - 60_000 && recordTime <= got.acceptedAt + 60_000)) p.push(`${what}: record_time ${got.record_time} is not the time of the push`);
  return p;
}

/** Runs the scenario. */
export async function usage(ctx: ScenarioContext): Promise<void> {
  const options = ctx.options.usage;
  if (!options) {
    ctx.fail('usage settings', 'no ingest key and open API given (--ingest-key, and --openapi URL or KG_OPENAPI_ENDPOINT with KG_OPENAPI_AK/SK)');
    return;
  }
  let fake: RunningFakeOpenApi | undefined;
  try {
    const url = await openFake(ctx, options, (f) => (fake = f));
    if (url === undefined) return;
    await play(ctx, options, url);
  } finally {
    await fake?.close();
  }
}

async function play(ctx: ScenarioContext, options: UsageOptions, fakeUrl: string): Promise<void> {
  const { timeoutMs } = ctx.options;
  const control = new FakeOpenApiControl(fakeUrl, timeoutMs);
  const run: UsageRun = {
    ctx,
    ingest: new UsageIngestClient(options.ingestUrl ?? UsageIngestClient.urlFor(ctx.options.url), options.ingestKey, timeoutMs),
    control,
    tag: randomBytes(5).toString('hex'),
    hour: Math.floor(Date.now() / HOUR) * HOUR,
    expected: new Map(),
    startedAt: Number.POSITIVE_INFINITY,
  };
  const { seq: startSeq } = await control.requests(Number.MAX_SAFE_INTEGER);

  // Orders first, so the server's instance enrichment (query order) finds them.
  const lines = { a: newOrderLine(), b: newOrderLine(), c: newOrderLine(), released: newOrderLine(), period: newOrderLine() };
  const registered = await ctx.probe({
    name: 'register the orders in the fake open API (4 ON_DEMAND, 1 PERIOD)',
    expect: ['registered'],
    run: async () => {
      await control.registerOrders([order(lines.a, 'ON_DEMAND'), order(lines.b, 'ON_DEMAND'), order(lines.c, 'ON_DEMAND'), order(lines.released, 'ON_DEMAND'), order(lines.period, 'PERIOD')]);
      return { actual: 'registered', problems: [] };
    },
  });
  if (!registered) return;

  const a = await createInstance(ctx, lines.a, 'newInstance (on-demand A, basic key)');
  const b = await createInstance(ctx, lines.b, 'newInstance (on-demand B)');
  const c = await createInstance(ctx, lines.c, 'newInstance (on-demand C)');
  const released = await createInstance(ctx, lines.released, 'newInstance (on-demand, to be released)');
  const period = await createInstance(ctx, lines.period, 'newInstance (order says PERIOD)');
  for (const [id, label] of [[a, 'A'], [b, 'B'], [c, 'C'], [released, 'to be released'], [period, 'PERIOD']] as const) {
    await queryUntilReady(ctx, id, `queryInstance (${label})`);
  }
  const unknown = unknownInstanceId();
  const ours = [a, b, c, released, period, unknown];
  await ctx.probe({
    name: 'register the instances in the fake open API',
    expect: ['registered'],
    run: async () => (await control.registerInstances([a, b, c, released, period]), { actual: 'registered', problems: [] }),
  });
  await call(ctx, 'releaseInstance (the released one)', releaseBody(released), OK);

  const rejectSn = `emu-${run.tag}-rejected-by-kg`;
  await ctx.probe({
    name: 'inject into the fake open API: one MKT.0250, one HTTP 500, one per-record rejection',
    expect: ['set'],
    run: async () => (await control.setFaults({ rate429: 1, http500: 1, rejectSn: [rejectSn] }), { actual: 'set', problems: [] }),
  });

  // Valid usage: 12 hourly records (explicit and generated metering_sns, decimals, a package instance).
  const sn = (label: string, h: number) => `emu-${run.tag}-${label}-${h}`;
  const first: IngestRecord[] = [];
  for (const h of [2, 3, 4, 5]) {
    first.push(hourly(run, a, h, h, { meteringSn: sn('a', h) }));
    first.push(hourly(run, b, h, h + 0.5));
    first.push(hourly(run, c, h, h === 2 ? 0.0001 : h === 3 ? 12345678.1234 : h * 10, h % 2 === 0 ? { meteringSn: sn('c', h) } : h === 5 ? { relatePkgInstance: `emu-pkg-${run.tag}` } : {}));
  }
  await report(run, 'POST /usage: 12 hourly records (JSON array)', first, { status: 200, stored: 12, duplicates: 0, refused: [] });
  const doomed = hourly(run, b, 1, 8, { meteringSn: rejectSn });
  await report(run, 'POST /usage: {records: [...]} form, one record the open API will refuse', { records: [hourly(run, a, 1, 7, { meteringSn: sn('a', 1) }), doomed] }, { status: 200, stored: 2, duplicates: 0, refused: [] });
  await report(run, 'POST /usage: the same 12 records again (idempotent)', first, { status: 200, stored: 0, duplicates: 12, refused: [] });
  await report(run, 'POST /usage: a stored meteringSn with another value', [hourly(run, a, 2, 99, { meteringSn: sn('a', 2) })], { status: 422, stored: 0, refused: [0] });
  await report(run, 'POST /usage: one valid and one invalid record', [hourly(run, c, 6, 6), hourly(run, a, 6, -1)], { status: 422, stored: 1, refused: [1] });
  // Released after its last full hour: the hours it lived are still billable, so they are accepted and pushed.
  await report(run, 'POST /usage: an hour of the released instance from before its release', [hourly(run, released, 2, 1)], { status: 200, stored: 1, duplicates: 0, refused: [] });

  // Hostile requests: each carries a valid record of an hour nothing else reports, so an acceptance shows in the ledger too.
  const probeRecord = (h: number) => [hourly(run, a, h, 1)];
  await refuse(run, 'POST /usage signed with another key', 401, probeRecord(10), { key: `${options.ingestKey}-not` });
  await refuse(run, 'POST /usage with the signature of another body', 401, probeRecord(11), { signedBody: JSON.stringify(probeRecord(12)) });
  await refuse(run, 'POST /usage with a malformed signature', 401, probeRecord(11), { signature: 'not-hex' });
  await refuse(run, 'POST /usage with a timestamp 6 minutes old', 401, probeRecord(12), { timestampOffsetMs: -6 * 60_000 });
  await refuse(run, 'POST /usage with a timestamp 6 minutes ahead', 401, probeRecord(13), { timestampOffsetMs: 6 * 60_000 });
  await refuse(run, 'POST /usage without x-kg-signature', 401, probeRecord(14), { omit: ['x-kg-signature'] });
  await refuse(run, 'POST /usage without x-kg-timestamp', 401, probeRecord(15), { omit: ['x-kg-timestamp'] });
  await refuse(run, 'POST /usage with a body that is not JSON', 400, undefined, { rawBody: '[{"instanceId":' });
  await refuse(run, 'POST /usage with a JSON number as body', 400, 42);
  await refuse(run, 'POST /usage with {records: "x"}', 400, { records: 'x' });

  // Records the open API would refuse: the server must refuse them at ingestion.
  const day22 = Math.floor((Date.now() - 22 * DAY) / HOUR) * HOUR;
  const invalid: Array<[string, IngestRecord]> = [
    ['negative usageValue', hourly(run, a, 16, -3)],
    ['usageValue 0', hourly(run, a, 17, 0)],
    ['usageValue with 5 decimals', hourly(run, a, 18, 1.00001)],
    ['beginTime 22 days ago', { instanceId: a, usageValue: 1, beginTime: new Date(day22).toISOString(), endTime: new Date(day22 + HOUR).toISOString() }],
    ['endTime before beginTime', { ...hourly(run, a, 19, 1), endTime: hourIso(run, 20) }],
    ['endTime equal to beginTime', { ...hourly(run, a, 21, 1), endTime: hourIso(run, 21) }],
    ['beginTime not a time', { ...hourly(run, a, 22, 1), beginTime: 'yesterday' }],
    ['times with a +08:00 offset (not UTC)', { ...hourly(run, a, 23, 1), beginTime: plus8(hourIso(run, 23)), endTime: plus8(hourIso(run, 22)) }],
    ['unknown instance', hourly(run, unknown, 2, 1)],
    ['no instanceId', { ...hourly(run, a, 24, 1), instanceId: undefined as unknown as string }],
  ];
  for (const [label, record] of invalid) await report(run, `POST /usage refuses a record: ${label}`, [record], { status: 422, stored: 0, refused: [0] });

  // On-demand "as far as the order query says": once the server has queried the PERIOD order, usage for it is refused.
  let log: FakeLogEntry[] = [];
  const queried = await ctx.probe({
    name: 'the server queried the order of a new instance (enrichment), with a valid AK/SK',
    expect: ['GET order/query MKT.0000'],
    run: async () => {
      const deadline = Date.now() + options.pushWaitMs;
      for (;;) {
        log = (await control.requests(startSeq)).requests;
        const hit = log.find((e) => e.api === 'order' && e.orderId === lines.period.orderId && e.code === 'MKT.0000');
        if (hit) return { actual: 'GET order/query MKT.0000', problems: [] };
        if (Date.now() >= deadline) {
          const tried = log.filter((e) => e.api === 'order' && e.orderId === lines.period.orderId);
          const others = new Set(log.filter((e) => e.api === 'order').map((e) => e.orderId)).size;
          return { actual: tried[0]?.code ?? 'no query', problems: [tried.length ? `order queries answered ${tried.map((e) => `${e.code}${e.reason ? ` (${e.reason})` : ''}`).join(', ')}` : `no query of order ${lines.period.orderId} within ${options.pushWaitMs} ms (${others} other orders queried)`] };
        }
        await sleep(POLL_MS);
      }
    },
  });
  if (queried) {
    await sleep(1000);
    await report(run, 'POST /usage refuses a record: instance whose order is PERIOD', [hourly(run, period, 2, 1)], { status: 422, stored: 0, refused: [0] });
  } else {
    ctx.skip('POST /usage refuses a record: instance whose order is PERIOD', 'the server never queried the order');
  }

  // The push: the server's usage-push timer must deliver everything accepted, exactly once, but the doomed record.
  run.expected.delete(keyOf(doomed));
  const keys = [...run.expected.keys()];
  const present = (l: FakeLedger) => new Set(l.records.map((r) => recordKey(r.instance_id, r.begin_time, r.end_time)));
  const ledger = await waitForLedger(run, ours, options.pushWaitMs, (l) => {
    const have = present(l);
    return keys.every((k) => have.has(k)) && l.rejected.some((r) => r.metering_sn === rejectSn);
  });
  log = (await control.requests(startSeq)).requests;
  const have = present(ledger);
  const byKey = new Map(ledger.records.map((r) => [recordKey(r.instance_id, r.begin_time, r.end_time), r]));
  await ctx.probe({
    name: `usage-push delivered every accepted record to the open API (${keys.length})`,
    expect: [`${keys.length} records in the ledger`],
    run: async () => {
      const missing = keys.filter((k) => !have.has(k));
      const problems: string[] = [];
      if (missing.length > 0) {
        problems.push(`${missing.length} of ${keys.length} records not delivered within ${options.pushWaitMs} ms (e.g. ${missing.slice(0, 2).join(', ')})`);
        const pushes = log.filter((e) => e.api === 'usage');
        if (pushes.length === 0) problems.push(`the server never called ${OPENAPI_PATHS.usageData} on ${fakeUrl} (usage-push not running, or KG_OPENAPI_ENDPOINT not this fake?)`);
        else problems.push(`pushes answered: ${[...new Set(pushes.map((e) => `${e.code}${e.reason ? ` (${e.reason.slice(0, 80)})` : ''}`))].join('; ')}`);
      }
      return { actual: `${keys.length - missing.length} records in the ledger`, problems };
    },
  });
  await ctx.probe({
    name: 'each pushed record carries what was reported (value, times, metering_sn, package, record_time)',
    expect: ['all match'],
    run: async () => {
      const problems: string[] = [];
      for (const [k, sent] of run.expected) {
        const got = byKey.get(k);
        if (got) problems.push(...recordProblems(run, sent, got));
      }
      return { actual: problems.length ? `${problems.length} mismatches` : 'all match', problems: problems.slice(0, 5) };
    },
  });
  await ctx.probe({
    name: 'no record pushed twice, no metering_sn reused for other usage',
    expect: ['0 duplicates, 0 conflicts'],
    run: async () => {
      const twice = ledger.records.filter((r) => r.duplicates > 0 || r.conflicts > 0);
      return { actual: `${ledger.duplicates} duplicates, ${ledger.conflicts} conflicts`, problems: twice.slice(0, 3).map((r) => `${r.metering_sn} (${r.instance_id} ${r.begin_time}) pushed ${r.duplicates + 1} times${r.conflicts ? ', with other usage' : ''}`) };
    },
  });
  await ctx.probe({
    name: 'records refused at ingestion never reached the open API',
    expect: ['none'],
    run: async () => {
      const extra = ledger.records.filter((r) => !run.expected.has(recordKey(r.instance_id, r.begin_time, r.end_time)));
      return { actual: extra.length ? `${extra.length} extra` : 'none', problems: extra.slice(0, 3).map((r) => `${r.instance_id} ${r.begin_time}-${r.end_time} value ${String(r.usage_value)} was pushed`) };
    },
  });
  await ctx.probe({
    name: 'a record the open API refuses is not retried as accepted: it goes to the dead letters, the rest of its batch is delivered',
    expect: ['refused, not in the ledger'],
    run: async () => {
      const problems: string[] = [];
      if (!ledger.rejected.some((r) => r.metering_sn === rejectSn)) problems.push(`${rejectSn} was never pushed (or never refused)`);
      if (ledger.records.some((r) => r.metering_sn === rejectSn)) problems.push(`${rejectSn} ended in the ledger`);
      const others = ledger.rejected.filter((r) => r.metering_sn !== rejectSn);
      if (others.length > 0) problems.push(`the open API refused records the server had accepted: ${others.slice(0, 3).map((r) => `${r.metering_sn ?? '?'} ${r.error_code} ${r.error_msg}`).join('; ')}`);
      return { actual: problems.length ? 'not as expected' : 'refused, not in the ledger', problems };
    },
  });
  await ctx.probe({
    name: 'the injected MKT.0250 and HTTP 500 were retried',
    expect: ['both injected, records delivered'],
    run: async () => {
      const { injected, faults } = await control.ledger(['-']);
      const problems: string[] = [];
      if (injected.rate429 < 1 || faults.rate429 > 0) problems.push('MKT.0250 was not injected (no push reached the fake)');
      if (injected.http500 < 1 || faults.http500 > 0) problems.push('HTTP 500 was not injected (no push reached the fake)');
      return { actual: problems.length ? 'not injected' : 'both injected, records delivered', problems };
    },
  });
  await ctx.probe({
    name: 'every open API call passed the AK/SK and body-signature checks, no push over 1000 records',
    expect: ['all well formed'],
    run: async () => {
      const bad = malformedPushes(log);
      const problems = bad.slice(0, 3).map((e) => `${e.method} ${e.path}: ${e.code}${e.reason ? ` (${e.reason})` : ''}`);
      if (bad.length > 3) problems.push(`and ${bad.length - 3} more`);
      return { actual: bad.length ? `${bad.length} refused` : 'all well formed', problems };
    },
  });

  for (const [id, label] of [[a, 'A'], [b, 'B'], [c, 'C'], [period, 'PERIOD']] as const) await call(ctx, `releaseInstance (${label})`, releaseBody(id), OK);
}
