"""enqueue: admit Pending PodGroups (Pending -> Inqueue) while the cluster and queue have room.

Queues take turns by queue order, one job at a time in job order. A job without minResources is
always admitted; otherwise the plugins vote (overcommit: cluster idle x factor; proportion: the
queue's capability). The controller creates a group's pods only once it is Inqueue.
"""

from __future__ import annotations

from services.scheduler.framework import jobs, ordering, session


class Enqueue:
    name = "enqueue"

    def execute(self, ssn: session.Session) -> None:
        queues = ordering.PriorityQueue(ssn.hooks.queue_order)
        pending: dict[str, ordering.PriorityQueue[jobs.JobInfo]] = {}
        for job in ssn.jobs.values():
            queue = ssn.queues.get(job.queue)
            if queue is None:
                ssn.note(job, "queue", f"queue {job.queue} does not exist")
                continue
            if not job.is_pending:
                continue
            if queue.name not in pending:
                pending[queue.name] = ordering.PriorityQueue(ssn.hooks.job_order)
                queues.push(queue)
            pending[queue.name].push(job)
        while not queues.empty():
            queue = queues.pop()
            waiting = pending[queue.name]
            if waiting.empty():
                continue
            self._try(ssn, waiting.pop())
            queues.push(queue)

    @staticmethod
    def _try(ssn: session.Session, job: jobs.JobInfo) -> None:
        if job.min_resources is None or ssn.hooks.job_enqueueable(job):
            ssn.hooks.job_enqueued(job)
            job.phase = "Inqueue"
            ssn.notes.pop(job.uid, None)
            job.job_fit_error = ""
        elif job.uid not in ssn.notes:
            ssn.note(job, "enqueue", "job is not enqueueable")
