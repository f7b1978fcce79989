"""Store operations beside objects: node allocatable, pod logs, idempotency records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import redis.asyncio as aioredis
from redis import typing as redis_typing

from basalt.store import keys

LOG_CAP_BYTES = 1 << 20
IDEMPOTENCY_TTL_SECONDS = 24 * 3600

# Append then keep only the last cap bytes, atomically, so a chatty pod cannot fill Redis.
_APPEND_CAPPED = r"""
local n = redis.call('APPEND', KEYS[1], ARGV[1])
local cap = tonumber(ARGV[2])
if n > cap then
  local tail = redis.call('GETRANGE', KEYS[1], n - cap, -1)
  redis.call('SET', KEYS[1], tail)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return n
"""


# Leases run on Redis's clock (TIME), so members on hosts whose clocks differ agree on who is live.
_NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"

# KEYS: values hash, expiry zset. ARGV: ttl ms, then member, value pairs. Leases that ran out are
# forgotten here (a bounded batch per renewal), so neither structure grows with departed members.
_TOUCH_LEASES = _NOW_MS + r"""
local expiry = now + tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  redis.call('ZADD', KEYS[2], expiry, ARGV[i])
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
if #gone > 0 then
  redis.call('ZREM', KEYS[2], unpack(gone))
  redis.call('HDEL', KEYS[1], unpack(gone))
end
return #gone
"""

# KEYS: values hash, expiry zset. Returns member, value, member, value, ... of the live leases.
_LIVE_LEASES = _NOW_MS + r"""
local members = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf')
local out = {}
for s = 1, #members, 1000 do
  local chunk = {unpack(members, s, math.min(s + 999, #members))}
  local values = redis.call('HMGET', KEYS[1], unpack(chunk))
  for i, m in ipairs(chunk) do
    out[#out + 1] = m
    out[#out + 1] = values[i] or ''
  end
end
return out
"""
LEASE_BATCH = 1000  # members per touch script (Lua's unpack and one script's run time stay small)


# The store's clients keep raw bytes replies (no decode_responses); redis-py types every reply as
# ``bytes | str``, so the reads below cast to bytes.


class Extras:
    def __init__(self, client: aioredis.Redis) -> None:
        self.redis = client
        self._append = client.register_script(_APPEND_CAPPED)

    async def set_allocatable(self, node: str, allocatable: Mapping[str, int]) -> None:
        await self._replace_hash(keys.node_allocatable(node), allocatable)

    async def _replace_hash(self, key: str, values: Mapping[str, int]) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if values:
                # Typed copy: redis-py's mapping parameter is keyed by its whole field union.
                fields: dict[redis_typing.FieldT, redis_typing.EncodableT] = {res: n for res, n in values.items()}
                pipe.hset(key, mapping=fields)
            await pipe.execute()

    async def set_queue_capability(self, queue: str, capability: Mapping[str, int] | None) -> None:
        """Record the queue's capability for the bind script's limit check; None removes the limit."""
        await self._replace_hash(keys.queue_capability(queue), capability or {})

    async def queue_used(self, queue: str) -> dict[str, int]:
        raw = cast(dict[bytes, bytes], await self.redis.hgetall(keys.queue_used(queue)))
        return {k.decode(): int(v) for k, v in raw.items()}

    async def node_used(self, node: str) -> dict[str, int]:
        raw = cast(dict[bytes, bytes], await self.redis.hgetall(keys.node_used(node)))
        return {k.decode(): int(v) for k, v in raw.items()}

    async def append_log(self, namespace: str, name: str, uid: str, data: bytes,
                         ttl_seconds: int = 7 * 24 * 3600) -> None:
        await self._append(keys=[keys.pod_log(namespace, name, uid)], args=[data, LOG_CAP_BYTES, ttl_seconds])

    async def read_log(self, namespace: str, name: str, uid: str) -> bytes:
        return bytes(cast(bytes | None, await self.redis.get(keys.pod_log(namespace, name, uid))) or b"")

    async def delete_log(self, namespace: str, name: str, uid: str) -> None:
        await self.redis.delete(keys.pod_log(namespace, name, uid))

    async def claim_idempotency(self, scope: str, key: str, value: str) -> str | None:
        """Record ``value`` for ``key`` unless one is recorded; returns the earlier value if any."""
        rkey = keys.idempotency(scope, key)
        if await self.redis.set(rkey, value, nx=True, ex=IDEMPOTENCY_TTL_SECONDS):
            return None
        earlier = cast(bytes | None, await self.redis.get(rkey))
        return earlier.decode() if earlier is not None else None

    async def release_idempotency(self, scope: str, key: str) -> None:
        await self.redis.delete(keys.idempotency(scope, key))


async def touch_lease(client: aioredis.Redis, group: str, member_id: str, ttl_seconds: float, value: str = "1") -> None:
    """Renew a member's lease; it runs out ``ttl_seconds`` after the last renewal."""
    await touch_leases(client, group, {member_id: value}, ttl_seconds)


async def touch_leases(client: aioredis.Redis, group: str, values: Mapping[str, str], ttl_seconds: float) -> None:
    """Renew many members' leases (an agent's simulated nodes, a bench's cluster) in few calls."""
    script = client.register_script(_TOUCH_LEASES)
    items = list(values.items())
    for start in range(0, max(len(items), 1), LEASE_BATCH):
        pairs = [x for member, value in items[start:start + LEASE_BATCH] for x in (member, value)]
        await script(keys=[keys.lease_values(group), keys.lease_expiry(group)],
                     args=[int(ttl_seconds * 1000), *pairs])


async def live_members(client: aioredis.Redis, group: str) -> dict[str, str]:
    """The members of ``group`` whose lease has not run out, with their values."""
    script = client.register_script(_LIVE_LEASES)
    flat = cast(list[bytes], await script(keys=[keys.lease_values(group), keys.lease_expiry(group)]))
    return {flat[i].decode(): flat[i + 1].decode() for i in range(0, len(flat), 2)}


async def drop_lease(client: aioredis.Redis, group: str, member_id: str) -> None:
    async with client.pipeline(transaction=True) as pipe:
        pipe.zrem(keys.lease_expiry(group), member_id)
        pipe.hdel(keys.lease_values(group), member_id)
        await pipe.execute()
