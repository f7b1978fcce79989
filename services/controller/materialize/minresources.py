"""PodGroup ``spec.minResources``: the resources of the job's first ``minAvailable`` pods.

A port of ``calcPGMinResources`` / ``TasksPriority`` in Volcano's job controller. Each pod counts
as Kubernetes' quota evaluator counts it (``GetPodQuotaUsage``): ``count/pods``, ``pods``,
``cpu`` + ``requests.cpu`` + ``limits.cpu``, the same for memory and ephemeral storage,
hugepages, and extended resources under both their own and their ``requests.`` name. So a
Volcano PodGroup's minResources and Basalt's carry the same keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from basalt.api import meta, quantity, resources
from services.controller.materialize import jobspec

Obj = meta.Obj
Resources = resources.Resources

_REQUESTS = "requests."
_LIMITS = "limits."
_COMPUTE = ("cpu", "memory", "ephemeral-storage")
_HUGEPAGES = "hugepages-"
_ONE = 1000  # one, in milli-units


def min_resources(job: Obj, priorities: Mapping[str, int] | None = None) -> Resources:
    """Milli-unit resources the scheduler must find before the gang can start.

    ``priorities`` maps PriorityClass name to value; tasks whose class is unknown rank 0, as
    Volcano's controller does when the lister misses. Higher priority tasks are counted first.
    """
    ranked = _by_priority(jobspec.tasks(job), priorities or {})
    wanted = jobspec.min_available(job)
    if wanted < jobspec.total_task_min_available(job):
        return _first_count(ranked, wanted)
    return _task_minimums_then_fill(ranked, wanted)


def render(res: Mapping[str, int]) -> dict[str, str]:
    """Milli-units as Kubernetes quantities, memory-like keys in binary units."""
    return {name: quantity.format_milli(_base_name(name), value) for name, value in sorted(res.items())}


def quota_usage(pod_spec: Mapping[str, Any]) -> Resources:
    """One pod's usage as the quota evaluator reports it (``GetPodQuotaUsage``)."""
    requests = resources.pod_requests({"spec": pod_spec})
    limits = _pod_limits(pod_spec)
    usage: Resources = {"count/pods": _ONE, "pods": _ONE}
    for name in _COMPUTE:
        if name in requests:
            usage[name] = usage[_REQUESTS + name] = requests[name]
        if name in limits:
            usage[_LIMITS + name] = limits[name]
    for name, value in requests.items():
        if name.startswith(_HUGEPAGES) or _is_extended(name):
            usage[name] = usage[_REQUESTS + name] = value
    return usage


def _by_priority(tasks: list[Obj], priorities: Mapping[str, int]) -> list[Obj]:
    # sort.Sort is not stable, but equal priorities keep spec order in practice; stable is
    # the deterministic reading of it.
    def rank(task: Obj) -> int:
        return -priorities.get(str(jobspec.template_spec(task).get("priorityClassName") or ""), 0)

    return sorted(tasks, key=rank)


def _times(task: Obj, count: int) -> Resources:
    usage = quota_usage(jobspec.template_spec(task))
    return {name: value * count for name, value in usage.items()} if count > 0 else {}


def _first_count(ranked: list[Obj], count: int) -> Resources:
    """``CalcFirstCountResources``: walk tasks by priority until ``count`` pods are covered."""
    total: Resources = {}
    for task in ranked:
        replicas = jobspec.replicas(task)
        if count <= replicas:
            return resources.add(total, _times(task, count))
        total = resources.add(total, _times(task, replicas))
        count -= replicas
    return total


def _task_minimums_then_fill(ranked: list[Obj], wanted: int) -> Resources:
    """``CalcPGMinResources``: every task's minAvailable, then spare replicas up to ``wanted``."""
    total: Resources = {}
    counted = 0
    for task in ranked:
        task_min = jobspec.task_min_available(task)
        if task_min is None:
            continue
        take = min(task_min, wanted - counted)
        total = resources.add(total, _times(task, take))
        counted += take
        if counted >= wanted:
            return total
    left = wanted - counted
    for task in ranked:
        task_min = jobspec.task_min_available(task)
        spare = jobspec.replicas(task) - (task_min or 0)
        if task_min is not None and spare == 0:
            continue
        take = min(spare, left)
        total = resources.add(total, _times(task, take))
        left -= take
        if left <= 0:
            break
    return total


def _pod_limits(pod_spec: Mapping[str, Any]) -> Resources:
    containers = resources.total(_limits(c) for c in pod_spec.get("containers") or [])
    for init in pod_spec.get("initContainers") or []:
        for name, value in _limits(init).items():
            containers[name] = max(containers.get(name, 0), value)
    return containers


def _limits(container: Mapping[str, Any]) -> Resources:
    return resources.from_quantities((container.get("resources") or {}).get("limits"))


def _is_extended(name: str) -> bool:
    """``IsExtendedResourceName``: domain-qualified and not in the kubernetes.io namespace."""
    if "/" not in name or name.startswith(_REQUESTS):
        return False
    domain = name.split("/", 1)[0]
    return not (domain == "kubernetes.io" or domain.endswith(".kubernetes.io"))


def _base_name(name: str) -> str:
    for prefix in (_REQUESTS, _LIMITS):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name
