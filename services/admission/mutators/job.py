"""Job defaults, as Volcano's ``jobs/mutate`` webhook (and the Job CRD's schema defaults) set them.

Volcano applies them on CREATE only. Zero values count as unset, as in Go (``maxRetry: 0``
becomes 3, ``minAvailable: 0`` becomes the sum of the tasks' minAvailable).
"""

from __future__ import annotations

import copy
from typing import Any

from services.admission.validators import context, shape

DEFAULT_MAX_RETRY = 3
DEFAULT_TASK_PREFIX = "default"
# These framework plugins need the svc plugin (and mpi the ssh plugin) to wire their pods.
NEEDS_SVC = ("tensorflow", "mpi", "pytorch", "ray")
NEEDS_SSH = ("mpi",)


def default(job: dict[str, Any], scheduler_name: str) -> dict[str, Any]:
    """A defaulted deep copy of ``job`` (the input is left as it was)."""
    out = copy.deepcopy(job)
    spec = out.setdefault("spec", {})
    if not spec.get("queue"):
        spec["queue"] = context.DEFAULT_QUEUE
    if not spec.get("schedulerName"):
        spec["schedulerName"] = scheduler_name
    if not shape.as_int(spec.get("maxRetry")):
        spec["maxRetry"] = DEFAULT_MAX_RETRY
    for index, task in enumerate(shape.as_list(spec.get("tasks"))):
        if isinstance(task, dict):
            _default_task(task, index)
    if not shape.as_int(spec.get("minAvailable")):
        spec["minAvailable"] = sum(
            shape.as_int(t.get("minAvailable")) for t in shape.as_list(spec.get("tasks"))
            if isinstance(t, dict)
        )
    if isinstance(spec.get("plugins"), dict):
        _default_plugins(spec["plugins"])
    return out


def schema_defaults(job: dict[str, Any]) -> dict[str, Any]:
    """The CRD schema's defaults, which the API server applies on every write (UPDATE too)."""
    out = copy.deepcopy(job)
    spec = out.setdefault("spec", {})
    spec.setdefault("queue", context.DEFAULT_QUEUE)
    spec.setdefault("maxRetry", DEFAULT_MAX_RETRY)
    return out


def _default_task(task: dict[str, Any], index: int) -> None:
    if not task.get("name"):
        task["name"] = f"{DEFAULT_TASK_PREFIX}{index}"
    pod_spec = shape.as_dict(shape.as_dict(task.get("template")).get("spec"))
    if pod_spec.get("hostNetwork") is True and not pod_spec.get("dnsPolicy"):
        pod_spec["dnsPolicy"] = "ClusterFirstWithHostNet"
    if task.get("minAvailable") is None:
        task["minAvailable"] = _task_min_available(task)
    if not shape.as_int(task.get("maxRetry")):
        task["maxRetry"] = DEFAULT_MAX_RETRY


def _task_min_available(task: dict[str, Any]) -> int:
    # Only an explicit minPartitions derives it; otherwise minPartitions 0 would drop the gang.
    partition = shape.as_dict(task.get("partitionPolicy"))
    min_partitions = shape.as_int(partition.get("minPartitions"))
    if min_partitions > 0:
        return min_partitions * shape.as_int(partition.get("partitionSize"))
    return shape.as_int(task.get("replicas"))


def _default_plugins(plugins: dict[str, Any]) -> None:
    if any(name in plugins for name in NEEDS_SVC):
        plugins.setdefault("svc", [])
    if any(name in plugins for name in NEEDS_SSH):
        plugins.setdefault("ssh", [])
