"""``ttlSecondsAfterFinished``: when a finished job is due for deletion (Volcano's garbage collector)."""

from __future__ import annotations

import datetime as dt

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.state import phases, timestamps

Obj = meta.Obj

FINISHED = frozenset({phases.JobPhase.COMPLETED, phases.JobPhase.FAILED, phases.JobPhase.TERMINATED})


def expires_at(job: Obj) -> dt.datetime | None:
    """When the job should be deleted; None when it has no TTL, is not finished, or has no
    transition time (Volcano then refuses to guess and keeps it)."""
    ttl = jobspec.spec(job).get("ttlSecondsAfterFinished")
    if ttl is None or phases.parse(jobspec.phase(job)) not in FINISHED:
        return None
    finished = timestamps.parse_time(str((jobspec.status(job).get("state") or {}).get("lastTransitionTime") or ""))
    if finished is None:
        return None
    return finished + dt.timedelta(seconds=int(ttl))


def expired(job: Obj, now: dt.datetime) -> bool:
    due = expires_at(job)
    return due is not None and due <= now
