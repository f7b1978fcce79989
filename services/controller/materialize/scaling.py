"""Which pods to create and which to delete so a Job's pods match its spec (``syncJob``).

Volcano creates ``<job>-<task>-<i>`` for ``i < replicas`` when missing, and deletes the task's
pods outside that range (scale down) and pods it marked out-of-sync (restarts). Pods already
being deleted are left alone. Pods of a task no longer in the spec are not touched, as in Volcano.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from basalt.api import labels, meta
from services.controller.materialize import jobspec, keys, naming, objects, pod

Obj = meta.Obj


def may_create_pods(podgroup: Obj | None) -> bool:
    """Pods are created only once the scheduler has moved the PodGroup past Pending."""
    if podgroup is None:
        return False
    return objects.phase_of(podgroup) not in ("", "Pending")


def pods_to_create(job: Obj, existing_pods: Iterable[Obj], *, forwarding: bool = False) -> list[Obj]:
    """New pods for missing indexes, in task then index order; tasks whose ``dependsOn`` is unmet wait."""
    by_name = {meta.name(p): p for p in existing_pods}
    created = []
    for task in jobspec.tasks(job):
        if not depends_on_met(job, task, by_name):
            continue
        for index in range(jobspec.replicas(task)):
            if naming.pod_name(meta.name(job), jobspec.task_name(task), index) not in by_name:
                created.append(pod.build_pod(job, task, index, forwarding=forwarding))
    return created


def pods_to_delete(job: Obj, existing_pods: Iterable[Obj]) -> list[Obj]:
    """Surplus pods of each task, and out-of-sync ones, skipping pods already terminating."""
    by_task = group_by_task(existing_pods)
    doomed = []
    for task in jobspec.tasks(job):
        wanted = {naming.pod_name(meta.name(job), jobspec.task_name(task), i) for i in range(jobspec.replicas(task))}
        for p in by_task.get(jobspec.task_name(task), []):
            if objects.is_terminating(p):
                continue
            if meta.name(p) not in wanted or is_out_of_sync(p):
                doomed.append(p)
    return sorted(doomed, key=meta.name)


def group_by_task(pods: Iterable[Obj]) -> dict[str, list[Obj]]:
    """``jobInfo.Pods``: pods keyed by their task-spec annotation ("default" when missing)."""
    grouped: dict[str, list[Obj]] = {}
    for p in pods:
        grouped.setdefault(task_of(p), []).append(p)
    return grouped


def task_of(p: Obj) -> str:
    return objects.annotations_of(p).get(labels.TASK_SPEC) or keys.DEFAULT_TASK_SPEC


def mark_out_of_sync(p: Obj) -> Obj:
    """The pod annotated as the controller's to delete (patch this before deleting it)."""
    marked = copy.deepcopy(p)
    marked.setdefault("metadata", {}).setdefault("annotations", {})[keys.OUT_OF_SYNC] = "true"
    return marked


def is_out_of_sync(p: Obj) -> bool:
    return keys.OUT_OF_SYNC in objects.annotations_of(p)


def depends_on_met(job: Obj, task: Obj, pods_by_name: dict[str, Obj]) -> bool:
    """``waitDependsOnTaskMeetCondition``: ``iteration: any`` needs one ready task, else all."""
    depends_on = task.get("dependsOn")
    if not depends_on:
        return True
    names = list(depends_on.get("name") or [])
    ready = [_task_ready(job, name, pods_by_name) for name in names]
    if len(names) > 1 and depends_on.get("iteration") == "any":
        return any(ready)
    return all(ready)


def _task_ready(job: Obj, task_name: str, pods_by_name: dict[str, Obj]) -> bool:
    """``isDependsOnPodsReady``: at least the task's minAvailable pods are ready or succeeded."""
    task = jobspec.find_task(job, task_name)
    if task is None:
        return True
    needed = jobspec.task_min_available(task)
    if needed is None:
        return True
    names = (naming.pod_name(meta.name(job), task_name, i) for i in range(jobspec.replicas(task)))
    ready = sum(1 for name in names if name in pods_by_name and _is_ready(pods_by_name[name]))
    return ready >= needed


def _is_ready(p: Obj) -> bool:
    if objects.phase_of(p) == "Succeeded":
        return True
    statuses = (p.get("status") or {}).get("containerStatuses") or []
    return objects.phase_of(p) == "Running" and all(c.get("ready") for c in statuses)
