"""backfill: place best-effort tasks (no resource requests) on any node that passes predicates.

Such tasks never compete for resources, so they skip the gang statement; the job's tasks are
dispatched as soon as the job is ready (Volcano's actions/backfill).
"""

from __future__ import annotations

from services.scheduler.framework import jobs, ordering, placement, session


class Backfill:
    name = "backfill"

    def execute(self, ssn: session.Session) -> None:
        for task in self._pending_tasks(ssn):
            job = ssn.job_of(task)
            feasible = placement.find(ssn, task, check_resources=False)
            if not feasible.any:
                job.fit_errors[task.uid] = feasible.errors
                continue
            node, _ = placement.best_of(ssn, task, feasible.rows)
            ssn.allocate(task, node)

    @staticmethod
    def _pending_tasks(ssn: session.Session) -> list[jobs.TaskInfo]:
        queues = ordering.PriorityQueue(ssn.hooks.queue_order)
        by_queue: dict[str, ordering.PriorityQueue[jobs.JobInfo]] = {}
        tasks: dict[str, ordering.PriorityQueue[jobs.TaskInfo]] = {}
        for job in ssn.jobs.values():
            if job.is_pending or job.queue not in ssn.queues or ssn.hooks.job_valid(job) is not None:
                continue
            best_effort = [t for t in job.with_status(jobs.TaskStatus.PENDING) if t.best_effort]
            if not best_effort:
                continue
            tasks[job.uid] = ordering.PriorityQueue(ssn.hooks.task_order, best_effort)
            if job.queue not in by_queue:
                by_queue[job.queue] = ordering.PriorityQueue(ssn.hooks.job_order)
                queues.push(ssn.queues[job.queue])
            by_queue[job.queue].push(job)
        out: list[jobs.TaskInfo] = []
        while not queues.empty():
            waiting = by_queue[queues.pop().name]
            while not waiting.empty():
                job_tasks = tasks[waiting.pop().uid]
                while not job_tasks.empty():
                    out.append(job_tasks.pop())
        return out
