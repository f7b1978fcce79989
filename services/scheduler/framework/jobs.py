"""Tasks (pods) and jobs (pod groups) as the session sees them (Volcano's api.TaskInfo/JobInfo).

These are the mutable, per-session copies: the statement moves tasks between statuses and the
job's status index follows, so gang checks (ready, pipelined) are counts, not scans.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.int64]


class TaskStatus(enum.Enum):
    PENDING = "Pending"
    ALLOCATED = "Allocated"
    PIPELINED = "Pipelined"
    BINDING = "Binding"
    BOUND = "Bound"
    RUNNING = "Running"
    RELEASING = "Releasing"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    UNKNOWN = "Unknown"


# api.AllocatedStatus: the task holds resources on a node.
ALLOCATED = frozenset({TaskStatus.ALLOCATED, TaskStatus.BINDING, TaskStatus.BOUND, TaskStatus.RUNNING})
# api.ReadyTaskNum: counts towards a gang's minMember.
READY = ALLOCATED | {TaskStatus.SUCCEEDED}
COMPLETED = frozenset({TaskStatus.SUCCEEDED, TaskStatus.FAILED})
# ValidTaskNum: tasks that can still count towards the gang.
VALID = READY | {TaskStatus.PIPELINED, TaskStatus.PENDING}


@dataclass(frozen=True, slots=True)
class Demand:
    """A task's requests as placement reads them, derived once per distinct request: the pods of
    a job share one (sessions over 100k bound pods otherwise spend seconds re-deriving them)."""

    vector: Vector  # read-only: shared by every task with these requests
    requested: tuple[tuple[int, int], ...]  # (column, amount) of each requested resource
    best_effort: bool  # requests nothing


def demand(requests: Mapping[str, int], vector: Vector) -> Demand:
    vector.flags.writeable = False
    requested = tuple((c, v) for c, v in enumerate(vector.tolist()) if v > 0)
    return Demand(vector, requested, not any(v > 0 for v in requests.values()))


@dataclass(eq=False)
class TaskInfo:
    uid: str  # "namespace/name"; pods are unique by it within a session
    namespace: str
    name: str
    job: str  # owning job's key
    role: str  # volcano.sh/task-spec, Volcano's TaskRole
    requests: Mapping[str, int]  # milli-units, as basalt.api.resources.pod_requests gives them
    demand: Demand  # requests laid out on the session's resource dimensions
    priority: int
    creation: str
    resource_version: int
    pod: Mapping[str, Any]
    status: TaskStatus = TaskStatus.PENDING
    node: str = ""
    preemptable: bool = True  # volcano.sh/preemptable; false: never a victim of preempt/reclaim

    @property
    def vector(self) -> Vector:
        return self.demand.vector

    @property
    def requested(self) -> tuple[tuple[int, int], ...]:
        return self.demand.requested

    @property
    def best_effort(self) -> bool:
        return self.demand.best_effort


@dataclass(eq=False)
class JobInfo:
    uid: str  # "namespace/name" of the PodGroup
    namespace: str
    name: str
    queue: str
    min_member: int
    min_resources: dict[str, int] | None  # None when the PodGroup sets no minResources
    priority: int
    phase: str
    creation: str
    resource_version: int
    conditions: list[dict[str, Any]]
    task_min_available: dict[str, int] = field(default_factory=dict)
    sla_waiting_seconds: float | None = None  # the PodGroup's sla-waiting-time annotation
    tasks: dict[str, TaskInfo] = field(default_factory=dict)
    by_status: dict[TaskStatus, dict[str, TaskInfo]] = field(default_factory=dict)
    # Why each task could not be placed this session (task uid -> aggregated fit errors).
    fit_errors: dict[str, Any] = field(default_factory=dict)
    # Why the job as a whole was held back (enqueue refusals, invalid gang), Volcano's JobFitErrors.
    job_fit_error: str = ""

    # Kept by add_task/set_status: gang checks (is_ready, job_ready) run several times per placement.
    pending_best_effort: int = 0
    ready: int = 0  # tasks in a READY status

    def add_task(self, task: TaskInfo) -> None:
        self.tasks[task.uid] = task
        self.by_status.setdefault(task.status, {})[task.uid] = task
        self._count(task, 1)

    def set_status(self, task: TaskInfo, status: TaskStatus) -> None:
        self._count(task, -1)
        self.by_status.get(task.status, {}).pop(task.uid, None)
        task.status = status
        self.by_status.setdefault(status, {})[task.uid] = task
        self._count(task, 1)

    def _count(self, task: TaskInfo, sign: int) -> None:
        if task.status in READY:
            self.ready += sign
        elif task.best_effort and task.status is TaskStatus.PENDING:
            self.pending_best_effort += sign

    def count(self, statuses: Iterable[TaskStatus]) -> int:
        return sum(len(self.by_status.get(s, {})) for s in statuses)

    def with_status(self, status: TaskStatus) -> list[TaskInfo]:
        return list(self.by_status.get(status, {}).values())

    @property
    def is_pending(self) -> bool:
        return self.phase in ("Pending", "")

    def ready_task_num(self) -> int:
        return self.ready

    def pending_best_effort_num(self) -> int:
        return self.pending_best_effort

    def is_ready(self) -> bool:
        return self.ready_task_num() + self.pending_best_effort_num() >= self.min_member

    def is_pipelined(self) -> bool:
        waiting = len(self.by_status.get(TaskStatus.PIPELINED, {}))
        return waiting + self.ready_task_num() + self.pending_best_effort_num() >= self.min_member

    def valid_task_num(self) -> int:
        return self.count(VALID)

    def check_task_ready(self, pipelined: bool = False) -> bool:
        """Every task role has its own minAvailable placed (CheckTaskReady / CheckTaskPipelined)."""
        if not self.task_min_available or self.min_member < sum(self.task_min_available.values()):
            return True
        counted = READY | {TaskStatus.PIPELINED} if pipelined else READY
        placed: dict[str, int] = {}
        for task in self.tasks.values():
            if task.status in counted or task.best_effort and task.status is TaskStatus.PENDING:
                placed[task.role] = placed.get(task.role, 0) + 1
        return all(placed.get(role, 0) >= n for role, n in self.task_min_available.items())

    def allocated_vector(self, width: int) -> Vector:
        # Tallied by demand (a job's tasks share a few), then one numpy step per distinct one.
        tally: dict[int, tuple[Vector, int]] = {}
        for status in ALLOCATED:
            for task in self.by_status.get(status, {}).values():
                vector, n = tally.get(id(task.demand), (task.vector, 0))
                tally[id(task.demand)] = (vector, n + 1)
        out = np.zeros(width, dtype=np.int64)
        for vector, n in tally.values():
            out += vector * n
        return out
