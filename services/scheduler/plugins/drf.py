"""drf: Dominant Resource Fairness between jobs: the job with the smallest dominant share first.

A job's share is its largest allocated/total over the cluster's resources, kept current by
allocate/deallocate events (Volcano's plugins/drf, without hierarchy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.scheduler.framework import hooks, jobs, quota, session
from services.scheduler.plugins import reservations

NAME = "drf"


class Drf:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        del args
        self.allocated: dict[str, quota.Res] = {}
        self.share: dict[str, float] = {}
        self.total: quota.Res = {}

    def on_session_open(self, ssn: session.Session) -> None:
        self.total = {k: float(v) for k, v in ssn.total_resource.items()}
        for job in ssn.jobs.values():
            self.allocated[job.uid] = reservations.held(job, ssn.dims)
            self.share[job.uid] = quota.share(self.allocated[job.uid], self.total)
        ssn.hooks.add("job_order", NAME, self._job_order)
        ssn.hooks.add_event_handler(hooks.EventHandler(allocate=self._on_allocate, deallocate=self._on_deallocate))

    def _job_order(self, left: jobs.JobInfo, right: jobs.JobInfo) -> int:
        lshare, rshare = self.share[left.uid], self.share[right.uid]
        return -1 if lshare < rshare else (1 if lshare > rshare else 0)

    def _update(self, task: jobs.TaskInfo, sign: int) -> None:
        change = {k: float(v) * sign for k, v in task.requests.items()}
        self.allocated[task.job] = quota.add(self.allocated.get(task.job, {}), change)
        self.share[task.job] = quota.share(self.allocated[task.job], self.total)

    def _on_allocate(self, task: jobs.TaskInfo) -> None:
        self._update(task, 1)

    def _on_deallocate(self, task: jobs.TaskInfo) -> None:
        self._update(task, -1)

    def on_session_close(self, ssn: session.Session) -> None:
        pass
