"""Lua scripts: the only way objects and accounting change, so every change is atomic.

``TXN`` applies a plan of object writes and accounting changes all-or-nothing. Object JSON is
built by the client (the caller read the object at an expected resourceVersion, so CAS makes its
computed result correct); Lua only compares versions, checks limits and writes. Keeping JSON out of
Lua avoids cjson's lossy round trip (``[]`` would come back as ``{}``).

Plan (ARGV[1], JSON), KEYS indices are 1-based:
  puts:   [{k, idx, ev, tr, m, expect, json, del}]  object hash, index zset, stream, trimmed key,
          index member, expected rv (-1: any, 0: must not exist), new JSON, delete flag
  limits: [{used, cap, res, add}]  refuse unless used[res] + add <= cap[res]
  incr:   [{k, f, by}]             HINCRBY after all checks pass
  cap:    max stream length per kind
Returns {1, rv1, rv2, ...} or {0, reason, detail...}.
"""

TXN = r"""
local plan = cjson.decode(ARGV[1])
for i, p in ipairs(plan.puts) do
  local cur = tonumber(redis.call('HGET', KEYS[p.k], 'rv') or '0')
  if p.expect == 0 and cur ~= 0 then
    return {0, 'exists', i, tostring(cur)}
  end
  if p.expect > 0 and cur ~= p.expect then
    if cur == 0 then return {0, 'notfound', i, '0'} end
    return {0, 'conflict', i, tostring(cur)}
  end
  if p.del and cur == 0 then
    return {0, 'notfound', i, '0'}
  end
end
for i, l in ipairs(plan.limits) do
  local used = tonumber(redis.call('HGET', KEYS[l.used], l.res) or '0')
  local cap = tonumber(redis.call('HGET', KEYS[l.cap], l.res) or '0')
  if used + l.add > cap then
    return {0, 'insufficient', i, tostring(cap - used)}
  end
end
local out = {1}
for i, p in ipairs(plan.puts) do
  local rv = redis.call('INCR', KEYS[1])
  local kind = 'MODIFIED'
  if p.del then
    kind = 'DELETED'
    redis.call('DEL', KEYS[p.k])
    redis.call('ZREM', KEYS[p.idx], p.m)
  else
    if p.expect == 0 then kind = 'ADDED' end
    if p.expect < 0 and redis.call('EXISTS', KEYS[p.k]) == 0 then kind = 'ADDED' end
    redis.call('HSET', KEYS[p.k], 'json', p.json, 'rv', rv)
    redis.call('ZADD', KEYS[p.idx], 0, p.m)
  end
  redis.call('XADD', KEYS[p.ev], rv .. '-0', 'type', kind, 'json', p.json)
  local excess = redis.call('XLEN', KEYS[p.ev]) - plan.cap
  if excess > 0 then
    local old = redis.call('XRANGE', KEYS[p.ev], '-', '+', 'COUNT', excess)
    local last = string.match(old[#old][1], '^(%d+)')
    redis.call('SET', KEYS[p.tr], last)
    redis.call('XTRIM', KEYS[p.ev], 'MAXLEN', plan.cap)
  end
  out[#out + 1] = rv
end
for _, c in ipairs(plan.incr) do
  redis.call('HINCRBY', KEYS[c.k], c.f, c.by)
end
return out
"""

# LIST: the kind's current resourceVersion and a page of objects, read atomically.
# KEYS: rv counter, index. ARGV: min, max (ZRANGEBYLEX bounds), limit (0: all), object key prefix.
LIST = r"""
local members
if tonumber(ARGV[3]) > 0 then
  members = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
else
  members = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], ARGV[2])
end
local out = {redis.call('GET', KEYS[1]) or '0'}
for _, m in ipairs(members) do
  local v = redis.call('HMGET', ARGV[4] .. m, 'json', 'rv')
  if v[1] then
    out[#out + 1] = m
    out[#out + 1] = v[1]
    out[#out + 1] = v[2]
  end
end
return out
"""
