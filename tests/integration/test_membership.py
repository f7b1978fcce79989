"""Leases in the real Redis: members join, a silent member expires, a clean stop leaves at once."""

from __future__ import annotations

import redis.asyncio as aioredis

from basalt.store import extras, keys, membership
from tests import servers


async def test_members_see_each_other_and_a_silent_member_expires(redis_client: aioredis.Redis) -> None:
    a = membership.Membership(redis_client, "scheduler", "a", ttl_seconds=0.5, address="127.0.0.1:1")
    b = membership.Membership(redis_client, "scheduler", "b", ttl_seconds=0.5, address="127.0.0.1:2")
    await b.refresh()
    assert (await a.refresh()).members == ("a", "b")
    assert a.leases["b"].address == "127.0.0.1:2"
    keys = [f"pg-{i}" for i in range(200)]
    assert {k for k in keys if a.owns(k)} | {k for k in keys if b.owns(k)} == set(keys)

    async def b_expired() -> bool:  # b stops renewing, as after kill -9
        return (await a.refresh()).members == ("a",)

    await servers.eventually(b_expired, timeout=5)
    assert a.lost == ("b",) and all(a.owns(k) for k in keys)
    expiry = a.lease_expiry("b")
    assert expiry is not None and expiry <= a.leases["a"].renewed + 0.5


async def test_clean_stop_leaves_at_once(redis_client: aioredis.Redis) -> None:
    a = membership.Membership(redis_client, "controller", "a", ttl_seconds=30)
    b = membership.Membership(redis_client, "controller", "b", ttl_seconds=30)
    await a.refresh()
    await b.refresh()
    await b.leave()
    assert (await a.refresh()).members == ("a",)


async def test_leases_in_bulk_run_out_on_redis_time(redis_client: aioredis.Redis) -> None:
    """Thousands of node leases are renewed in batches and read in one call (no keyspace scan);
    those that ran out are gone from the live set and forgotten at the next renewal."""
    names = {f"node-{i:04d}": f"agent-{i % 3}" for i in range(2500)}
    await extras.touch_leases(redis_client, "node", names, ttl_seconds=30)
    await extras.touch_lease(redis_client, "node", "short", ttl_seconds=0.2, value="x")
    live = await extras.live_members(redis_client, "node")
    assert live == {**names, "short": "x"}

    async def short_gone() -> bool:
        return "short" not in await extras.live_members(redis_client, "node")

    await servers.eventually(short_gone, timeout=5)
    await extras.touch_lease(redis_client, "node", "node-0000", ttl_seconds=30, value="agent-0")
    assert await redis_client.hget(keys.lease_values("node"), "short") is None
    assert await redis_client.zscore(keys.lease_expiry("node"), "short") is None
    await extras.drop_lease(redis_client, "node", "node-0001")
    assert len(await extras.live_members(redis_client, "node")) == 2499
