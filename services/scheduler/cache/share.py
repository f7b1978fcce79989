"""Which part of the shared view one instance schedules (active-active, issue 6).

Every instance sees every bound pod, so node usage and queue allocation are whole. It places
only the PodGroups the ring gives it: the others' pending pods are left out of its session, and
their not-yet-admitted (Pending) groups too, so it neither enqueues nor allocates them. Their
admitted groups stay in, without pending pods, because queue shares and enqueue headroom count
them. A cap on the owned groups with pending pods keeps one session short; the rest wait for the
next session in the framework's own order (priority, then age).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from services.scheduler.framework import jobs
from services.scheduler.framework import snapshot as snap

PENDING_PHASE = "Pending"


@dataclass(frozen=True)
class Share:
    pods: list[snap.PodRecord]           # sorted by uid
    groups: list[snap.PodGroupRecord]
    active: frozenset[str]               # groups this session schedules and may write status for
    owned_waiting: int                   # owned groups with work to do (pending pods or not admitted)


def select(groups: Iterable[snap.PodGroupRecord], pods: Sequence[snap.PodRecord],
           owns: Callable[[str], bool], max_groups: int) -> Share:
    group_list = list(groups)
    waiting = _groups_with_pending(pods)
    owned = [g for g in group_list if owns(g.uid)]
    queued = sorted((g for g in owned if g.uid in waiting), key=lambda g: (-g.priority, g.creation, g.uid))
    chosen = {g.uid for g in queued[:max_groups]} if max_groups > 0 else {g.uid for g in queued}
    active = frozenset(g.uid for g in owned if g.uid in chosen or g.uid not in waiting)
    kept = [g for g in group_list if g.uid in active or g.phase != PENDING_PHASE]
    kept_pods = [p for p in pods if p.status is not jobs.TaskStatus.PENDING or p.group in active]
    return Share(pods=kept_pods, groups=kept, active=active, owned_waiting=_count_waiting(owned, waiting))


def owned_waiting(groups: Iterable[snap.PodGroupRecord], pods: Iterable[snap.PodRecord],
                  owns: Callable[[str], bool]) -> int:
    """How many owned groups have work to do (pending pods, or not admitted yet)."""
    return _count_waiting((g for g in groups if owns(g.uid)), _groups_with_pending(pods))


def _count_waiting(owned: Iterable[snap.PodGroupRecord], waiting: set[str]) -> int:
    return sum(1 for g in owned if g.uid in waiting or g.phase == PENDING_PHASE)


def _groups_with_pending(pods: Iterable[snap.PodRecord]) -> set[str]:
    return {p.group for p in pods if p.status is jobs.TaskStatus.PENDING and p.group}
