"""Controller settings (BASALT_* environment variables)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    redis_url: str = "redis://127.0.0.1:6379/0"
    """The shared store."""
    listen: str = "127.0.0.1:7001"
    """gRPC address of every controller service: jobs, queues, commands, pods, podgroups, nodes, cluster (port 0: any free port)."""
    admission: str = "127.0.0.1:7002"
    """Address of the admission service; every create and update is reviewed there."""
    workers: int = 4
    """Concurrent job reconciles."""
    resync_seconds: float = 10.0
    """Every job is reconciled at least this often, as a safety net for missed events."""
    pod_delete_grace_seconds: float = 30.0
    """A pod marked for deletion whose agent never confirms is force-removed after this long."""
    instance_id: str = ""
    """This instance's name among the active-active controllers; defaults to controller-<host>-<pid>."""
    max_requeues: int = 15
    """Failed reconciles of one job before it is terminated (Volcano's --max-requeue-num; -1: never)."""
    ttl_check_seconds: float = 1.0
    """How often finished jobs are checked against their ttlSecondsAfterFinished."""
    lease_seconds: float = 5.0
    """Membership lease: a controller that stops renewing it for this long loses its jobs to the others."""
    metrics_listen: str = ""
    """host:port of the Prometheus-format ``/metrics`` endpoint (ring members, owned jobs,
    takeovers; port 0 picks a free port); empty: not served."""
