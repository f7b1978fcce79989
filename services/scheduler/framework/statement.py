"""A Statement records allocate/pipeline operations so a gang is placed all or nothing.

Operations change the session at once (so later tasks see the capacity taken); ``discard`` rolls
them back in reverse order, ``commit`` dispatches the allocated tasks for binding and records
the evictions (Volcano's framework/statement.go). Preempt and reclaim use ``evict``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.scheduler.framework import jobs, result

if TYPE_CHECKING:
    from services.scheduler.framework import session as session_mod


class Op(enum.Enum):
    ALLOCATE = "allocate"
    PIPELINE = "pipeline"
    EVICT = "evict"


@dataclass(frozen=True)
class Operation:
    op: Op
    task: jobs.TaskInfo
    node: int
    reason: str = ""
    previous: jobs.TaskStatus = jobs.TaskStatus.RUNNING  # the evicted task's status before


class Statement:
    def __init__(self, ssn: session_mod.Session) -> None:
        self.ssn = ssn
        self.operations: list[Operation] = []

    def allocate(self, task: jobs.TaskInfo, node: int) -> None:
        self.ssn.place(task, node, jobs.TaskStatus.ALLOCATED)
        self.operations.append(Operation(Op.ALLOCATE, task, node))

    def pipeline(self, task: jobs.TaskInfo, node: int) -> None:
        self.ssn.place(task, node, jobs.TaskStatus.PIPELINED)
        self.operations.append(Operation(Op.PIPELINE, task, node))

    def evict(self, task: jobs.TaskInfo, reason: str) -> None:
        """Make room by evicting a placed task (preempt, reclaim); undone by ``discard``."""
        previous = task.status
        self.ssn.evict(task)
        self.operations.append(Operation(Op.EVICT, task, self.ssn.nodes.index[task.node], reason, previous))

    def merge(self, other: Statement) -> None:
        """Take over another statement's operations (Volcano's Statement.Merge): per-node
        attempts run in their own statement and join the job's statement only on success."""
        self.operations.extend(other.operations)
        other.operations.clear()

    @property
    def has_evictions(self) -> bool:
        return any(o.op is Op.EVICT for o in self.operations)

    def discard(self) -> None:
        for operation in reversed(self.operations):
            if operation.op is Op.EVICT:
                self.ssn.unevict(operation.task, operation.previous)
            else:
                self.ssn.unplace(operation.task, operation.node)
        self.operations.clear()

    def commit(self) -> None:
        for operation in self.operations:
            if operation.op is Op.ALLOCATE:
                self.ssn.dispatch(operation.task)
            elif operation.op is Op.EVICT:
                task = operation.task
                self.ssn.evictions.append(
                    result.Eviction(task.namespace, task.name, task.resource_version, operation.reason)
                )
        self.operations.clear()
