/**
 * The Lua scripts of RedisStore. Rules that keep them portable across every DCS mode: all keys come
 * in KEYS[] and share one hash tag, no key name is made up inside a script, nothing random or
 * time-dependent is written, and each script does a bounded amount of work (well under the 5 s limit).
 * @module
 */

/** A script as ioredis `defineCommand` takes it. */
export interface ScriptDefinition {
  numberOfKeys: number;
  lua: string;
}

/**
 * Keeps an audit log no longer than its record: a log whose record expires (a released instance, a removed
 * record) expires with it; any other log expires `ttlVar` seconds after its last entry (0 = never).
 */
const AUDIT_RETENTION_LUA = (recordKey: string, logKey: string, ttlVar: string): string => `
  local recordTtl = redis.call('PTTL', ${recordKey})
  if recordTtl > 0 then
    redis.call('PEXPIRE', ${logKey}, recordTtl)
  elseif ${ttlVar} > 0 then
    redis.call('EXPIRE', ${logKey}, ${ttlVar})
  end`;

/** Appends audit line `lineVar` to `logKey` (capped at `capVar`) and keeps the log as long as its record. */
const APPEND_AUDIT_LUA = (recordKey: string, logKey: string, lineVar: string, capVar: string, ttlVar: string): string => `
  redis.call('LPUSH', ${logKey}, ${lineVar})
  redis.call('LTRIM', ${logKey}, 0, tonumber(${capVar}) - 1)
  local auditTtl = tonumber(${ttlVar})
${AUDIT_RETENTION_LUA(recordKey, logKey, 'auditTtl')}`;

/**
 * Round trip 1 of a mutation.
 * KEYS: record hash, nonce key, audit list. ARGV: useNonce ('1'|'0'), nonce TTL (s), claim JSON or '',
 * audit JSON or '', audit cap, audit TTL (s, '0' = none; see {@link AUDIT_RETENTION_LUA}), answer field or ''
 * (the replay probe), the replay's audit JSON without its resultCode, '1' to read the view.
 * Returns `{nonceState, claimed (0|1), version or nil, record JSON or nil, stored answer or nil}`; with '1',
 * `{nonceState, claimed, version, view JSON, nil, 1}` when the view's stamp (`<version>|`) is the record's version.
 * A replayed nonce returns before any write; the record is still read so the answer is truthful.
 * A stored answer under the probed field is returned instead of the record, its audit line written with
 * the answer's code spliced in (`{"resultCode":<code>,` + the rest of the template, as codec.ts
 * completeAuditText does); nothing is claimed and the record is not read.
 */
export const BEGIN: ScriptDefinition = {
  numberOfKeys: 3,
  lua: `
local nonceState = 'none'
if ARGV[1] == '1' then
  if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
    nonceState = 'fresh'
  else
    local vr = redis.call('HMGET', KEYS[1], 'v', 'r')
    return {'replayed', 0, vr[1], vr[2]}
  end
end
if ARGV[7] ~= '' then
  local stored = redis.call('HGET', KEYS[1], ARGV[7])
  if stored then
    local bar = string.find(stored, '|', 1, true)
    if bar then
      local line = '{"resultCode":' .. cjson.encode(string.sub(stored, 1, bar - 1)) .. ',' .. string.sub(ARGV[8], 2)
${APPEND_AUDIT_LUA('KEYS[1]', 'KEYS[3]', 'line', 'ARGV[5]', 'ARGV[6]')}
    end
    return {nonceState, 0, redis.call('HGET', KEYS[1], 'v'), false, stored}
  end
end
local claimed = 0
if ARGV[3] ~= '' and redis.call('HEXISTS', KEYS[1], 'r') == 0 then
  redis.call('HSET', KEYS[1], 'v', tonumber(redis.call('HGET', KEYS[1], 'v') or '0') + 1, 'r', ARGV[3])
  claimed = 1
end
if ARGV[4] ~= '' then
${APPEND_AUDIT_LUA('KEYS[1]', 'KEYS[3]', 'ARGV[4]', 'ARGV[5]', 'ARGV[6]')}
end
if ARGV[9] == '1' then
  local vp = redis.call('HMGET', KEYS[1], 'v', 'p')
  if vp[1] and vp[2] then
    local bar = string.find(vp[2], '|', 1, true)
    if bar and string.sub(vp[2], 1, bar - 1) == vp[1] then
      return {nonceState, claimed, vp[1], string.sub(vp[2], bar + 1), false, 1}
    end
  end
end
local vr = redis.call('HMGET', KEYS[1], 'v', 'r')
return {nonceState, claimed, vr[1], vr[2]}
`,
};

/**
 * Round trip 2 of a mutation: compare-and-set plus audit, all or nothing.
 * KEYS: record hash, audit list. ARGV: expected version, record JSON (for 'set'), audit JSON, audit cap,
 * mode ('keep' | 'set' | 'del'), TTL of record and log (s, '0' = none), audit TTL (s, '0' = none), the
 * record's view JSON or '' (for 'set': stored as `<new version>|<view>`, or the old view dropped), the number
 * F of answer fields to drop, those F fields, then answer field / answer text pairs to write.
 * Returns `{ok (0|1), version now stored}`. On a conflict nothing is written, not even the audit entry.
 * 'del' removes the record and every stored answer but keeps its version number (field `v`), so a version
 * read before the removal never matches again; it writes no answers.
 */
export const COMMIT: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return {0, current}
end
local version = current
local forgets = tonumber(ARGV[9])
if ARGV[5] == 'set' then
  version = current + 1
  if ARGV[8] ~= '' then
    redis.call('HSET', KEYS[1], 'v', version, 'r', ARGV[2], 'p', version .. '|' .. ARGV[8])
  else
    redis.call('HSET', KEYS[1], 'v', version, 'r', ARGV[2])
    redis.call('HDEL', KEYS[1], 'p')
  end
elseif ARGV[5] == 'del' then
  version = current + 1
  local fields = redis.call('HKEYS', KEYS[1])
  for _, f in ipairs(fields) do
    if f ~= 'v' then redis.call('HDEL', KEYS[1], f) end
  end
  redis.call('HSET', KEYS[1], 'v', version)
end
if ARGV[5] ~= 'del' then
  if forgets > 0 then
    redis.call('HDEL', KEYS[1], unpack(ARGV, 10, 9 + forgets))
  end
  if #ARGV > 9 + forgets then
    redis.call('HSET', KEYS[1], unpack(ARGV, 10 + forgets, #ARGV))
  end
end
local ttl = tonumber(ARGV[6])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
end
${APPEND_AUDIT_LUA('KEYS[1]', 'KEYS[2]', 'ARGV[3]', 'ARGV[4]', 'ARGV[7]')}
return {1, version}
`,
};

/**
 * Appends to the capped failure sorted set.
 * KEYS: failure set. ARGV: score (`at`, epoch ms), member, cap, oldest score kept ('-inf' = any).
 * Entries past the cap or older than the oldest score kept are trimmed.
 */
export const PUSH_FAILURE: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
if ARGV[4] ~= '-inf' then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4])
end
return 1
`,
};

/**
 * Takes due jobs and leases them.
 * KEYS: job set. ARGV: now (epoch ms), lease end (epoch ms), limit. Returns the ids taken, earliest first.
 */
export const CLAIM_JOBS: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
end
return ids
`,
};
