"""Leases in the real Redis: members join, a silent member expires, a clean stop leaves at once."""

from __future__ import annotations

import redis.asyncio as aioredis

from basalt.store import membership
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
