"""Finding nodes for one task: predicates over node windows, then the best-scoring node.

Shared by allocate and backfill (Volcano's PredicateNodes + PrioritizeNodes + SelectBestNode).
Each node fails with its first reason only, checked in Volcano's order: resources first (the
allocate action's own check, against future idle), then nodes held for another waiting gang
(node_holds), then the plugins' predicates in tier order.

Like Volcano's PredicateNodes, ``find`` does not check every node: it walks the nodes from where
the last task stopped (lastProcessedNodeIndex) in growing windows and stops once it has more than
``nodes_to_find`` feasible nodes, so a task costs O(window), not O(nodes). ``feasible_nodes``
checks every node, for the actions that need the whole picture (preempt, reclaim, reservation).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from services.scheduler.framework import fit_errors, jobs, node_holds, nodes, session

MIN_NODES_TO_FIND = 100
MIN_PERCENTAGE = 5
BASELINE_PERCENTAGE = 50
# The first window is the sample size plus a little: on a roomy cluster one window is enough.
WINDOW_SLACK = 32


@dataclass(frozen=True)
class Feasible:
    mask: nodes.Mask  # nodes that pass every predicate
    errors: fit_errors.FitErrors  # why the others failed

    @property
    def any(self) -> bool:
        return bool(self.mask.any())


@dataclass(frozen=True)
class Found:
    """The feasible nodes to score for one task (ascending rows), and why checked nodes failed."""

    rows: nodes.Indices
    errors: fit_errors.FitErrors  # only counted when ``rows`` is empty (then every node was checked)

    @property
    def any(self) -> bool:
        return len(self.rows) > 0


def feasible_nodes(ssn: session.Session, task: jobs.TaskInfo, check_resources: bool = True) -> Feasible:
    total = len(ssn.nodes)
    errors = fit_errors.FitErrors(nodes=total)
    blocked = ssn.holds.blocked(task, ssn.nodes.future_idle())
    passing = _passing(ssn, task, slice(0, total), check_resources, blocked, errors)
    return Feasible(passing, errors)


def find(ssn: session.Session, task: jobs.TaskInfo, check_resources: bool = True) -> Found:
    """The first ``nodes_to_find`` feasible nodes from ``ssn.next_node`` on, wrapping around.

    Same nodes as ``sample(ssn, feasible_nodes(...).mask)``: the scan goes one node past the
    sample size, so that, as there, the start only moves on when some feasible node was left out.
    Failure reasons are only counted when no node passes (a second, full pass): a placed task
    needs none.
    """
    total = len(ssn.nodes)
    want = nodes_to_find(total)
    start = ssn.next_node % total if total else 0
    found: list[nodes.Indices] = []
    count = 0
    blocked = ssn.holds.blocked(task, ssn.nodes.future_idle())  # once per task, not per window
    for lo, hi in _windows(start, total, want + WINDOW_SLACK):
        hits = np.flatnonzero(_passing(ssn, task, slice(lo, hi), check_resources, blocked, None)) + lo
        found.append(hits)
        count += len(hits)
        if count > want:
            break
    if not count:
        return Found(np.zeros(0, dtype=np.intp), feasible_nodes(ssn, task, check_resources).errors)
    chosen = np.concatenate(found) if len(found) > 1 else found[0]
    if count > want:
        chosen = chosen[:want]
        ssn.next_node = (int(chosen[-1]) + 1) % total
    return Found(np.sort(chosen), fit_errors.FitErrors(nodes=total))


def _windows(start: int, total: int, first: int) -> Iterator[tuple[int, int]]:
    """Contiguous row ranges covering the ring once from ``start``, each twice the last (a
    crowded cluster is still scanned in a few numpy calls); split where the ring wraps."""
    size, done = first, 0
    while done < total:
        take = min(size, total - done)
        lo = (start + done) % total
        hi = lo + take
        if hi <= total:
            yield lo, hi
        else:
            yield lo, total
            yield 0, hi - total
        done += take
        size *= 2


def _passing(
    ssn: session.Session,
    task: jobs.TaskInfo,
    rows: nodes.Rows,
    check_resources: bool,
    blocked: nodes.Mask | None,
    errors: fit_errors.FitErrors | None,
) -> nodes.Mask:
    """Which of ``rows`` pass every predicate (``blocked``: every node's node_holds verdict);
    with ``errors``, the first failing reason of each other node is counted there."""
    matrix = ssn.nodes
    if check_resources and errors is None:
        passing = matrix.fits(task.requested, matrix.future_idle(), rows)
    else:
        passing = np.ones(len(matrix.pods[rows]), dtype=np.bool_)
    if check_resources and errors is not None:
        lacking = matrix.lacking(task.vector, matrix.future_idle(), rows)
        failed = lacking >= 0
        if failed.any():
            columns, counts = np.unique(lacking[failed], return_counts=True)
            for column, count in zip(columns.tolist(), counts.tolist()):
                errors.add(fit_errors.insufficient(matrix.dims.names[column]), count)
            passing &= ~failed
    if blocked is not None:
        _exclude(passing, blocked[rows], node_holds.RESERVED_REASON, errors)
    for reason, mask in ssn.hooks.predicate_failures(task, matrix, rows):
        _exclude(passing, mask, reason, errors)
    return passing


def _exclude(passing: nodes.Mask, failing: nodes.Mask, reason: str, errors: fit_errors.FitErrors | None) -> None:
    if errors is not None:
        errors.add(reason, int((failing & passing).sum()))
    passing &= ~failing


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
    """``best_of`` over a rotating sample of a whole-cluster feasible mask."""
    return best_of(ssn, task, np.flatnonzero(sample(ssn, feasible)))


def best_of(ssn: session.Session, task: jobs.TaskInfo, rows: nodes.Indices) -> tuple[int, bool]:
    """The node to use among feasible ``rows`` (ascending) and whether the task fits its idle
    resources now (else: pipeline it).

    Nodes where the task fits idle resources are preferred over ones that only fit once
    releasing pods are gone; among those the highest summed score wins, ties by node name.
    """
    matrix = ssn.nodes
    idle_fit = matrix.fits(task.requested, matrix.idle, rows)
    now = bool(idle_fit.any())
    candidates = rows[idle_fit] if now else rows
    if len(candidates) == 1:
        return int(candidates[0]), now
    scores = ssn.hooks.node_scores(task, matrix, candidates)
    return int(candidates[int(np.argmax(scores))]), now
