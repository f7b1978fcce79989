"""The takeover clock: from a lost member's lease expiry to the first bind of its share here."""

from __future__ import annotations

import time
from typing import Any, cast

from basalt import ring
from basalt.store import membership
from services.scheduler import takeover
from services.scheduler.framework import snapshot as snap


def _group(key: str, phase: str = "Pending") -> snap.PodGroupRecord:
    ns, name = key.split("/")
    return snap.PodGroupRecord(uid=name, namespace=ns, name=name, queue="default", min_member=1,
                               min_resources=None, min_task_member={}, priority=0, phase=phase,
                               conditions=(), counts=(0, 0, 0), creation="", resource_version=1)


def _members(me: str, live: list[str], lost: dict[str, float], changed_at: float) -> membership.Membership:
    """A membership as ``refresh`` leaves it (no Redis is touched by the clock)."""
    m = membership.Membership(cast(Any, None), "scheduler", me, ttl_seconds=2.0)
    m.view, m.changed_at, m.lost = ring.Ring(live), changed_at, tuple(lost)
    m.last_seen = {name: membership.Lease(renewed, "") for name, renewed in lost.items()}
    return m


def _orphans(groups: dict[str, snap.PodGroupRecord], dead: str, me: str) -> set[str]:
    before, after = ring.Ring(["a", "b"]), ring.Ring([me])
    return {k for k in groups if before.owner(k) == dead and after.owner(k) == me}


def test_the_clock_runs_from_lease_expiry_to_the_first_bind_of_the_dead_share() -> None:
    groups = {f"ns/g{i}": _group(f"ns/g{i}") for i in range(40)}
    clock = takeover.TakeoverClock()
    clock.observe(_members("a", ["a", "b"], {}, 1.0), groups)
    renewed = time.time() - 3.0  # b's lease (ttl 2 s) ran out a second ago
    clock.observe(_members("a", ["a"], {"b": renewed}, 2.0), groups)
    assert clock.scheduled({"ns/not-b"}) is None  # binding something else stops nothing
    seconds = clock.scheduled({next(iter(_orphans(groups, "b", "a")))})
    assert seconds is not None and 0.9 <= seconds < 2.0
    assert (clock.takeovers, clock.last_seconds) == (1, seconds)
    assert clock.scheduled(_orphans(groups, "b", "a")) is None  # counted once per loss


def test_a_clean_leave_is_not_a_negative_duration() -> None:
    groups = {f"ns/g{i}": _group(f"ns/g{i}") for i in range(40)}
    clock = takeover.TakeoverClock()
    clock.observe(_members("a", ["a", "b"], {}, 1.0), groups)
    clock.observe(_members("a", ["a"], {"b": time.time()}, 2.0), groups)  # left before its lease ran out
    assert clock.scheduled(_orphans(groups, "b", "a")) == 0.0


def test_placed_groups_are_not_part_of_the_share() -> None:
    groups = {f"ns/g{i}": _group(f"ns/g{i}", phase="Running") for i in range(40)}
    clock = takeover.TakeoverClock()
    clock.observe(_members("a", ["a", "b"], {}, 1.0), groups)
    clock.observe(_members("a", ["a"], {"b": time.time() - 3.0}, 2.0), groups)
    assert clock.scheduled(set(groups)) is None and clock.takeovers == 0
