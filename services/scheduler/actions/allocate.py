"""allocate: place pending tasks of admitted jobs, a gang all or nothing.

Queues take turns by queue order (an overused queue is dropped for the rest of the action); a
queue offers its best job (job order); the job's tasks are placed in task order inside a
Statement until the gang is ready (minMember). A ready gang is committed (dispatched to bind); a
gang that only pipelined keeps its reservation uncommitted; anything else is discarded, so no
half gang ever holds resources (Volcano's actions/allocate).
"""

from __future__ import annotations

from services.scheduler.framework import arguments, fit_errors, jobs, ordering, placement, session, snapshot, statement

PREDICATE_ERROR_CACHE = "predicateErrorCacheEnable"


class Allocate:
    name = "allocate"

    def __init__(self) -> None:
        self.cache_errors = True

    def execute(self, ssn: session.Session) -> None:
        self.cache_errors = arguments.get_bool(ssn.action_arguments(self.name), PREDICATE_ERROR_CACHE, True)
        queues = ordering.PriorityQueue(ssn.hooks.queue_order)
        by_queue: dict[str, ordering.PriorityQueue[jobs.JobInfo]] = {}
        worksheets: dict[str, ordering.PriorityQueue[jobs.TaskInfo]] = {}
        for job in ssn.jobs.values():
            tasks = self._worksheet(ssn, job)
            if tasks is None:
                continue
            if job.queue not in by_queue:
                by_queue[job.queue] = ordering.PriorityQueue(ssn.hooks.job_order)
                queues.push(ssn.queues[job.queue])
            by_queue[job.queue].push(job)
            worksheets[job.uid] = tasks
        while not queues.empty():
            queue = queues.pop()
            waiting = by_queue[queue.name]
            if ssn.hooks.overused(queue):
                _note_all(ssn, waiting, f"queue {queue.name} is overused")
                continue
            if waiting.empty():
                continue
            job = waiting.pop()
            tasks = worksheets[job.uid]
            stmt = self._allocate_job(ssn, job, tasks)
            if stmt is not None and ssn.hooks.job_ready(job):
                stmt.commit()
                if not tasks.empty():
                    waiting.push(job)
            queues.push(queue)

    @staticmethod
    def _worksheet(ssn: session.Session, job: jobs.JobInfo) -> ordering.PriorityQueue[jobs.TaskInfo] | None:
        if job.is_pending:
            if "enqueue" in ssn.conf.actions:
                return None
            job.phase = "Inqueue"  # without an enqueue action every job is admitted
        invalid = ssn.hooks.job_valid(job)
        if invalid is not None:
            ssn.note(job, "gang", invalid.message)
            return None
        if job.queue not in ssn.queues:
            ssn.note(job, "queue", f"queue {job.queue} does not exist")
            return None
        # Best-effort tasks (no requests) are backfill's.
        pending = [t for t in job.with_status(jobs.TaskStatus.PENDING) if not t.best_effort]
        if not pending:
            return None
        return ordering.PriorityQueue(ssn.hooks.task_order, pending)

    def _allocate_job(
        self, ssn: session.Session, job: jobs.JobInfo, tasks: ordering.PriorityQueue[jobs.TaskInfo]
    ) -> statement.Statement | None:
        queue = ssn.queues[job.queue]
        stmt = statement.Statement(ssn)
        failed: set[tuple[str, bytes]] = set()
        while not tasks.empty():
            task = tasks.pop()
            role = (task.role, task.vector.tobytes())
            # Like Volcano, only tasks of a named role share a failure: role-less pods may differ.
            if self.cache_errors and task.role and role in failed:
                message = f"Task {task.name} with role spec {task.role} has already predicated failed, skip"
                job.fit_errors[task.uid] = fit_errors.FitErrors(error=message)
                continue
            feasible = placement.find(ssn, task)
            if not ssn.hooks.allocatable(queue, task):
                # Volcano skips the task silently; say whether nodes or the queue's share is short.
                job.fit_errors[task.uid] = feasible.errors if not feasible.any else _queue_refusal(queue)
                failed.add(role)
                continue
            if not feasible.any:
                job.fit_errors[task.uid] = feasible.errors
                failed.add(role)
                if _can_still_be_ready(job, {r for r, _ in failed}):
                    continue
                break
            node, fits_now = placement.best_of(ssn, task, feasible.rows)
            if fits_now:
                stmt.allocate(task, node)
            else:
                stmt.pipeline(task, node)
            if ssn.hooks.job_ready(job):
                break
        if ssn.hooks.job_ready(job) or ssn.hooks.job_pipelined(job):
            return stmt
        stmt.discard()
        return None


def _can_still_be_ready(job: jobs.JobInfo, failed_roles: set[str]) -> bool:
    """Volcano's NeedContinueAllocating: go on only if tasks of other roles can still fill the gang."""
    if job.min_member == len(job.tasks):
        return False
    left = sum(1 for t in job.with_status(jobs.TaskStatus.PENDING) if t.role not in failed_roles)
    return job.ready_task_num() + left >= job.min_member


def _queue_refusal(queue: snapshot.QueueRecord) -> fit_errors.FitErrors:
    if queue.state != "Open":
        return fit_errors.FitErrors(error=f"queue {queue.name} is {queue.state}")
    return fit_errors.FitErrors(error=f"queue {queue.name} has no room for the task within its deserved share")


def _note_all(ssn: session.Session, waiting: ordering.PriorityQueue[jobs.JobInfo], message: str) -> None:
    while not waiting.empty():
        ssn.note(waiting.pop(), "queue", message)
