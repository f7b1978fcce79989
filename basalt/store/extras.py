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
    """Renew a member's lease; it vanishes ``ttl_seconds`` after the last renewal."""
    await client.set(keys.lease(group, member_id), value, px=int(ttl_seconds * 1000))


async def live_members(client: aioredis.Redis, group: str) -> dict[str, str]:
    """The members of ``group`` whose lease has not expired, with their values."""
    prefix = keys.lease(group, "")
    names = [raw async for raw in client.scan_iter(match=keys.lease_pattern(group), count=1000)]
    values = cast(list[bytes | None], await client.mget(names)) if names else []
    return {raw.decode()[len(prefix):]: value.decode() for raw, value in zip(names, values) if value is not None}


async def drop_lease(client: aioredis.Redis, group: str, member_id: str) -> None:
    await client.delete(keys.lease(group, member_id))
