"""Job status records: the initial status, phase changes with their conditions, run time."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.state import phases, timestamps

Obj = meta.Obj
Status = dict[str, Any]


def initial_status(job: Obj, now: dt.datetime) -> Status:
    """``initJobStatus``: what a new job's status is before the first sync."""
    status: Status = {
        "state": {"phase": phases.JobPhase.PENDING.value},
        "minAvailable": jobspec.min_available(job),
        "pending": 0,
        "running": 0,
        "succeeded": 0,
        "failed": 0,
        "terminating": 0,
        "unknown": 0,
        "version": 0,
        "retryCount": 0,
    }
    return stamp(status, now)


def current(job: Obj, now: dt.datetime) -> Status:
    """The job's status, initialised first when the job has never been synced."""
    if not jobspec.phase(job):
        return initial_status(job, now)
    return copy.deepcopy(jobspec.status(job))


def phase_of(status: Status) -> phases.JobPhase:
    return phases.parse(str((status.get("state") or {}).get("phase") or ""))


def set_phase(status: Status, phase: phases.JobPhase) -> None:
    status.setdefault("state", {})["phase"] = phase.value


def stamp(status: Status, now: dt.datetime) -> Status:
    """Record a transition into the status's current phase at ``now``.

    Volcano keeps one condition per phase: the one for this phase moves to the end, re-timed.
    """
    when = timestamps.rfc3339(now)
    status.setdefault("state", {})["lastTransitionTime"] = when
    phase = status["state"].get("phase")
    kept = [c for c in status.get("conditions") or [] if c.get("status") != phase]
    status["conditions"] = kept + [{"status": phase, "lastTransitionTime": when}]
    return status


def set_running_duration(status: Status, job: Obj) -> None:
    """``runningDuration``: from the job's creation to its last transition (as kills record it)."""
    created = timestamps.parse_time(str((job.get("metadata") or {}).get("creationTimestamp") or ""))
    last = timestamps.parse_time(str((status.get("state") or {}).get("lastTransitionTime") or ""))
    if created is not None and last is not None:
        status["runningDuration"] = timestamps.go_duration(last - created)
