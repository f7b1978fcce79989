"""drf: Dominant Resource Fairness between jobs: the job with the smallest dominant share first.

A job's share is its largest allocated/total over the cluster's resources, kept current by
allocate/deallocate events (Volcano's plugins/drf). With ``enableHierarchy: true`` queues are
also ordered, and reclaim victims chosen, by hierarchical DRF over the queue tree (hdrf).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.scheduler.framework import hooks, jobs, quota, session
from services.scheduler.plugins import hdrf, reservations

NAME = "drf"


def hierarchy_enabled(ssn: session.Session) -> bool:
    return any(p.name == NAME and p.hierarchy for tier in ssn.conf.tiers for p in tier.plugins)


class Drf:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        del args
        self.allocated: dict[str, quota.Res] = {}
        self.share: dict[str, float] = {}
        self.total: quota.Res = {}
        self.tree: hdrf.Tree | None = None

    def on_session_open(self, ssn: session.Session) -> None:
        self.total = {k: float(v) for k, v in ssn.total_resource.items()}
        for job in ssn.jobs.values():
            self.allocated[job.uid] = reservations.held(job, ssn.dims)
            self.share[job.uid] = quota.share(self.allocated[job.uid], self.total)
        ssn.hooks.add("job_order", NAME, self._job_order)
        ssn.hooks.add_event_handler(
            hooks.EventHandler(allocate=lambda t: self._update(ssn, t, 1), deallocate=lambda t: self._update(ssn, t, -1))
        )
        if hierarchy_enabled(ssn):
            self._open_hierarchy(ssn)

    def _open_hierarchy(self, ssn: session.Session) -> None:
        self.tree = hdrf.Tree(self.total)
        for allocated in self.allocated.values():
            self.tree.total_allocated = quota.add(self.tree.total_allocated, allocated)
        for uid in sorted(ssn.jobs):
            self._place_leaf(ssn, self.tree, ssn.jobs[uid], self.allocated[uid])
        ssn.hooks.add("queue_order", NAME, lambda left, right: _sign(self._tree().compare(left.hierarchy, right.hierarchy)))
        ssn.hooks.add("reclaimable", NAME, lambda reclaimer, tasks: self._reclaimable(ssn, reclaimer, tasks))

    def _tree(self) -> hdrf.Tree:
        assert self.tree is not None
        return self.tree

    @staticmethod
    def _place_leaf(ssn: session.Session, tree: hdrf.Tree, job: jobs.JobInfo, allocated: quota.Res) -> None:
        queue = ssn.queues.get(job.queue)
        if queue is None:
            return
        request: quota.Res = {}
        for task in job.tasks.values():
            request = quota.add(request, task.requests)
        tree.set_job(job.uid, allocated, request, queue.hierarchy, queue.hierarchy_weights)

    def _reclaimable(
        self, ssn: session.Session, reclaimer: jobs.TaskInfo, reclaimees: list[jobs.TaskInfo]
    ) -> tuple[list[jobs.TaskInfo], int]:
        """A task is a victim if, with it gone and the reclaimer placed, the reclaimer's queue
        still comes first in hierarchical order (Volcano's hdrf reclaimFn)."""
        tree = self._tree().clone()
        mine = ssn.job_of(reclaimer)
        lqueue = ssn.queues.get(mine.queue)
        if lqueue is None:
            return [], hooks.PERMIT
        tree.total_allocated = quota.add(tree.total_allocated, reclaimer.requests)
        self._place_leaf(ssn, tree, mine, quota.add(self.allocated[mine.uid], reclaimer.requests))
        victims = []
        for task in reclaimees:
            job = ssn.job_of(task)
            rqueue = ssn.queues.get(job.queue)
            if rqueue is None:
                continue
            tree.total_allocated = quota.sub(tree.total_allocated, task.requests)
            self._place_leaf(ssn, tree, job, quota.sub(self.allocated[job.uid], task.requests))
            order = tree.compare(lqueue.hierarchy, rqueue.hierarchy)
            tree.total_allocated = quota.add(tree.total_allocated, task.requests)
            self._place_leaf(ssn, tree, job, self.allocated[job.uid])
            if order < 0:
                victims.append(task)
        return victims, hooks.PERMIT

    def _job_order(self, left: jobs.JobInfo, right: jobs.JobInfo) -> int:
        lshare, rshare = self.share[left.uid], self.share[right.uid]
        return -1 if lshare < rshare else (1 if lshare > rshare else 0)

    def _update(self, ssn: session.Session, task: jobs.TaskInfo, sign: int) -> None:
        change = {k: float(v) * sign for k, v in task.requests.items()}
        self.allocated[task.job] = quota.add(self.allocated.get(task.job, {}), change)
        self.share[task.job] = quota.share(self.allocated[task.job], self.total)
        if self.tree is not None:
            self.tree.total_allocated = quota.add(self.tree.total_allocated, change)
            self._place_leaf(ssn, self.tree, ssn.job_of(task), self.allocated[task.job])

    def on_session_close(self, ssn: session.Session) -> None:
        pass


def _sign(value: float) -> int:
    return -1 if value < 0 else (1 if value > 0 else 0)
