/**
 * The reference of the CPU-ratio benchmark (issue 15): the least a V2 basic call must cost, written
 * without the engine, to read `produce`'s CPU per call against. For each call it does the protocol work
 * only, and all of it:
 * 1. V2 verify: timestamp within the window (ms, or s for 10 digits or fewer), nonce and signature present,
 *    `hex(HMAC(AK, AK + nonce + timestamp + hex(HMAC(AK, payload))))` over the canonical payload (top-level
 *    members sorted by code unit, nulls dropped, compact), compared in constant time;
 * 2. a small zod/mini schema per activity;
 * 3. the instance id: derived from (orderId, orderLineId) with the project's default deriver for
 *    newInstance, the body's `instanceId` otherwise;
 * 4. one EVALSHA on Redis: reserve the nonce (`SET NX EX`, 300 s like produce) and read the stored answer
 *    (`HGET`, newInstance and refreshInstance retries) or the instance's fields (`HMGET`, queryInstance);
 * 5. the JSON answer.
 * What it leaves out, on purpose: the audit entry, the failure stream, the log line, the `Body-Sign`
 * header, sealed credentials at rest, compare-and-set, key rings and V1. It serves retries only: a
 * newInstance or refreshInstance without a stored answer is answered `000005`.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { enum as oneOf, maxLength, minLength, object, optional, regex, safeParse, string } from 'zod/mini';
import { deriveInstanceId } from '../../shared/lifecycle/instanceId';
import { toApigResponse, type ApigEvent, type ApigResponse, type HttpRequest, type HttpResponse } from '../../shared/platform/apig';
import { hmacSha256 } from '../../shared/security/hmac';

/** How long a nonce stays reserved (s): produce's floor. */
const NONCE_TTL_S = 300;
/** The freshness window (ms), both directions, as produce's default. */
const WINDOW_MS = 60_000;
const MAX_BODY_BYTES = 64 * 1024;

const text = (max: number) => string().check(minLength(1), maxLength(max));

/** The reference's schemas: the fields produce's schemas check for these activities. */
const SCHEMAS = {
  newInstance: object({ activity: oneOf(['newInstance']), orderId: text(64), orderLineId: text(64), businessId: text(64) }),
  queryInstance: object({ activity: oneOf(['queryInstance']), instanceId: text(64) }),
  refreshInstance: object({
    activity: oneOf(['refreshInstance']),
    instanceId: text(64),
    orderId: text(64),
    orderLineId: text(64),
    scene: oneOf(['TRIAL_TO_FORMAL', 'RENEWAL', 'UNSUBSCRIBE_RENEWAL_PERIOD', 'RENEWAL_CHANGE']),
    expireTime: string().check(regex(/^\d{14}(\d{3})?$/)),
    productId: optional(string().check(maxLength(64))),
  }),
} as const;

type Activity = keyof typeof SCHEMAS;

/** KEYS: nonce key, answer hash. ARGV: nonce TTL (s), answer field. `{0}` for a replayed nonce, else `{1, answer}`. */
const REPLAY_LUA = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return {0} end
return {1, redis.call('HGET', KEYS[2], ARGV[2])}
`;

/** Fields a query answer is built from, in answer order after `status`. */
const QUERY_FIELDS = ['status', 'frontEndUrl', 'adminUrl', 'userName', 'password', 'memo'] as const;

/** KEYS: nonce key, answer hash. ARGV: nonce TTL (s). `{0}` for a replayed nonce, else `{1, {status, ...}}`. */
const QUERY_LUA = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return {0} end
return {1, redis.call('HMGET', KEYS[2], ${QUERY_FIELDS.map((f) => `'${f}'`).join(', ')})}
`;

interface ReferenceScripts {
  refReplay(nonceKey: string, hashKey: string, ttl: number, field: string): Promise<unknown>;
  refQuery(nonceKey: string, hashKey: string, ttl: number): Promise<unknown>;
}

/** The reference's hash of one instance: stored answers and the query fields. */
function referenceHashKey(instanceId: string): string {
  return `ref:{${instanceId}}`;
}

function nonceKeyOf(instanceId: string, nonce: string): string {
  return `ref:{${instanceId}}:nonce:${nonce}`;
}

/** The field of a stored newInstance answer. */
function newInstanceField(orderId: string, orderLineId: string): string {
  return `n\u0000${orderId}\u0000${orderLineId}`;
}

/** The field of a stored refreshInstance answer. */
function refreshField(orderId: string, orderLineId: string, scene: string): string {
  return `r\u0000${orderId}\u0000${orderLineId}\u0000${scene}`;
}

/** A request as the reference reads it: the decoded query and the body bytes. */
export type ReferenceRequest = Pick<HttpRequest, 'query' | 'body'>;

/** Options of {@link createReferenceHandler}. */
export interface ReferenceOptions {
  /** A ready ioredis client; the reference defines its two scripts on it. */
  redis: Redis;
  /** The basic-interface access key (one key, no ring). */
  key: string;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
}

/** One map for every answer: both ways out (toApigResponse, the node:http server) copy it. */
const HEADERS: Record<string, string> = { 'Content-Type': 'application/json;charset=UTF-8' };

/** The reference's answer: always HTTP 200 JSON, as produce's. */
function answer(body: string): HttpResponse {
  return { statusCode: 200, headers: HEADERS, body };
}

function refuse(resultCode: string, resultMsg: string): HttpResponse {
  return answer(JSON.stringify({ resultCode, resultMsg }));
}

/** A refusal raised by verify or parse. */
class Refusal extends Error {
  constructor(readonly resultCode: string, message: string) {
    super(message);
  }
}

/** The canonical payload of a flat JSON object: top-level members sorted by code unit, nulls dropped. */
function canonical(body: Record<string, unknown>): string {
  const keys = Object.keys(body).sort();
  let out = '{';
  for (const k of keys) {
    const v = body[k];
    if (v === null || v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(v)}`;
  }
  return `${out}}`;
}

/** Step 1: the V2 signature checks, in produce's order. */
function verifyV2(query: ReferenceRequest['query'], body: Record<string, unknown>, key: string, nowMs: number): string {
  const { timestamp, nonce, signature } = query;
  if (!timestamp || !/^\d{1,16}$/.test(timestamp)) throw new Refusal('000002', 'timestamp is missing or malformed');
  const ms = timestamp.length <= 10 ? Number(timestamp) * 1000 : Number(timestamp);
  if (Math.abs(nowMs - ms) > WINDOW_MS) throw new Refusal('000002', 'timestamp is outside the window');
  if (!nonce) throw new Refusal('000002', 'nonce is missing');
  if (!signature) throw new Refusal('000001', 'signature is missing');
  const inner = hmacSha256(key, canonical(body)).toString('hex');
  const expected = Buffer.from(hmacSha256(key, key + nonce + timestamp + inner).toString('hex'), 'utf8');
  const received = Buffer.from(signature.toLowerCase(), 'utf8');
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) throw new Refusal('000001', 'signature does not match');
  return nonce;
}

/** The body as a JSON object (read before step 1: the signature covers its canonical form). */
function parseBody(bytes: Buffer): Record<string, unknown> {
  if (bytes.length > MAX_BODY_BYTES) throw new Refusal('000002', 'body too large');
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Refusal('000002', 'body is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Refusal('000002', 'body is not a JSON object');
  return raw as Record<string, unknown>;
}

/** Step 2: the activity's schema. */
function parseActivity(body: Record<string, unknown>): { activity: Activity; fields: Record<string, string> } {
  const activity = body.activity;
  if (typeof activity !== 'string' || !Object.hasOwn(SCHEMAS, activity)) throw new Refusal('000002', 'activity: unknown');
  const parsed = safeParse(SCHEMAS[activity as Activity], body);
  if (!parsed.success) throw new Refusal('000002', `${activity}: invalid parameter`);
  return { activity: activity as Activity, fields: parsed.data as Record<string, string> };
}

/**
 * Creates the reference handler on `redis`.
 * @example
 * const handle = createReferenceHandler({ redis, key });
 * const res = await handle({ query: { signature, timestamp, nonce }, body: Buffer.from(text) });
 */
export function createReferenceHandler(options: ReferenceOptions): (req: ReferenceRequest) => Promise<HttpResponse> {
  const { redis, key } = options;
  const clock = options.clock ?? Date.now;
  redis.defineCommand('refReplay', { numberOfKeys: 2, lua: REPLAY_LUA });
  redis.defineCommand('refQuery', { numberOfKeys: 2, lua: QUERY_LUA });
  const scripts = redis as unknown as ReferenceScripts;

  return async (req) => {
    let nonce: string;
    let activity: Activity;
    let fields: Record<string, string>;
    try {
      const body = parseBody(req.body);
      nonce = verifyV2(req.query, body, key, clock());
      ({ activity, fields } = parseActivity(body));
    } catch (err) {
      if (err instanceof Refusal) return refuse(err.resultCode, err.message);
      return refuse('000005', 'internal error');
    }
    const instanceId = activity === 'newInstance' ? deriveInstanceId(fields.orderId!, fields.orderLineId!) : fields.instanceId!;
    let reply: unknown;
    try {
      reply = activity === 'queryInstance'
        ? await scripts.refQuery(nonceKeyOf(instanceId, nonce), referenceHashKey(instanceId), NONCE_TTL_S)
        : await scripts.refReplay(
            nonceKeyOf(instanceId, nonce),
            referenceHashKey(instanceId),
            NONCE_TTL_S,
            activity === 'newInstance'
              ? newInstanceField(fields.orderId!, fields.orderLineId!)
              : refreshField(fields.orderId!, fields.orderLineId!, fields.scene!),
          );
    } catch {
      return refuse('000005', 'store unavailable');
    }
    const [fresh, value] = Array.isArray(reply) ? (reply as [unknown, unknown]) : [0, undefined];
    if (fresh !== 1) return refuse('000002', 'nonce has already been used');
    if (activity !== 'queryInstance') {
      return typeof value === 'string' ? answer(value) : refuse('000005', 'no stored answer (the reference serves retries only)');
    }
    const values = Array.isArray(value) ? (value as Array<string | null>) : [];
    if (typeof values[0] !== 'string') return refuse('000003', `instance is invalid: ${instanceId}`);
    const appInfo: Record<string, string> = {};
    QUERY_FIELDS.forEach((f, i) => {
      const v = values[i];
      if (i > 0 && typeof v === 'string') appInfo[f] = v;
    });
    return answer(JSON.stringify({ resultCode: '000000', resultMsg: 'success.', info: [{ instanceId, appInfo }] }));
  };
}

/** The reference behind an APIG event, as a function would receive it (base64 body, decoded query). */
export function referenceApigHandler(handle: (req: ReferenceRequest) => Promise<HttpResponse>): (event: ApigEvent) => Promise<ApigResponse> {
  return async (event) => {
    const raw = typeof event.body === 'string' ? event.body : '';
    const body = event.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    return toApigResponse(await handle({ query: (event.queryStringParameters ?? {}) as Record<string, string>, body }));
  };
}

/** What the reference needs to answer retries of one instance. */
export interface ReferenceSeed {
  instanceId: string;
  newInstance: { orderId: string; orderLineId: string; body: string };
  refresh: { orderId: string; orderLineId: string; scene: string; body: string };
  status: string;
  appInfo: Partial<Record<(typeof QUERY_FIELDS)[number], string>>;
}

/** Writes `seed` where the reference reads it. */
export async function seedReferenceInstance(redis: Redis, seed: ReferenceSeed): Promise<void> {
  const values: Record<string, string> = {
    [newInstanceField(seed.newInstance.orderId, seed.newInstance.orderLineId)]: seed.newInstance.body,
    [refreshField(seed.refresh.orderId, seed.refresh.orderLineId, seed.refresh.scene)]: seed.refresh.body,
    status: seed.status,
  };
  for (const [k, v] of Object.entries(seed.appInfo)) if (v !== undefined) values[k] = v;
  await redis.hset(referenceHashKey(seed.instanceId), values);
}
