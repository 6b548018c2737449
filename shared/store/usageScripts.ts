/**
 * The Lua scripts of RedisUsageLedger. Same rules as scripts.ts: all keys in KEYS[] under one hash tag, no
 * key made up inside a script, nothing random or clock-dependent written (times come in ARGV), bounded work
 * (callers send at most a few hundred records per call).
 *
 * Shared shapes: meta = `<fingerprint 64 hex>|<hour>|<instanceId>`, so `string.sub(meta, 66)` is the counter
 * suffix `<hour>|<instanceId>`; counter fields are `<q|p|d>|<suffix>` and are removed when they reach 0.
 * @module
 */
import type { ScriptDefinition } from './scripts';

/** Moves one record's count from state `from` to state `to` (letters); `from` '' only adds. */
const MOVE_COUNT = `
local function move(countKey, meta, from, to)
  if not meta then return end
  local suffix = string.sub(meta, 66)
  if from ~= '' then
    local field = from .. '|' .. suffix
    if redis.call('HINCRBY', countKey, field, -1) <= 0 then redis.call('HDEL', countKey, field) end
  end
  if to ~= '' then redis.call('HINCRBY', countKey, to .. '|' .. suffix, 1) end
end
`;

/**
 * Adds records. KEYS: rec, meta, pending, count. ARGV: now (due time), then per record: sn, meta, JSON.
 * Returns one number per record: 1 stored, 0 duplicate (same fingerprint), -1 conflict.
 */
export const USAGE_ADD: ScriptDefinition = {
  numberOfKeys: 4,
  lua: `${MOVE_COUNT}
local out = {}
local i = 2
while i + 2 <= #ARGV do
  local sn, meta, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local old = redis.call('HGET', KEYS[2], sn)
  if old then
    if string.sub(old, 1, 64) == string.sub(meta, 1, 64) then out[#out + 1] = 0 else out[#out + 1] = -1 end
  else
    redis.call('HSET', KEYS[2], sn, meta)
    redis.call('HSET', KEYS[1], sn, json)
    redis.call('ZADD', KEYS[3], ARGV[1], sn)
    move(KEYS[4], meta, '', 'q')
    out[#out + 1] = 1
  end
  i = i + 3
end
return out
`,
};

/**
 * Leases due members of a due-set (usage records, order queries): each moves to the lease end and comes back
 * with its field of a hash beside the set (a record's JSON, a query's attempts). KEYS: due, hash. ARGV: now,
 * lease end, limit. Returns `[member, value or '', ...]`, earliest due first.
 */
export const LEASE_DUE: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, member in ipairs(members) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], member)
  out[#out + 1] = member
  out[#out + 1] = redis.call('HGET', KEYS[2], member) or ''
end
return out
`,
};

/**
 * Settles records. KEYS: pending, pushed, dead, why, meta, count. ARGV: now, number of pushed sns P, P sns,
 * then pairs (sn, why JSON) to dead-letter. Only records still pending move. Returns `{pushed, dead}` moved.
 */
export const USAGE_SETTLE: ScriptDefinition = {
  numberOfKeys: 6,
  lua: `${MOVE_COUNT}
local p, d = 0, 0
local np = tonumber(ARGV[2])
for i = 3, 2 + np do
  local sn = ARGV[i]
  if redis.call('ZREM', KEYS[1], sn) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[1], sn)
    move(KEYS[6], redis.call('HGET', KEYS[5], sn), 'q', 'p')
    p = p + 1
  end
end
local i = 3 + np
while i + 1 <= #ARGV do
  local sn = ARGV[i]
  if redis.call('ZREM', KEYS[1], sn) == 1 then
    redis.call('ZADD', KEYS[3], ARGV[1], sn)
    redis.call('HSET', KEYS[4], sn, ARGV[i + 1])
    move(KEYS[6], redis.call('HGET', KEYS[5], sn), 'q', 'd')
    d = d + 1
  end
  i = i + 2
end
return {p, d}
`,
};

/** Requeues dead records. KEYS: pending, dead, why, meta, count. ARGV: now, sns. Returns how many moved. */
export const USAGE_REQUEUE: ScriptDefinition = {
  numberOfKeys: 5,
  lua: `${MOVE_COUNT}
local n = 0
for i = 2, #ARGV do
  local sn = ARGV[i]
  if redis.call('ZREM', KEYS[2], sn) == 1 then
    redis.call('HDEL', KEYS[3], sn)
    redis.call('ZADD', KEYS[1], ARGV[1], sn)
    move(KEYS[5], redis.call('HGET', KEYS[4], sn), 'd', 'q')
    n = n + 1
  end
end
return n
`,
};

/**
 * Drops old settled records. KEYS: pushed, dead, why, rec, meta, count. ARGV: pushed-before, dead-before,
 * limit (per state). Returns how many were dropped.
 */
export const USAGE_SWEEP: ScriptDefinition = {
  numberOfKeys: 6,
  lua: `${MOVE_COUNT}
local n = 0
local function drop(setKey, sn, letter)
  redis.call('ZREM', setKey, sn)
  move(KEYS[6], redis.call('HGET', KEYS[5], sn), letter, '')
  redis.call('HDEL', KEYS[4], sn)
  redis.call('HDEL', KEYS[5], sn)
  n = n + 1
end
for _, sn in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))) do
  drop(KEYS[1], sn, 'p')
end
for _, sn in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  redis.call('HDEL', KEYS[3], sn)
  drop(KEYS[2], sn, 'd')
end
return n
`,
};

/**
 * Looks records up. KEYS: rec, pending, pushed, dead, why. ARGV: sns.
 * Returns per sn `[JSON or '', state letter or '', score or '', why or '']`, flattened.
 */
export const USAGE_LOOKUP: ScriptDefinition = {
  numberOfKeys: 5,
  lua: `
local out = {}
for i = 1, #ARGV do
  local sn = ARGV[i]
  local json = redis.call('HGET', KEYS[1], sn) or ''
  local state, score, why = '', '', ''
  local s = redis.call('ZSCORE', KEYS[2], sn)
  if s then state, score = 'q', s else
    s = redis.call('ZSCORE', KEYS[3], sn)
    if s then state, score = 'p', s else
      s = redis.call('ZSCORE', KEYS[4], sn)
      if s then state, score, why = 'd', s, (redis.call('HGET', KEYS[5], sn) or '') end
    end
  end
  out[#out + 1] = json
  out[#out + 1] = state
  out[#out + 1] = score
  out[#out + 1] = why
end
return out
`,
};

/** A failed order query. KEYS: due, tries. ARGV: instanceId, due. Returns attempts (0 when not queued). */
export const ENRICH_RETRY: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
`,
};

/** A finished order query. KEYS: due, tries. ARGV: instanceId. */
export const ENRICH_COMPLETE: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`,
};
