"""Scheduler settings (BASALT_* environment variables)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    redis_url: str = "redis://127.0.0.1:6379/0"
    """The shared store every scheduler instance reads and commits to."""
    listen: str = "127.0.0.1:0"
    """gRPC address for SchedulerService and health (port 0 picks a free port)."""
    instance_id: str = ""
    """This instance's name in the ring; defaults to scheduler-<host>-<pid>."""
    period_seconds: float = 1.0
    """Time between sessions (Volcano's schedulePeriod)."""
    scheduler_conf: str = ""
    """Path to a Volcano-style policy YAML; empty uses Volcano's default policy."""
    scheduler_name: str = "volcano"
    """Pods whose spec.schedulerName differs are left to other schedulers."""
