"""Snapshot pieces built one object at a time, so a session snapshot is assembled from memory.

``framework.build_snapshot`` converts every object on every call; at 100k pods that alone takes
seconds. The cache converts each object once, when its watch event arrives, with the very same
converters (the framework's record builders), and ``assemble`` puts the pieces together exactly
as ``build_snapshot`` does. tests/integration/test_scheduler_cache.py checks the two agree, so a
change to the framework's snapshot shows up there rather than as a silent divergence.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from basalt.api import meta
from services.scheduler.framework import dimensions, jobs
from services.scheduler.framework import nodes as node_matrix
from services.scheduler.framework import snapshot as snap

# The framework's per-object converters (module-private there; the lead may make them public).
Classes = snap._Classes
pod_record = snap._pod_record
pod_update = snap._pod_update
podgroup_record = snap._podgroup_record
queue_record = snap._queue_record
priority_classes = snap._priority_classes


@dataclass(frozen=True)
class NodePart:
    """The node half of a snapshot: ready live nodes sorted by name, converted once per change."""

    names: list[str]
    specs: tuple[node_matrix.NodeSpec, ...]
    allocatable: list[dict[str, int]]
    max_pods: jobs.Vector

    @property
    def resource_names(self) -> set[str]:
        return {r for a in self.allocatable for r in a}

    def matrix(self, dims: dimensions.Dimensions) -> jobs.Vector:
        return np.array([dims.vector(a) for a in self.allocatable], dtype=np.int64).reshape(-1, len(dims))


def node_part(nodes: Iterable[meta.Obj], live: Collection[str], start: float = 0.0) -> NodePart:
    """Ready live nodes by name, rotated to begin ``start`` (a fraction) of the way round.

    The framework scores a rotating sample of nodes beginning with the first; instances that
    begin at different points spread their binds instead of racing for the same nodes. At 0 the
    order is ``build_snapshot``'s."""
    objs = sorted((n for n in nodes if meta.name(n) in live and snap._node_ready(n)), key=meta.name)
    cut = int(len(objs) * start) % len(objs) if objs else 0
    objs = objs[cut:] + objs[:cut]
    alloc = [snap._allocatable(n) for n in objs]
    return NodePart(
        names=[meta.name(n) for n in objs],
        specs=tuple(snap._node_spec(n) for n in objs),
        allocatable=alloc,
        max_pods=np.array([snap._max_pods(a) for a in alloc], dtype=np.int64),
    )


class MatrixMemo:
    """The allocatable matrix of one NodePart for one set of dimensions (both rarely change)."""

    def __init__(self) -> None:
        self._key: tuple[int, tuple[str, ...]] = (0, ())
        self._value: jobs.Vector = np.zeros((0, 0), dtype=np.int64)

    def get(self, part: NodePart, dims: dimensions.Dimensions) -> jobs.Vector:
        key = (id(part), dims.names)
        if key != self._key:
            self._key, self._value = key, part.matrix(dims)
        return self._value


def assemble(part: NodePart, allocatable: jobs.Vector | None, dims: dimensions.Dimensions,
             pods: Sequence[snap.PodRecord], groups: Iterable[snap.PodGroupRecord],
             queues: Iterable[snap.QueueRecord], classes: Mapping[str, int]) -> snap.Snapshot:
    """The Snapshot ``build_snapshot`` would build from the same objects (pods sorted by uid)."""
    used, releasing, counts = snap._node_usage(dims, part.names, pods)
    return snap.Snapshot(
        dims=dims,
        node_specs=part.specs,
        allocatable=part.matrix(dims) if allocatable is None else allocatable,
        used=used,
        releasing=releasing,
        pod_counts=counts,
        max_pods=part.max_pods,
        pods=tuple(pods),
        podgroups=tuple(sorted(groups, key=lambda r: r.uid)),
        queues=tuple(sorted(queues, key=lambda r: r.name)),
        priority_classes=classes,
    )


def dimensions_of(part: NodePart, pods: Iterable[snap.PodRecord]) -> dimensions.Dimensions:
    names = part.resource_names
    for pod in pods:
        names.update(pod.requests)
    return dimensions.Dimensions(names)
