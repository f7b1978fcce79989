"""Nodes held for waiting gangs (the reservation action's bookkeeping, kept on the session).

A hold is a plan: which of the gang's pending tasks go to which reserved node. Per node the
requests of the planned tasks not placed yet add up to the *hold*. Another job's task may use a held node only if the
node's future idle after placing it still covers the hold, so work that finishes on a held
node frees room for the gang instead of for the stream of small jobs behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.scheduler.framework import jobs, nodes

RESERVED_REASON = "node(s) reserved for a waiting gang"


@dataclass(frozen=True)
class Plan:
    job: str
    nodes: tuple[int, ...]  # reserved node rows, in the order they were chosen
    placements: tuple[tuple[jobs.TaskInfo, int], ...]  # (task, node row) for the gang's need


class NodeHolds:
    def __init__(self, node_count: int, width: int) -> None:
        self.width = width
        self.owner: list[str] = [""] * node_count
        self.plans: dict[str, Plan] = {}
        self._rows: nodes.Indices = np.zeros(0, dtype=np.intp)

    def __bool__(self) -> bool:
        return bool(self.plans)

    def add(self, plan: Plan) -> None:
        self.release(plan.job)
        for row in plan.nodes:
            self.owner[row] = plan.job
        self.plans[plan.job] = plan
        self._refresh()

    def release(self, job: str) -> None:
        plan = self.plans.pop(job, None)
        if plan is None:
            return
        for row in plan.nodes:
            self.owner[row] = ""
        self._refresh()

    def hold(self) -> jobs.Vector:
        """Per node, what the plans still need there: planned tasks that are not placed yet."""
        out = np.zeros((len(self.owner), self.width), dtype=np.int64)
        for plan in self.plans.values():
            for task, row in plan.placements:
                if task.status is jobs.TaskStatus.PENDING:
                    out[row] += task.vector
        return out

    def held_by_other(self, job: str) -> nodes.Mask:
        out = np.zeros(len(self.owner), dtype=np.bool_)
        for row in self._rows.tolist():
            out[row] = self.owner[row] != job
        return out

    def blocked(self, task: jobs.TaskInfo, free: jobs.Vector) -> nodes.Mask | None:
        """Held nodes (of other gangs) where the task would eat into the hold; None: no holds."""
        if not self.plans:
            return None
        out = np.zeros(len(self.owner), dtype=np.bool_)
        wanted = task.vector > 0
        if not wanted.any():
            return out
        rows = np.array([r for r in self._rows.tolist() if self.owner[r] != task.job], dtype=np.intp)
        if len(rows):
            after = free[rows][:, wanted] - task.vector[wanted]
            out[rows] = (after < self.hold()[rows][:, wanted]).any(axis=1)
        return out

    def _refresh(self) -> None:
        self._rows = np.array([i for i, owner in enumerate(self.owner) if owner], dtype=np.intp)
