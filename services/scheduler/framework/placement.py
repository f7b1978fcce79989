"""Finding nodes for one task: predicates over all nodes at once, then the best-scoring node.

Shared by allocate and backfill (Volcano's PredicateNodes + PrioritizeNodes + SelectBestNode).
Each node fails with its first reason only, checked in Volcano's order: resources first (the
allocate action's own check, against future idle), then nodes held for another waiting gang
(node_holds), then the plugins' predicates in tier order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.scheduler.framework import fit_errors, jobs, node_holds, nodes, session

MIN_NODES_TO_FIND = 100
MIN_PERCENTAGE = 5
BASELINE_PERCENTAGE = 50


@dataclass(frozen=True)
class Feasible:
    mask: nodes.Mask  # nodes that pass every predicate
    errors: fit_errors.FitErrors  # why the others failed

    @property
    def any(self) -> bool:
        return bool(self.mask.any())


def feasible_nodes(ssn: session.Session, task: jobs.TaskInfo, check_resources: bool = True) -> Feasible:
    matrix = ssn.nodes
    errors = fit_errors.FitErrors(nodes=len(matrix))
    passing = np.ones(len(matrix), dtype=np.bool_)
    if check_resources:
        lacking = matrix.lacking(task.vector, matrix.future_idle())
        failed = lacking >= 0
        if failed.any():
            columns, counts = np.unique(lacking[failed], return_counts=True)
            for column, count in zip(columns.tolist(), counts.tolist()):
                errors.add(fit_errors.insufficient(matrix.dims.names[column]), count)
            passing &= ~failed
    blocked = ssn.holds.blocked(task, matrix.future_idle())
    if blocked is not None:
        hit = blocked & passing
        errors.add(node_holds.RESERVED_REASON, int(hit.sum()))
        passing &= ~hit
    for reason, mask in ssn.hooks.predicate_failures(task, matrix):
        hit = mask & passing
        count = int(hit.sum())
        if count:
            errors.add(reason, count)
            passing &= ~hit
    return Feasible(passing, errors)


def nodes_to_find(total: int) -> int:
    """How many feasible nodes to score (Volcano's CalculateNumOfFeasibleNodesToFind, defaults:
    at least 100 nodes, 50% minus 1% per 125 nodes, at least 5%)."""
    if total <= MIN_NODES_TO_FIND:
        return total
    percentage = max(BASELINE_PERCENTAGE - total // 125, MIN_PERCENTAGE)
    return max(total * percentage // 100, MIN_NODES_TO_FIND)


def sample(ssn: session.Session, feasible: nodes.Mask) -> nodes.Mask:
    """The first ``nodes_to_find`` feasible nodes, scanning from where the last task stopped so
    that every node gets its turn across tasks (Volcano's lastProcessedNodeIndex)."""
    total = len(feasible)
    want = nodes_to_find(total)
    if int(feasible.sum()) <= want:
        return feasible
    start = ssn.next_node % total
    rows = np.flatnonzero(feasible)
    split = int(np.searchsorted(rows, start))
    chosen = np.concatenate((rows[split:], rows[:split]))[:want]
    ssn.next_node = (int(chosen[-1]) + 1) % total
    out = np.zeros(total, dtype=np.bool_)
    out[chosen] = True
    return out


def best_node(ssn: session.Session, task: jobs.TaskInfo, feasible: nodes.Mask) -> tuple[int, bool]:
    """The node to use and whether the task fits its idle resources now (else: pipeline it).

    On big clusters only a rotating sample of the feasible nodes is scored. Nodes where the task
    fits idle resources are preferred over ones that only fit once releasing pods are gone;
    among those the highest summed score wins, ties by node name.
    """
    matrix = ssn.nodes
    feasible = sample(ssn, feasible)
    idle_fit = feasible & matrix.fits(task.vector, matrix.idle)
    now = bool(idle_fit.any())
    candidates = np.flatnonzero(idle_fit if now else feasible)
    if len(candidates) == 1:
        return int(candidates[0]), now
    scores = ssn.hooks.node_scores(task, matrix, candidates)
    return int(candidates[int(np.argmax(scores))]), now
