"""proportion: queues share the cluster by weight (Volcano's plugins/proportion).

Each queue's *deserved* share is found by water-filling: the remaining resources are split by
weight among queues that still want more, capped by the queue's capability and its request,
until nothing changes. Queues are ordered by share (allocated/deserved, lowest first), a queue
whose allocation reached its deserved share is overused, a task is allocatable only while its
queue stays within deserved, and a job is admitted only within the queue's capability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from basalt.api import resources
from services.scheduler.framework import hooks, jobs, quota, session, snapshot
from services.scheduler.plugins import reservations

NAME = "proportion"


@dataclass
class QueueAttr:
    name: str
    weight: int
    real_capability: quota.Res
    guarantee: quota.Res
    deserved: quota.Res = field(default_factory=dict)
    allocated: quota.Res = field(default_factory=dict)
    request: quota.Res = field(default_factory=dict)
    inqueue: quota.Res = field(default_factory=dict)
    share: float = 0.0

    def update_share(self) -> None:
        self.share = quota.share(self.allocated, self.deserved)


class Proportion:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        del args
        self.attrs: dict[str, QueueAttr] = {}

    def on_session_open(self, ssn: session.Session) -> None:
        total = {k: float(v) for k, v in ssn.total_resource.items()}
        guarantees = [q.guarantee for q in ssn.queues.values()]
        total_guarantee: quota.Res = {}
        for guarantee in guarantees:
            total_guarantee = quota.add(total_guarantee, guarantee)
        for job in ssn.jobs.values():
            queue = ssn.queues.get(job.queue)
            if queue is None:
                continue
            if queue.name not in self.attrs:
                self.attrs[queue.name] = _attr(queue, total, total_guarantee)
            account(self.attrs[queue.name], job, ssn)
        _water_fill(list(self.attrs.values()), total)
        self._register(ssn)

    def _register(self, ssn: session.Session) -> None:
        ssn.hooks.add("queue_order", NAME, self._queue_order)
        ssn.hooks.add("overused", NAME, self._overused)
        ssn.hooks.add("allocatable", NAME, self._allocatable)
        ssn.hooks.add("preemptive", NAME, self._preemptive)
        ssn.hooks.add("job_enqueueable", NAME, lambda job: self._enqueueable(ssn, job))
        ssn.hooks.add("job_enqueued", NAME, self._enqueued)
        ssn.hooks.add("reclaimable", NAME, lambda _reclaimer, tasks: self._reclaimable(ssn, tasks))
        ssn.hooks.add_event_handler(
            hooks.EventHandler(allocate=lambda t: self._move(ssn, t, 1), deallocate=lambda t: self._move(ssn, t, -1))
        )

    def _queue_order(self, left: snapshot.QueueRecord, right: snapshot.QueueRecord) -> int:
        if left.priority != right.priority:
            return -1 if left.priority > right.priority else 1
        lshare, rshare = self._share(left.name), self._share(right.name)
        return -1 if lshare < rshare else (1 if lshare > rshare else 0)

    def _share(self, queue: str) -> float:
        attr = self.attrs.get(queue)
        return attr.share if attr is not None else 0.0

    def _overused(self, queue: snapshot.QueueRecord) -> bool:
        attr = self.attrs.get(queue.name)
        return attr is not None and quota.less_equal(attr.deserved, attr.allocated)

    def _allocatable(self, queue: snapshot.QueueRecord, task: jobs.TaskInfo) -> bool:
        return self._preemptive(queue, [task])

    def _preemptive(self, queue: snapshot.QueueRecord, tasks: list[jobs.TaskInfo]) -> bool:
        """Volcano's queueAllocatable: the tasks keep the queue within its deserved share on
        the dimensions they ask for. Also the reclaim trigger (PreemptiveFn)."""
        attr = self.attrs.get(queue.name)
        if queue.state != "Open" or attr is None:
            return False
        wanted: quota.Res = {}
        for task in tasks:
            wanted = quota.add(wanted, task.requests)
        future = quota.add(attr.allocated, wanted)
        return not quota.exceeding(future, attr.deserved, quota.requested_dims(wanted))

    def _enqueueable(self, ssn: session.Session, job: jobs.JobInfo) -> int:
        queue = ssn.queues[job.queue]
        if queue.state != "Open":
            ssn.note(job, "queue", f"queue {queue.name} is {queue.state}")
            return hooks.REJECT
        attr = self.attrs.get(queue.name)
        if attr is None or job.min_resources is None:
            return hooks.PERMIT
        wanted = quota.add(quota.add(job.min_resources, attr.allocated), attr.inqueue)
        over = quota.exceeding(wanted, attr.real_capability, quota.requested_dims(job.min_resources))
        if not over:
            return hooks.PERMIT
        names = ", ".join(f"insufficient {name}" for name in over)
        ssn.note(job, "enqueue", f"queue resource quota insufficient: {names}")
        return hooks.REJECT

    def _reclaimable(self, ssn: session.Session, reclaimees: list[jobs.TaskInfo]) -> tuple[list[jobs.TaskInfo], int]:
        """Take back from a queue only while it holds more than its deserved share."""
        allocations: dict[str, quota.Res] = {}
        victims = []
        for task in reclaimees:
            attr = self.attrs.get(ssn.job_of(task).queue)
            if attr is None:
                continue
            allocated = allocations.setdefault(attr.name, dict(attr.allocated))
            if not quota.less_equal(allocated, attr.deserved):
                allocations[attr.name] = quota.sub(allocated, task.requests)
                victims.append(task)
        return victims, hooks.PERMIT

    def _enqueued(self, job: jobs.JobInfo) -> None:
        attr = self.attrs.get(job.queue)
        if attr is not None and job.min_resources is not None:
            attr.inqueue = quota.add(attr.inqueue, job.min_resources)

    def _move(self, ssn: session.Session, task: jobs.TaskInfo, sign: int) -> None:
        attr = self.attrs.get(ssn.job_of(task).queue)
        if attr is not None:
            attr.allocated = quota.add(attr.allocated, {k: float(v) * sign for k, v in task.requests.items()})
            attr.update_share()

    def on_session_close(self, ssn: session.Session) -> None:
        pass


def _attr(queue: snapshot.QueueRecord, total: quota.Res, total_guarantee: quota.Res) -> QueueAttr:
    guarantee = {k: float(v) for k, v in queue.guarantee.items()}
    real = quota.add(quota.exceeded_part(total, total_guarantee), guarantee)
    if queue.capability:
        real = quota.min_with_infinite_missing(real, capability_limit(queue.capability))
    return QueueAttr(name=queue.name, weight=queue.weight, real_capability=real, guarantee=guarantee)


def capability_limit(capability: Mapping[str, int]) -> quota.Res:
    # A capability of zero or less for cpu/memory means unlimited (as in Volcano).
    return {k: float(v) for k, v in capability.items() if not (k in ("cpu", "memory") and v <= 0)}


def account(attr: QueueAttr, job: jobs.JobInfo, ssn: session.Session) -> None:
    allocated = resources.total(t.requests for t in job.tasks.values() if t.status in jobs.ALLOCATED)
    pending = resources.total(t.requests for t in job.with_status(jobs.TaskStatus.PENDING))
    attr.allocated = quota.add(attr.allocated, allocated)
    attr.request = quota.add(quota.add(attr.request, allocated), pending)
    if job.phase == "Inqueue":
        attr.inqueue = quota.add(attr.inqueue, reservations.unheld(job, ssn.dims))
    attr.inqueue = quota.add(attr.inqueue, reservations.running_reservation(job, ssn.dims))


def _water_fill(attrs: list[QueueAttr], total: quota.Res) -> None:
    """Split ``total`` by weight until every queue has its request or nothing is left to give."""
    remaining = dict(total)
    met: set[str] = set()
    while True:
        weight = sum(a.weight for a in attrs if a.name not in met)
        if weight == 0:
            break
        before = dict(remaining)
        increased: quota.Res = {}
        decreased: quota.Res = {}
        for attr in attrs:
            if attr.name in met:
                continue
            old = dict(attr.deserved)
            deserved = quota.add(attr.deserved, quota.scale(remaining, attr.weight / weight))
            deserved = quota.min_with_infinite_missing(deserved, attr.real_capability)
            deserved = quota.min_with_zero_missing(deserved, attr.request)
            attr.deserved = quota.maximum(deserved, attr.guarantee)
            attr.update_share()
            if quota.less_equal(attr.request, attr.deserved) or attr.deserved == old:
                met.add(attr.name)
            increased = quota.add(increased, quota.exceeded_part(attr.deserved, old))
            decreased = quota.add(decreased, quota.exceeded_part(old, attr.deserved))
        remaining = quota.exceeded_part(quota.add(remaining, decreased), increased)
        if quota.is_empty(remaining) or remaining == before:
            break
