"""The phase rules of Volcano's state/*.go: how each state updates a freshly counted status.

Each rule edits ``status`` (phase, retryCount) after the pods were counted and returns True when
it recorded a transition (Volcano's ``UpdateStatusFn``); the caller then stamps the time and
condition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.state import phases, status

Obj = meta.Obj
Status = dict[str, Any]
Rule = Callable[[Obj, Status], bool]


def move_to(phase: phases.JobPhase, *, retry: bool = False) -> Rule:
    """Unconditional transition, counting a retry when the job restarts."""

    def rule(job: Obj, new: Status) -> bool:
        status.set_phase(new, phase)
        if retry:
            new["retryCount"] = int(new.get("retryCount") or 0) + 1
        return True

    return rule


def pending(job: Obj, new: Status) -> bool:
    """pending.go: Running once minAvailable pods have started (running or finished)."""
    started = _count(new, "running") + _count(new, "succeeded") + _count(new, "failed")
    if jobspec.min_available(job) <= started:
        status.set_phase(new, phases.JobPhase.RUNNING)
        return True
    return False


def running(job: Obj, new: Status) -> bool:
    """running.go: Completed or Failed once every pod has finished; back to Pending when the
    gang lost its pods."""
    replicas = jobspec.total_replicas(job)
    if replicas == 0:
        return False  # scaled to zero: keep the phase
    succeeded, failed = _count(new, "succeeded"), _count(new, "failed")
    min_success = jobspec.min_success(job)
    if min_success is not None and succeeded >= min_success:
        status.set_phase(new, phases.JobPhase.COMPLETED)
        return True
    if succeeded + failed == replicas:
        status.set_phase(new, _finished_phase(job, new, succeeded, min_success))
        return True
    if _count(new, "pending") > replicas - jobspec.min_available(job):
        status.set_phase(new, phases.JobPhase.PENDING)
        return True
    return False


def restarting(job: Obj, new: Status) -> bool:
    """restarting.go: Failed after maxRetry restarts, else Pending once the old pods are gone."""
    if _count(new, "retryCount") >= jobspec.max_retry(job):
        status.set_phase(new, phases.JobPhase.FAILED)
        return True
    if jobspec.total_replicas(job) - _count(new, "terminating") >= _count(new, "minAvailable"):
        status.set_phase(new, phases.JobPhase.PENDING)
        return True
    return False


def when_quiet(phase: phases.JobPhase) -> Rule:
    """completing.go / aborting.go / terminating.go: reach ``phase`` once no pod is alive."""

    def rule(job: Obj, new: Status) -> bool:
        if _count(new, "terminating") or _count(new, "pending") or _count(new, "running"):
            return False
        status.set_phase(new, phase)
        return True

    return rule


def _finished_phase(job: Obj, new: Status, succeeded: int, min_success: int | None) -> phases.JobPhase:
    if jobspec.min_available(job) >= jobspec.total_task_min_available(job) and _a_task_fell_short(job, new):
        return phases.JobPhase.FAILED
    if min_success is not None and succeeded < min_success:
        return phases.JobPhase.FAILED
    if succeeded >= jobspec.min_available(job):
        return phases.JobPhase.COMPLETED
    return phases.JobPhase.FAILED


def _a_task_fell_short(job: Obj, new: Status) -> bool:
    """A task with minAvailable (and counted pods) had fewer successes than that minimum."""
    counts = new.get("taskStatusCount") or {}
    for task in jobspec.tasks(job):
        needed = jobspec.task_min_available(task)
        name = jobspec.task_name(task)
        if needed is None or name not in counts:
            continue
        if int((counts[name].get("phase") or {}).get(phases.POD_SUCCEEDED, 0)) < needed:
            return True
    return False


def _count(new: Status, field: str) -> int:
    return int(new.get(field) or 0)
