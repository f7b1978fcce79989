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
# Some node rows: a contiguous range (a view, no copy) or row numbers.
Rows = slice | Indices

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
        # Per row, how often ``used`` changed, and the rows in the order they changed: lets
        # scorers keep per-node scores across tasks (scoring.RowScores).
        self.used_changes: jobs.Vector = np.zeros(len(specs), dtype=np.int64)
        self.used_log: list[int] = []

    def __len__(self) -> int:
        return len(self.names)

    def future_idle(self) -> jobs.Vector:
        return self.future

    def lacking(self, request: jobs.Vector, free: jobs.Vector, rows: Rows | None = None) -> jobs.Vector:
        """Per node (of ``rows``, default all), the column of the first resource that does not
        fit, or -1 when all fit."""
        size = len(self) if rows is None else len(self.pods[rows])
        out = np.full(size, -1, dtype=np.int64)
        wanted = np.flatnonzero(request > 0)
        if not len(wanted):
            return out
        window = free if rows is None else free[rows]
        short = window[:, wanted] < request[wanted]
        hit = np.flatnonzero(short.any(axis=1))
        if len(hit):
            out[hit] = wanted[np.argmax(short[hit], axis=1)]
        return out

    def fits(self, requested: Sequence[tuple[int, int]], free: jobs.Vector, rows: Rows | None = None) -> Mask:
        """Per node (of ``rows``, default all): does every (column, amount) fit ``free``?
        (Column by column: a view for a range of rows, no copy of whole rows; a few numpy calls.)"""
        where = slice(None) if rows is None else rows
        if not requested:
            return np.ones(len(self.pods[where]), dtype=np.bool_)
        (column, amount), *rest = requested
        result: Mask = free[where, column] >= amount
        for column, amount in rest:
            result &= free[where, column] >= amount
        return result

    def allocate(self, i: int, request: jobs.Vector) -> None:
        self.used[i] += request
        self.used_changes[i] += 1
        self.used_log.append(i)
        self.idle[i] -= request
        self.future[i] -= request
        self.pods[i] += 1

    def deallocate(self, i: int, request: jobs.Vector) -> None:
        self.used[i] -= request
        self.used_changes[i] += 1
        self.used_log.append(i)
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
