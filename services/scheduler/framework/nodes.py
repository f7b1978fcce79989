"""All nodes of a session as numpy matrices (one row per node, one column per resource).

Volcano keeps a NodeInfo per node and loops over them per task; with 10k nodes that loop is the
hot path, so here "which nodes fit this request" is one vectorised comparison. Rows are sorted by
node name, so "the first best node" is also the tie-break by name that keeps sessions
deterministic.

    idle        = allocatable - used
    future_idle = idle + releasing - pipelined   (Volcano's NodeInfo.FutureIdle)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from services.scheduler.framework import dimensions, jobs

Mask = npt.NDArray[np.bool_]
Indices = npt.NDArray[np.intp]
Scores = npt.NDArray[np.float64]

# A node that publishes no pod capacity is not limited by pod count (rather than fitting nothing).
UNLIMITED_PODS = 2**31


@dataclass(frozen=True)
class NodeSpec:
    """The static part of a node that predicates read."""

    name: str
    labels: Mapping[str, str]
    taints: Sequence[Mapping[str, Any]]
    unschedulable: bool


class NodeMatrix:
    def __init__(
        self,
        dims: dimensions.Dimensions,
        specs: Sequence[NodeSpec],
        allocatable: jobs.Vector,
        used: jobs.Vector,
        releasing: jobs.Vector,
        pods: jobs.Vector,
        max_pods: jobs.Vector,
    ) -> None:
        self.dims = dims
        self.specs = list(specs)
        self.names = [s.name for s in specs]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.allocatable = allocatable
        self.used = used
        self.releasing = releasing
        self.pipelined = np.zeros_like(allocatable)
        self.pods = pods
        self.max_pods = max_pods
        # Kept up to date row by row: recomputing them per task would cost O(nodes) each time.
        self.idle: jobs.Vector = allocatable - used
        self.future: jobs.Vector = self.idle + releasing

    def __len__(self) -> int:
        return len(self.names)

    def future_idle(self) -> jobs.Vector:
        return self.future

    def lacking(self, request: jobs.Vector, free: jobs.Vector) -> jobs.Vector:
        """Per node, the column of the first resource that does not fit, or -1 when all fit."""
        out = np.full(len(self), -1, dtype=np.int64)
        wanted = np.flatnonzero(request > 0)
        if not len(wanted):
            return out
        short = free[:, wanted] < request[wanted]
        rows = np.flatnonzero(short.any(axis=1))
        if len(rows):
            out[rows] = wanted[np.argmax(short[rows], axis=1)]
        return out

    def fits(self, request: jobs.Vector, free: jobs.Vector) -> Mask:
        wanted = request > 0
        if not wanted.any():
            return np.ones(len(self), dtype=np.bool_)
        result: Mask = np.asarray((free[:, wanted] >= request[wanted]).all(axis=1), dtype=np.bool_)
        return result

    def allocate(self, i: int, request: jobs.Vector) -> None:
        self.used[i] += request
        self.idle[i] -= request
        self.future[i] -= request
        self.pods[i] += 1

    def deallocate(self, i: int, request: jobs.Vector) -> None:
        self.used[i] -= request
        self.idle[i] += request
        self.future[i] += request
        self.pods[i] -= 1

    def pipeline(self, i: int, request: jobs.Vector) -> None:
        self.pipelined[i] += request
        self.future[i] -= request
        self.pods[i] += 1

    def unpipeline(self, i: int, request: jobs.Vector) -> None:
        self.pipelined[i] -= request
        self.future[i] += request
        self.pods[i] -= 1

    def release(self, i: int, request: jobs.Vector) -> None:
        """An evicted pod still holds its resources, but they count as coming free."""
        self.releasing[i] += request
        self.future[i] += request

    def unrelease(self, i: int, request: jobs.Vector) -> None:
        self.releasing[i] -= request
        self.future[i] -= request

    def total(self) -> dict[str, int]:
        return self.dims.to_dict(self.allocatable.sum(axis=0))

    def total_used(self) -> dict[str, int]:
        return self.dims.to_dict(self.used.sum(axis=0))
