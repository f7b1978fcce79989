"""capacity: queues get what their spec says, not a weight-based split (Volcano's plugins/capacity).

Per queue: ``spec.deserved`` (what reclaim restores it to), ``spec.capability`` (hard cap) and
``spec.guarantee.resource`` (never taken away). The real capability is what the others'
guarantees leave of the cluster, plus the queue's own guarantee, capped by its capability;
deserved is capped by the real capability and raised to the guarantee.

- queue order: higher ``spec.priority``, then lower share (allocated/deserved, dominant), a
  queue without deserved counting as share 1 and after queues with one;
- allocatable: a task keeps its queue within the real capability (dimensions it asks for);
- enqueueable: minResources + allocated + admitted fit the real capability;
- preemptive (may reclaim): within real capability and, on some requested dimension, still
  within deserved;
- reclaimable: victims come from queues above their deserved share on a dimension the victim
  uses (or whose deserved does not mention the victim's resources), never taking a queue below
  its guarantee, and only tasks sharing a resource with the reclaimer.

Hierarchical queues (``enableHierarchy``) are not ported; the policy parser refuses the switch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.scheduler.framework import hooks, jobs, quota, session, snapshot, victims
from services.scheduler.plugins import proportion

NAME = "capacity"
ARGUMENTS = frozenset(
    {"ancestorReclaimLevel", "capacity.DynamicResourceAllocationEnable", "capacity.DRAConsumableCapacityEnable"}
)


@dataclass
class Attr:
    name: str
    real_capability: quota.Res
    guarantee: quota.Res
    deserved: quota.Res
    totals: proportion.QueueAttr  # allocated, request, inqueue, kept as proportion keeps them
    share: float = 0.0

    def update_share(self) -> None:
        if quota.is_empty(self.deserved):
            self.share = 1.0  # best-effort queue: after every queue still below its deserved share
            return
        self.share = max(
            (quota.share({d: self.totals.allocated.get(d, 0)}, {d: v}) for d, v in self.deserved.items() if v > 0),
            default=0.0,
        )


class Capacity:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        del args
        self.attrs: dict[str, Attr] = {}

    def on_session_open(self, ssn: session.Session) -> None:
        total = {k: float(v) for k, v in ssn.total_resource.items()}
        total_guarantee: quota.Res = {}
        for record in ssn.queues.values():
            total_guarantee = quota.add(total_guarantee, record.guarantee)
        for job in ssn.jobs.values():
            queue = ssn.queues.get(job.queue)
            if queue is None:
                continue
            if queue.name not in self.attrs:
                self.attrs[queue.name] = _attr(queue, total, total_guarantee)
            proportion.account(self.attrs[queue.name].totals, job, ssn)
        for attr in self.attrs.values():
            attr.update_share()
        ssn.hooks.add("queue_order", NAME, self._queue_order)
        ssn.hooks.add("allocatable", NAME, self._allocatable)
        ssn.hooks.add("preemptive", NAME, self._preemptive)
        ssn.hooks.add("reclaimable", NAME, lambda reclaimer, tasks: self._reclaimable(ssn, reclaimer, tasks))
        ssn.hooks.add("job_enqueueable", NAME, lambda job: self._enqueueable(ssn, job))
        ssn.hooks.add("job_enqueued", NAME, self._enqueued)
        ssn.hooks.add_event_handler(
            hooks.EventHandler(allocate=lambda t: self._move(ssn, t, 1), deallocate=lambda t: self._move(ssn, t, -1))
        )

    def _queue_order(self, left: snapshot.QueueRecord, right: snapshot.QueueRecord) -> int:
        if left.priority != right.priority:
            return -1 if left.priority > right.priority else 1
        lattr, rattr = self.attrs.get(left.name), self.attrs.get(right.name)
        lshare = lattr.share if lattr else 0.0
        rshare = rattr.share if rattr else 0.0
        if lshare != rshare:
            return -1 if lshare < rshare else 1
        lhas = lattr is not None and not quota.is_empty(lattr.deserved)
        rhas = rattr is not None and not quota.is_empty(rattr.deserved)
        return 0 if lhas == rhas else (-1 if lhas else 1)

    def _allocatable(self, queue: snapshot.QueueRecord, task: jobs.TaskInfo) -> bool:
        attr = self.attrs.get(queue.name)
        if queue.state != "Open" or attr is None:
            return False
        future = quota.add(attr.totals.allocated, task.requests)
        return not quota.exceeding(future, attr.real_capability, _asked(task.requests, attr.real_capability))

    def _preemptive(self, queue: snapshot.QueueRecord, tasks: list[jobs.TaskInfo]) -> bool:
        attr = self.attrs.get(queue.name)
        if queue.state != "Open" or attr is None:
            return False
        wanted: quota.Res = {}
        for task in tasks:
            wanted = quota.add(wanted, task.requests)
        future = quota.add(attr.totals.allocated, wanted)
        if quota.exceeding(future, attr.real_capability, _asked(wanted, attr.real_capability)):
            return False
        # Some requested dimension, not zero on both sides, is still within deserved.
        dims = [d for d in quota.requested_dims(wanted) if future.get(d, 0) > 0 or attr.deserved.get(d, 0) > 0]
        return any(future.get(d, 0) <= attr.deserved.get(d, 0) for d in dims)

    def _reclaimable(
        self, ssn: session.Session, reclaimer: jobs.TaskInfo, reclaimees: list[jobs.TaskInfo]
    ) -> tuple[list[jobs.TaskInfo], int]:
        allocations: dict[str, quota.Res] = {}
        out = []
        mine = set(quota.requested_dims(reclaimer.requests))
        for task in victims.in_victim_order(ssn, reclaimees):
            attr = self.attrs.get(ssn.job_of(task).queue)
            used = set(quota.requested_dims(task.requests))
            if attr is None or not used & mine:
                continue
            allocated = allocations.setdefault(attr.name, dict(attr.totals.allocated))
            remaining = quota.sub(allocated, task.requests)
            if not quota.less_equal(attr.guarantee, remaining):
                continue  # taking it would leave the queue below its guarantee
            relevant = [d for d in used if attr.deserved.get(d, 0) > 0]
            if relevant and not any(allocated.get(d, 0) > attr.deserved[d] for d in relevant):
                continue
            allocations[attr.name] = remaining
            out.append(task)
        return out, hooks.PERMIT

    def _enqueueable(self, ssn: session.Session, job: jobs.JobInfo) -> int:
        queue = ssn.queues[job.queue]
        if queue.state != "Open":
            ssn.note(job, "queue", f"queue {queue.name} is {queue.state}")
            return hooks.REJECT
        attr = self.attrs.get(queue.name)
        if attr is None or job.min_resources is None:
            return hooks.PERMIT
        wanted = quota.add(quota.add(job.min_resources, attr.totals.allocated), attr.totals.inqueue)
        over = quota.exceeding(wanted, attr.real_capability, _asked(job.min_resources, attr.real_capability))
        if not over:
            return hooks.PERMIT
        ssn.note(job, "enqueue", f"queue resource quota insufficient: {', '.join(f'insufficient {d}' for d in over)}")
        return hooks.REJECT

    def _enqueued(self, job: jobs.JobInfo) -> None:
        attr = self.attrs.get(job.queue)
        if attr is not None and job.min_resources is not None:
            attr.totals.inqueue = quota.add(attr.totals.inqueue, job.min_resources)

    def _move(self, ssn: session.Session, task: jobs.TaskInfo, sign: int) -> None:
        attr = self.attrs.get(ssn.job_of(task).queue)
        if attr is not None:
            change = {k: float(v) * sign for k, v in task.requests.items()}
            attr.totals.allocated = quota.add(attr.totals.allocated, change)
            attr.update_share()

    def on_session_close(self, ssn: session.Session) -> None:
        pass


def _asked(request: Mapping[str, float], limit: Mapping[str, float]) -> list[str]:
    # A dimension the real capability does not name is not limited (Infinity).
    return [d for d in quota.requested_dims(request) if d in limit]


def _attr(queue: snapshot.QueueRecord, total: quota.Res, total_guarantee: quota.Res) -> Attr:
    guarantee = {k: float(v) for k, v in queue.guarantee.items()}
    real = quota.add(quota.exceeded_part(total, total_guarantee), guarantee)
    if queue.capability:
        real = quota.min_with_infinite_missing(real, proportion.capability_limit(queue.capability))
    deserved = {k: float(v) for k, v in (queue.deserved or {}).items()}
    deserved = quota.maximum(quota.min_with_infinite_missing(deserved, real), guarantee)
    totals = proportion.QueueAttr(name=queue.name, weight=queue.weight, real_capability=real, guarantee=guarantee)
    return Attr(queue.name, real, guarantee, deserved, totals)
