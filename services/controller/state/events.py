"""Which event a pod change raises (``addPod`` / ``updatePod`` / ``deletePod`` handlers).

The I/O layer calls ``pod_event`` on each pod add, update and delete of a job it owns, then
``policy.policy_action`` on the result, then ``machine.apply_action``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from basalt.api import labels, meta
from services.controller.materialize import jobspec, keys, objects, scaling
from services.controller.state import bus, phases

Obj = meta.Obj

# A task's pods may restart their containers this often before TaskFailed (``TaskFailed``'s
# "compatible with existing job" default when the task's maxRetry is 0; -1 means no limit).
DEFAULT_TASK_MAX_RETRY = 3


@dataclasses.dataclass(frozen=True)
class PodEvent:
    event: bus.Event
    task: str
    pod: str
    exit_code: int = 0
    job_version: int | None = None
    """The job version the pod was created for (its ``volcano.sh/job-version`` annotation)."""
    partition: str = ""


def pod_event(old: Obj | None, new: Obj | None, job: Obj, task_pods: Iterable[Obj] = ()) -> PodEvent:
    """The event for a pod added (``old`` None), updated, or deleted (``new`` None).

    ``task_pods`` are the pods of the same task as the job controller now sees them (including
    ``new``); they decide TaskCompleted and TaskFailed.
    """
    pod = new if new is not None else old
    if pod is None:
        raise ValueError("pod_event needs the old or the new pod")
    event = _event(old, new, job, list(task_pods))
    if keys.OUT_OF_SYNC in objects.annotations_of(pod):
        event = bus.Event.OUT_OF_SYNC  # the controller deleted it: not a failure to act upon
    exit_code = _exit_code(pod) if event is bus.Event.POD_FAILED else 0
    version = objects.annotations_of(pod).get(labels.JOB_VERSION)
    return PodEvent(
        event=event,
        task=scaling.task_of(pod),
        pod=meta.name(pod),
        exit_code=exit_code,
        job_version=int(version) if version and version.lstrip("-").isdigit() else None,
        partition=meta.labels(pod).get(keys.TASK_PARTITION_ID, ""),
    )


def _event(old: Obj | None, new: Obj | None, job: Obj, task_pods: list[Obj]) -> bus.Event:
    if new is None:
        return bus.Event.POD_EVICTED
    if old is None:
        return bus.Event.POD_PENDING
    was, now = objects.phase_of(old), objects.phase_of(new)
    task = scaling.task_of(new)
    if now == phases.POD_FAILED:
        return bus.Event.POD_FAILED if was != phases.POD_FAILED else bus.Event.OUT_OF_SYNC
    if now == phases.POD_SUCCEEDED:
        if was != phases.POD_SUCCEEDED and task_completed(job, task, task_pods):
            return bus.Event.TASK_COMPLETED
        return bus.Event.OUT_OF_SYNC
    if now in (phases.POD_RUNNING, phases.POD_PENDING):
        if was != now:
            return bus.Event.POD_RUNNING if now == phases.POD_RUNNING else bus.Event.POD_PENDING
        if task_failed(job, task, task_pods):
            return bus.Event.TASK_FAILED
    return bus.Event.OUT_OF_SYNC


def task_completed(job: Obj, task_name: str, task_pods: Iterable[Obj]) -> bool:
    """Every replica of the task has succeeded."""
    task = jobspec.find_task(job, task_name)
    replicas = jobspec.replicas(task) if task is not None else 0
    if replicas <= 0:
        return False
    return sum(1 for p in task_pods if objects.phase_of(p) == phases.POD_SUCCEEDED) >= replicas


def task_failed(job: Obj, task_name: str, task_pods: Iterable[Obj]) -> bool:
    """The task's live pods have restarted their containers ``maxRetry`` times in all."""
    task = jobspec.find_task(job, task_name)
    if task is None or jobspec.replicas(task) == 0:
        return False
    max_retry = int(task.get("maxRetry") or 0)
    if max_retry == -1:
        return False
    max_retry = max_retry or DEFAULT_TASK_MAX_RETRY
    restarts = 0
    for pod in task_pods:
        if objects.phase_of(pod) not in (phases.POD_RUNNING, phases.POD_PENDING):
            continue
        status = pod.get("status") or {}
        for container in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
            restarts += int(container.get("restartCount") or 0)
    return restarts >= max_retry


def _exit_code(pod: Obj) -> int:
    """The first container's exit code (Volcano reads only the first)."""
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    if not statuses:
        return 0
    terminated = (statuses[0].get("state") or {}).get("terminated")
    return int(terminated.get("exitCode") or 0) if terminated else 0


def job_update_needs_sync(old: Obj | None, new: Obj) -> bool:
    """``updateJob``'s filter: a job is re-synced when added, or when its spec or phase changed.

    Status-only writes (the controller's own) must not re-queue the job: in the winding-down and
    finished phases every action is a KillJob that bumps ``status.version``, so queueing on each
    write would loop forever.
    """
    if old is None:
        return True
    if (old.get("spec") or {}) != (new.get("spec") or {}):
        return True
    return jobspec.phase(old) != jobspec.phase(new)


def podgroup_update_needs_sync(old: Obj | None, new: Obj) -> bool:
    """``updatePodGroup``'s filter: only a PodGroup phase change re-syncs its job."""
    return old is None or objects.phase_of(old) != objects.phase_of(new)


def podgroup_event(new: Obj) -> bus.Event | None:
    """The event a PodGroup phase change raises: ``Unknown`` for an Unknown group, else none."""
    return bus.Event.JOB_UNKNOWN if objects.phase_of(new) == "Unknown" else None
