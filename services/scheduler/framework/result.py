"""What a session decided: gang binds, PodGroup status updates, and why the rest is pending."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PodBind:
    namespace: str
    name: str
    node: str
    resource_version: int  # the pod's resourceVersion in the snapshot, for the CAS bind
    requests: Mapping[str, int]  # milli-units, for the node/queue accounting of the bind script


@dataclass(frozen=True)
class GangBind:
    """Pods of one PodGroup to bind together: all of them or none (the gang is ready with them)."""

    podgroup_namespace: str
    podgroup_name: str
    pods: list[PodBind]


@dataclass(frozen=True)
class PodGroupUpdate:
    """The PodGroup status to write; ``conditions`` is the full new list, Kubernetes-shaped.

    ``running``/``succeeded``/``failed`` are the status counts Volcano's scheduler keeps on the
    PodGroup (pods in those phases).
    """

    namespace: str
    name: str
    resource_version: int
    phase: str
    conditions: list[dict[str, Any]]
    running: int = 0
    succeeded: int = 0
    failed: int = 0


@dataclass(frozen=True)
class PendingReason:
    """Structured "why pending" for the Explain API.

    stage: where the group stopped: ``queue`` (queue missing or not open), ``enqueue`` (not
    admitted: cluster or queue quota), ``gang`` (not enough valid pods for minMember) or
    ``placement`` (tasks did not fit nodes). ``failing_nodes`` counts, per predicate reason, the
    nodes that failed it for the first unplaceable task.
    """

    stage: str
    message: str
    failing_nodes: Mapping[str, int] = field(default_factory=dict)
    nodes_checked: int = 0
    min_member: int = 0
    ready: int = 0
    tasks: int = 0


@dataclass(frozen=True)
class Eviction:
    """A pod to delete to make room (preempt, reclaim); reason is the action's name."""

    namespace: str
    name: str
    resource_version: int
    reason: str


@dataclass(frozen=True)
class Reservation:
    """Nodes held for a gang that waited too long (the reservation action).

    The I/O side writes ``nodes`` to the PodGroup annotation ``basalt.io/reserved-nodes``
    (comma-separated, in this order) when it differs, and removes the annotation from PodGroups
    that carry it but are not listed in ``SessionResult.reservations``.
    """

    podgroup_namespace: str
    podgroup_name: str
    nodes: tuple[str, ...]
    resource_version: int  # the PodGroup's resourceVersion in the snapshot, for the CAS write


@dataclass(frozen=True)
class SessionResult:
    binds: list[GangBind]
    podgroup_updates: list[PodGroupUpdate]
    reasons: dict[str, PendingReason]
    evictions: list[Eviction] = field(default_factory=list)
    # Every reservation in force after the session (empty unless the reservation action runs).
    reservations: list[Reservation] = field(default_factory=list)
