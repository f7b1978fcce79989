"""Membership of active-active instances: a lease per instance in Redis, and the ring of the live.

Each instance renews its lease (a key with a TTL) every ``ttl/3`` seconds. The live set is the
leases that have not expired; every instance builds the same ring from it. A killed instance stops
renewing, its lease expires after ``ttl`` and the others take over its share at their next view.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from basalt import ring
from basalt.store import extras


@dataclass
class Membership:
    client: aioredis.Redis
    group: str          # "scheduler" or "controller"
    member_id: str
    ttl_seconds: float = 5.0
    vnodes: int = ring.DEFAULT_VNODES
    view: ring.Ring = field(default_factory=lambda: ring.Ring(()))
    changed_at: float = 0.0  # monotonic time the live set last changed, as seen here
    lost: tuple[str, ...] = ()  # members that left at the last change

    async def heartbeat(self) -> None:
        await extras.touch_lease(self.client, self.group, self.member_id, self.ttl_seconds, str(time.time()))

    async def refresh(self) -> ring.Ring:
        """Renew our lease and rebuild the ring from the live leases."""
        await self.heartbeat()
        live = set(await extras.live_members(self.client, self.group)) | {self.member_id}
        fresh = ring.Ring(live, self.vnodes)
        if fresh != self.view:
            self.lost = tuple(sorted(set(self.view.members) - live))
            self.view = fresh
            self.changed_at = time.monotonic()
        return self.view

    def owns(self, key: str) -> bool:
        return self.view.owns(self.member_id, key)

    async def leave(self) -> None:
        """Give up the lease at once on a clean stop, so the others take over without waiting."""
        await extras.drop_lease(self.client, self.group, self.member_id)
