"""Lua scripts: the only way objects and accounting change, so every change is atomic.

``TXN`` applies a plan of object writes and accounting changes all-or-nothing. Object JSON is
built by the client (the caller read the object at an expected resourceVersion, so CAS makes its
computed result correct); Lua only compares versions, checks limits and writes. Keeping JSON out of
Lua avoids cjson's lossy round trip (``[]`` would come back as ``{}``).

Plan (ARGV[1], JSON), KEYS indices are 1-based; the objects' JSON follows in ARGV[2..]:
  puts:   [{k, idx, ev, tr, m, expect, a, del}]  object hash, index zset, stream, trimmed key,
          index member, expected rv (-1: any, 0: must not exist), ARGV index of the new JSON,
          delete flag
  limits: [{used, cap, res: [..], add: [..]}]  refuse unless used[res] + add <= cap[res] for each
          resource (one HMGET per hash: a gang's pods on one node are one entry)
  incr:   [{k, f, by}]             HINCRBY after all checks pass (summed per key and field)
  origin: who commits (a scheduler instance), recorded on each stream entry; "" for none
  cap:    streams keep at least this many entries; they are trimmed back to it once they hold
          ``slack`` more, so the trim (and its XRANGE for the boundary) runs once per ``slack`` puts
Returns {1, rv1, rv2, ...} or {0, reason, put or limit index, detail...}. Every redis.call costs
a few microseconds in Lua: a 100k-pod backlog binds through ~10k of these scripts, so they make
as few calls as the checks allow.
"""

TXN = r"""
local plan = cjson.decode(ARGV[1])
local current = {}
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
  current[i] = cur
end
for i, l in ipairs(plan.limits) do
  local used = redis.call('HMGET', KEYS[l.used], unpack(l.res))
  local cap = redis.call('HMGET', KEYS[l.cap], unpack(l.res))
  for j, add in ipairs(l.add) do
    local free = tonumber(cap[j] or '0') - tonumber(used[j] or '0')
    if add > free then
      return {0, 'insufficient', i, j, tostring(free)}
    end
  end
end
local first = redis.call('INCRBY', KEYS[1], #plan.puts) - #plan.puts
local out = {1}
local streams = {}
for i, p in ipairs(plan.puts) do
  local rv = first + i
  local kind = 'MODIFIED'
  if p.del then
    kind = 'DELETED'
    redis.call('DEL', KEYS[p.k])
    redis.call('ZREM', KEYS[p.idx], p.m)
  else
    if current[i] == 0 then
      kind = 'ADDED'
      redis.call('ZADD', KEYS[p.idx], 0, p.m)
    end
    redis.call('HSET', KEYS[p.k], 'json', ARGV[p.a], 'rv', rv)
  end
  if plan.origin ~= '' then
    redis.call('XADD', KEYS[p.ev], rv .. '-0', 'type', kind, 'json', ARGV[p.a], 'origin', plan.origin)
  else
    redis.call('XADD', KEYS[p.ev], rv .. '-0', 'type', kind, 'json', ARGV[p.a])
  end
  streams[p.ev] = p.tr
  out[#out + 1] = rv
end
for ev, tr in pairs(streams) do
  local excess = redis.call('XLEN', KEYS[ev]) - plan.cap
  if excess > plan.slack then
    local old = redis.call('XRANGE', KEYS[ev], '-', '+', 'COUNT', excess)
    redis.call('SET', KEYS[tr], string.match(old[#old][1], '^(%d+)'))
    redis.call('XTRIM', KEYS[ev], 'MAXLEN', plan.cap)
  end
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
