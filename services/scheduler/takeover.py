"""How long a dead instance's share waited: from its lease expiry to the first bind of it here.

When the ring loses a member, the groups it owned that were still unplaced and that the new ring
gives this instance are its share here. The first session that binds one of them stops the
clock; ``last_seconds`` is then (now - the lost member's lease expiry), wall-clock, since the
expiry is computed from the renewal time the member wrote into its lease.
"""

from __future__ import annotations

from collections.abc import Mapping

from basalt import ring
from basalt.store import membership
from services.scheduler.framework import snapshot as snap

UNPLACED = frozenset({"Pending", "Inqueue"})


class TakeoverClock:
    def __init__(self) -> None:
        self.last_seconds = 0.0
        self.takeovers = 0
        self._ring = ring.Ring(())
        self._changed_at = 0.0
        self._expiry = 0.0
        self._share: set[str] = set()

    def observe(self, members: membership.Membership, groups: Mapping[str, snap.PodGroupRecord]) -> None:
        previous, self._ring = self._ring, members.view
        if members.changed_at == self._changed_at:
            return
        self._changed_at = members.changed_at
        expiry = members.lost_expiry()
        if expiry is None or not previous.members:
            return
        lost = set(members.lost)
        share = {key for key, g in groups.items() if g.phase in UNPLACED and previous.owner(key) in lost
                 and members.owns(key)}
        if share:
            self._share, self._expiry = share, expiry

    def scheduled(self, bound: set[str]) -> float | None:
        """Stops the clock when ``bound`` holds some of the dead member's share: its duration."""
        if not (self._share and self._share & bound):
            return None
        self.last_seconds = membership.seconds_since(self._expiry)
        self.takeovers += 1
        self._share = set()
        return self.last_seconds
