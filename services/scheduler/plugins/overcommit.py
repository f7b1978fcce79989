"""overcommit: admit jobs while their minResources fit the cluster's idle x factor.

idle = total allocatable x overcommit-factor (default 1.2) - used; a job is admitted if its
minResources plus what admitted jobs already reserve fit idle, on the dimensions it asks for
(Volcano's plugins/overcommit).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.scheduler.framework import arguments, hooks, jobs, quota, session
from services.scheduler.plugins import reservations

NAME = "overcommit"
FACTOR = "overcommit-factor"
DEFAULT_FACTOR = 1.2


class Overcommit:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        factor = arguments.get_float(args, FACTOR, DEFAULT_FACTOR)
        self.factor = factor if factor >= 1.0 else DEFAULT_FACTOR
        self.idle: quota.Res = {}
        self.inqueue: quota.Res = {}

    def on_session_open(self, ssn: session.Session) -> None:
        self.idle = quota.sub(quota.scale(ssn.total_resource, self.factor), ssn.nodes.total_used())
        for job in ssn.jobs.values():
            if job.phase == "Inqueue" and job.min_resources is not None:
                self.inqueue = quota.add(self.inqueue, job.min_resources)
            else:
                self.inqueue = quota.add(self.inqueue, reservations.running_reservation(job, ssn.dims))
        ssn.hooks.add("job_enqueueable", NAME, lambda job: self._enqueueable(ssn, job))
        ssn.hooks.add("job_enqueued", NAME, self._enqueued)

    def _enqueueable(self, ssn: session.Session, job: jobs.JobInfo) -> int:
        if job.min_resources is None:
            return hooks.PERMIT
        wanted = quota.add(self.inqueue, job.min_resources)
        over = quota.exceeding(wanted, self.idle, quota.requested_dims(job.min_resources))
        if not over:
            return hooks.PERMIT
        names = ", ".join(f"overused {name}" for name in over)
        ssn.note(job, "enqueue", f"resource in cluster is overused: {names}")
        return hooks.REJECT

    def _enqueued(self, job: jobs.JobInfo) -> None:
        if job.min_resources is not None:
            self.inqueue = quota.add(self.inqueue, job.min_resources)

    def on_session_close(self, ssn: session.Session) -> None:
        pass
