"""Read a Volcano Job's spec as the controller does.

The admission webhook has already applied Volcano's defaults (queue, maxRetry, minAvailable,
task minAvailable), so absent fields read as Go's zero values here, exactly as in the controller.
"""

from __future__ import annotations

from typing import Any

from basalt.api import meta
from services.controller.materialize import keys

Obj = meta.Obj


def spec(job: Obj) -> dict[str, Any]:
    return job.get("spec") or {}


def status(job: Obj) -> dict[str, Any]:
    return job.get("status") or {}


def tasks(job: Obj) -> list[Obj]:
    return list(spec(job).get("tasks") or [])


def find_task(job: Obj, name: str) -> Obj | None:
    return next((t for t in tasks(job) if task_name(t) == name), None)


def task_name(task: Obj) -> str:
    return str(task.get("name") or "")


def task_key(task: Obj) -> str:
    """The task's key in labels and annotations (Volcano falls back to "default")."""
    return task_name(task) or keys.DEFAULT_TASK_SPEC


def replicas(task: Obj) -> int:
    return int(task.get("replicas") or 0)


def task_min_available(task: Obj) -> int | None:
    value = task.get("minAvailable")
    return None if value is None else int(value)


def min_task_member(task: Obj) -> int:
    """PodGroup ``minTaskMember`` for a task (``getMinTaskMember``)."""
    min_available = task_min_available(task)
    if min_available is not None:
        return min_available
    partition = task.get("partitionPolicy") or {}
    min_partitions = int(partition.get("minPartitions") or 0)
    size = int(partition.get("partitionSize") or 0)
    if min_partitions and size:
        return min_partitions * size
    return replicas(task)


def template_spec(task: Obj) -> dict[str, Any]:
    return (task.get("template") or {}).get("spec") or {}


def min_available(job: Obj) -> int:
    return int(spec(job).get("minAvailable") or 0)


def min_success(job: Obj) -> int | None:
    value = spec(job).get("minSuccess")
    return None if value is None else int(value)


def max_retry(job: Obj) -> int:
    return int(spec(job).get("maxRetry") or 0)


def queue(job: Obj) -> str:
    return str(spec(job).get("queue") or "")


def scheduler_name(job: Obj) -> str:
    return str(spec(job).get("schedulerName") or "")


def priority_class_name(job: Obj) -> str:
    return str(spec(job).get("priorityClassName") or "")


def plugins(job: Obj) -> dict[str, list[str]]:
    return {name: list(args or []) for name, args in (spec(job).get("plugins") or {}).items()}


def total_replicas(job: Obj) -> int:
    """``state.TotalTasks``."""
    return sum(replicas(t) for t in tasks(job))


def total_task_min_available(job: Obj) -> int:
    """``state.TotalTaskMinAvailable``: task minAvailable, or replicas when unset."""
    total = 0
    for task in tasks(job):
        value = task_min_available(task)
        total += replicas(task) if value is None else value
    return total


def version(job: Obj) -> int:
    return int(status(job).get("version") or 0)


def retry_count(job: Obj) -> int:
    return int(status(job).get("retryCount") or 0)


def phase(job: Obj) -> str:
    return str((status(job).get("state") or {}).get("phase") or "")
