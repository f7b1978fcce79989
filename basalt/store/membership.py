"""Membership of active-active instances: a lease per instance in Redis, and the ring of the live.

Each instance renews its lease (a key with a TTL) every ``ttl/3`` seconds. The live set is the
leases that have not expired; every instance builds the same ring from it. A killed instance stops
renewing, its lease expires after ``ttl`` and the others take over its share at their next view.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from basalt import ring
from basalt.store import extras


@dataclass(frozen=True)
class Lease:
    renewed: float  # wall-clock time of the member's last renewal
    address: str
    metrics: str = ""  # host:port of its /metrics endpoint, if it serves one


def parse_lease(value: str) -> Lease:
    try:
        data = json.loads(value)
        return Lease(float(data.get("renewed") or 0.0), str(data.get("address") or ""),
                     str(data.get("metrics") or ""))
    except (ValueError, AttributeError):
        return Lease(0.0, "")


async def live(client: aioredis.Redis, group: str) -> dict[str, Lease]:
    """The live members of ``group`` with their lease values (for ``basalt status`` too)."""
    return {m: parse_lease(v) for m, v in (await extras.live_members(client, group)).items()}


@dataclass
class Membership:
    client: aioredis.Redis
    group: str          # "scheduler" or "controller"
    member_id: str
    ttl_seconds: float = 5.0
    address: str = ""  # where this instance serves gRPC, so tools (basalt status) can find it
    metrics: str = ""  # where it serves /metrics, so scrapers and tests can find it
    vnodes: int = ring.DEFAULT_VNODES
    view: ring.Ring = field(default_factory=lambda: ring.Ring(()))
    last_seen: dict[str, Lease] = field(default_factory=dict)  # departed members' final leases
    changed_at: float = 0.0  # monotonic time the live set last changed, as seen here
    lost: tuple[str, ...] = ()  # members that left at the last change
    leases: dict[str, Lease] = field(default_factory=dict)  # live members' last lease values

    async def heartbeat(self) -> None:
        value = json.dumps({"renewed": time.time(), "address": self.address, "metrics": self.metrics})
        await extras.touch_lease(self.client, self.group, self.member_id, self.ttl_seconds, value)

    async def refresh(self) -> ring.Ring:
        """Renew our lease and rebuild the ring from the live leases."""
        await self.heartbeat()
        previous = self.leases
        self.leases = await live(self.client, self.group)
        members = set(self.leases) | {self.member_id}
        for gone in set(previous) - members:
            self.last_seen[gone] = previous[gone]
        for back in members & set(self.last_seen):
            del self.last_seen[back]
        fresh = ring.Ring(members, self.vnodes)
        if fresh != self.view:
            self.lost = tuple(sorted(set(self.view.members) - members))
            self.view = fresh
            self.changed_at = time.monotonic()
        return self.view

    def lease_expiry(self, member: str) -> float | None:
        """Wall-clock time a departed member's lease ran out (its last renewal + ttl), if seen."""
        lease = self.last_seen.get(member)
        return lease.renewed + self.ttl_seconds if lease and lease.renewed else None

    def since_lost_expiry(self) -> float | None:
        """Seconds from ``lost_expiry`` to now (a takeover's duration so far); never negative, as
        a member that left cleanly gives up its lease before it would have run out."""
        expiry = self.lost_expiry()
        return None if expiry is None else seconds_since(expiry)

    def lost_expiry(self) -> float | None:
        """When the last lease of the members lost at the last change ran out (wall clock); None
        when none of them was seen live here. A member that left cleanly gives its would-be expiry."""
        expiries = [e for e in map(self.lease_expiry, self.lost) if e is not None]
        return max(expiries) if expiries else None

    def owns(self, key: str) -> bool:
        return self.view.owns(self.member_id, key)

    async def leave(self) -> None:
        """Give up the lease at once on a clean stop, so the others take over without waiting."""
        await extras.drop_lease(self.client, self.group, self.member_id)


def seconds_since(expiry: float) -> float:
    """Wall-clock seconds since a lease ran out (0 for one given up before it would have)."""
    return max(0.0, time.time() - expiry)
