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
    """Path to a Volcano-style policy YAML; empty uses Volcano's default policy. Re-read when its
    modification time changes; a file that no longer parses keeps the previous policy."""
    scheduler_name: str = "volcano"
    """Pods whose spec.schedulerName differs are left to other schedulers."""
    lease_ttl_seconds: float = 5.0
    """How long this instance's ring lease outlives its last renewal: a killed instance's share
    moves to the others this long after it stopped (renewed every ttl/3)."""
    max_groups_per_session: int = 2000
    """At most this many owned PodGroups with pending pods enter one session (highest priority,
    then oldest, first); keeps sessions short under a large backlog. 0: no cap."""
    metrics_listen: str = ""
    """host:port of the Prometheus-format ``/metrics`` endpoint (commits, conflicts, takeovers,
    sessions; port 0 picks a free port); empty: not served."""
