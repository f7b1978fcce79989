"""The pure scheduling framework: snapshot, session, statement, hooks (Volcano's pkg/scheduler/framework)."""

from services.scheduler.framework.result import (
    Eviction,
    GangBind,
    PendingReason,
    PodBind,
    PodGroupUpdate,
    Reservation,
    SessionResult,
)
from services.scheduler.framework.runner import run_session
from services.scheduler.framework.session import Session
from services.scheduler.framework.snapshot import Snapshot, build_snapshot
from services.scheduler.framework.statement import Statement

__all__ = [
    "Eviction",
    "GangBind",
    "PendingReason",
    "PodBind",
    "PodGroupUpdate",
    "Reservation",
    "Session",
    "SessionResult",
    "Snapshot",
    "Statement",
    "build_snapshot",
    "run_session",
]
