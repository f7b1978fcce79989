"""Shared by preempt and reclaim: which placed tasks sit on which node, and the order victims
are taken in (Volcano's node.Tasks, BuildVictimsPriorityQueue and ValidateVictims)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from services.scheduler.framework import jobs, nodes, ordering, session

# api.PreemptableStatus: only tasks that hold their node for real can be preempted.
PREEMPTABLE_STATUS = frozenset({jobs.TaskStatus.BOUND, jobs.TaskStatus.RUNNING})
NEVER = "Never"  # spec.preemptionPolicy that forbids a pod to preempt


class OnNodes:
    """Placed tasks per node name, in uid order, and per node an upper bound of what evicting
    them could free. Built once per action: statuses change during the action, so readers
    filter by status; the bound stays an upper bound (evictions only move resources to future
    idle), so nodes that cannot make room even by evicting everything are skipped at once."""

    def __init__(self, ssn: session.Session) -> None:
        self.tasks: dict[str, list[jobs.TaskInfo]] = {}
        self.bound: jobs.Vector = np.zeros_like(ssn.nodes.allocatable)
        for uid in sorted(ssn.jobs):
            for task in ssn.jobs[uid].tasks.values():
                if task.node and task.status in PREEMPTABLE_STATUS and task.node in ssn.nodes.index:
                    self.tasks.setdefault(task.node, []).append(task)
                    if task.preemptable:
                        self.bound[ssn.nodes.index[task.node]] += task.vector
        for tasks in self.tasks.values():
            tasks.sort(key=lambda t: t.uid)

    def on(self, node: str) -> list[jobs.TaskInfo]:
        return self.tasks.get(node, [])

    def could_fit(self, ssn: session.Session, task: jobs.TaskInfo) -> nodes.Mask:
        result: nodes.Mask = np.all(ssn.nodes.future_idle() + self.bound >= task.vector, axis=1)
        return result


def may_preempt(task: jobs.TaskInfo) -> bool:
    return (task.pod.get("spec") or {}).get("preemptionPolicy") != NEVER


def victim_queue(ssn: session.Session, victims: list[jobs.TaskInfo]) -> ordering.PriorityQueue[jobs.TaskInfo]:
    """Victims, the job that would be scheduled last first; inside a job, the last task first."""
    return ordering.PriorityQueue(_victim_order(ssn), victims)


def in_victim_order(ssn: session.Session, tasks: list[jobs.TaskInfo]) -> list[jobs.TaskInfo]:
    """Candidates handed to the plugins in the order they would be evicted. Volcano hands them
    in map order; sorting makes count-based choices (gang keeps minMember) take the least
    important tasks, and keeps sessions deterministic."""
    return sorted(tasks, key=functools.cmp_to_key(_victim_order(ssn)))


def _victim_order(ssn: session.Session) -> Callable[[jobs.TaskInfo, jobs.TaskInfo], int]:
    def compare(left: jobs.TaskInfo, right: jobs.TaskInfo) -> int:
        if left.job != right.job:
            by_job = ssn.hooks.job_order(ssn.job_of(left), ssn.job_of(right))
            if by_job:
                return -by_job
        return -ssn.hooks.task_order(left, right)

    return compare


def enough_after(ssn: session.Session, task: jobs.TaskInfo, node: int, victims: list[jobs.TaskInfo]) -> bool:
    """ValidateVictims: would the task fit the node's future idle once every victim is gone?"""
    free = ssn.nodes.future_idle()[node].copy()
    for victim in victims:
        free += victim.vector
    return bool(np.all(free >= task.vector))


def fits_future(ssn: session.Session, task: jobs.TaskInfo, node: int) -> bool:
    return bool(np.all(ssn.nodes.future_idle()[node] >= task.vector))


def ordered_nodes(ssn: session.Session, task: jobs.TaskInfo, feasible: nodes.Mask) -> list[int]:
    """Feasible nodes by descending node score, ties by name (Volcano's SortNodes)."""
    rows = np.flatnonzero(feasible)
    if len(rows) <= 1:
        single: list[int] = rows.tolist()
        return single
    scores = ssn.hooks.node_scores(task, ssn.nodes, rows)
    ordered: list[int] = rows[np.lexsort((rows, -scores))].tolist()
    return ordered


Filter = Callable[[jobs.TaskInfo], bool]
