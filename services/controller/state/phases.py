"""Volcano's job phases (``batch/v1alpha1.JobPhase``) and the pod phases the controller counts."""

from __future__ import annotations

import enum


class JobPhase(enum.StrEnum):
    PENDING = "Pending"
    ABORTING = "Aborting"
    ABORTED = "Aborted"
    RUNNING = "Running"
    RESTARTING = "Restarting"
    COMPLETING = "Completing"
    COMPLETED = "Completed"
    TERMINATING = "Terminating"
    TERMINATED = "Terminated"
    FAILED = "Failed"


FINISHED = frozenset({JobPhase.COMPLETED, JobPhase.FAILED, JobPhase.TERMINATED})

POD_PENDING = "Pending"
POD_RUNNING = "Running"
POD_SUCCEEDED = "Succeeded"
POD_FAILED = "Failed"
POD_UNKNOWN = "Unknown"

RETAIN_NONE: frozenset[str] = frozenset()
"""``PodRetainPhaseNone``: a kill deletes every pod."""
RETAIN_SOFT = frozenset({POD_SUCCEEDED, POD_FAILED})
"""``PodRetainPhaseSoft``: a kill keeps finished pods (their logs and exit codes stay)."""


def parse(value: str) -> JobPhase:
    """A stored phase; an empty or unknown one reads as Pending, as ``state.NewState`` does."""
    try:
        return JobPhase(value)
    except ValueError:
        return JobPhase.PENDING
