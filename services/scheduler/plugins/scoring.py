"""Vectorised node-scoring formulas shared by nodeorder and binpack (0..100 per node, like
Kubernetes' MaxNodeScore), computed on the candidate rows of the node matrix at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.scheduler.framework import jobs, nodes

MAX_NODE_SCORE = 100
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Load:
    """Per candidate node and resource column: requested with the task placed, and capacity."""

    after: Floats
    capacity: Floats

    @classmethod
    def of(cls, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, rows: nodes.Indices, columns: list[int]) -> Load:
        after = (matrix.used[rows][:, columns] + task.vector[columns]).astype(np.float64)
        return cls(after, matrix.allocatable[rows][:, columns].astype(np.float64))


def least_allocated(load: Load) -> Floats:
    """Kubernetes LeastAllocated, equal weights: mean over resources of the free share after placing."""
    usable = (load.capacity > 0) & (load.after <= load.capacity)
    free = np.floor((load.capacity - load.after) * MAX_NODE_SCORE / np.where(usable, load.capacity, 1))
    result: Floats = np.floor(np.where(usable, free, 0).sum(axis=1) / load.after.shape[1])
    return result


def most_allocated(load: Load) -> Floats:
    usable = (load.capacity > 0) & (load.after <= load.capacity)
    used = np.floor(load.after * MAX_NODE_SCORE / np.where(usable, load.capacity, 1))
    result: Floats = np.floor(np.where(usable, used, 0).sum(axis=1) / load.after.shape[1])
    return result


def balanced_allocation(load: Load) -> Floats:
    """Kubernetes BalancedAllocation: 100 x (1 - population std dev of requested fractions)
    over the resources the node has."""
    present = load.capacity > 0
    fractions = np.where(present, np.minimum(load.after / np.where(present, load.capacity, 1), 1.0), 0.0)
    count = np.maximum(present.sum(axis=1), 1)
    mean = fractions.sum(axis=1) / count
    variance = (np.where(present, fractions - mean[:, None], 0.0) ** 2).sum(axis=1) / count
    result: Floats = np.floor((1 - np.sqrt(variance)) * MAX_NODE_SCORE)
    return result


def normalize(scores: Floats, reverse: bool) -> Floats:
    """Kubernetes' DefaultNormalizeScore: scale to 0..100 by the maximum (reversed: 100 - that)."""
    top = float(scores.max()) if len(scores) else 0.0
    if top == 0:
        result: Floats = np.full(len(scores), MAX_NODE_SCORE if reverse else 0, dtype=np.float64)
        return result
    scaled = np.floor(scores * MAX_NODE_SCORE / top)
    out: Floats = MAX_NODE_SCORE - scaled if reverse else scaled
    return out


def bin_packing(load: Load, weights: Floats) -> Floats:
    """Volcano's binpack score (0..1 before scaling): weighted used-after/capacity over the
    resources the task requests that have a weight; 0 for a node the task would overfill."""
    has = load.capacity > 0
    overfull = ((load.after > load.capacity) & has).any(axis=1)
    per = np.where(has, load.after * weights / np.where(has, load.capacity, 1), 0.0)
    total = float(weights.sum())
    score = per.sum(axis=1) / total if total > 0 else per.sum(axis=1)
    result: Floats = np.where(overfull, 0.0, score)
    return result


class RowScores:
    """Per-node scores of one request, kept across tasks: a node's score is only recomputed when
    its used resources changed since (``NodeMatrix.used_changes``), so the tasks of a gang that
    share a request pay for the few nodes that changed, not for every candidate. When some
    candidate is stale, every node changed since the last refresh is recomputed with it: tasks
    scan rotating windows, so one batch serves the next windows too (one numpy pass per many
    tasks instead of one per task).

    Valid only for scores that depend on nothing but the request and the node's used and
    allocatable resources, each row on its own.
    """

    def __init__(self, size: int) -> None:
        self.values: Floats = np.zeros(size, dtype=np.float64)
        self.stamps = np.full(size, -1, dtype=np.int64)
        self.seen = 0  # how much of ``NodeMatrix.used_log`` is reflected in ``values``

    def get(self, matrix: nodes.NodeMatrix, rows: nodes.Indices, compute: Callable[[nodes.Indices], Floats]) -> Floats:
        stale = self.stamps[rows] != matrix.used_changes[rows]
        if stale.any():
            changed = np.union1d(rows[stale], np.asarray(matrix.used_log[self.seen :], dtype=np.intp))
            self.seen = len(matrix.used_log)
            self.values[changed] = compute(changed)
            self.stamps[changed] = matrix.used_changes[changed]
        result: Floats = self.values[rows]
        return result
