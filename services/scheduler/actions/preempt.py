"""preempt: inside a queue, a starving job takes nodes from lower-priority preemptable tasks.

Volcano's actions/preempt (normalPreempt). Jobs that are admitted (not Pending), valid and
starving (gang: fewer than minMember placed or waiting) are preemptors, queue by queue in queue
order, job order inside a queue. For each pending task of the preemptor, the nodes passing the
predicates (resources aside) are tried by score: the plugins choose victims among the node's
running tasks of *other jobs of the same queue* (priority: lower priority only; gang: never
below minMember; conformance: never critical pods), victims are evicted lowest-first until the
task fits the node's future idle and its queue allows it, and the task is *pipelined* there (it
binds in a later session, once the victims are gone). A job's evictions are committed only if
the job is then pipelined (whole gang); otherwise everything is rolled back. Then tasks of one
job preempt lower-priority tasks of the same job.

Never victims: pods annotated or labelled ``volcano.sh/preemptable: "false"``, Pending (not
running) tasks, non-best-effort tasks for a best-effort preemptor. Pods with
``preemptionPolicy: Never`` never preempt. Arguments (``configurations`` of ``preempt``):
``predicateErrorCacheEnable`` (accepted; predicates here are cached per pod spec anyway).
"""

from __future__ import annotations

from services.scheduler.framework import jobs, ordering, placement, session, snapshot, statement, victims

REASON = "preempt"


class Preempt:
    name = "preempt"

    def execute(self, ssn: session.Session) -> None:
        on_node = victims.OnNodes(ssn)
        by_queue: dict[str, ordering.PriorityQueue[jobs.JobInfo]] = {}
        starving: dict[str, list[jobs.JobInfo]] = {}
        queues = ordering.PriorityQueue(ssn.hooks.queue_order)
        for uid in sorted(ssn.jobs):
            job = ssn.jobs[uid]
            if not _preemptor(ssn, job):
                continue
            if job.queue not in by_queue:
                by_queue[job.queue] = ordering.PriorityQueue(ssn.hooks.job_order)
                queues.push(ssn.queues[job.queue])
            by_queue[job.queue].push(job)
            starving.setdefault(job.queue, []).append(job)
        while not queues.empty():
            queue = queues.pop()
            waiting = by_queue[queue.name]
            while not waiting.empty():
                self._between_jobs(ssn, queue, waiting.pop(), on_node)
            for job in starving[queue.name]:
                self._within_job(ssn, queue, job, on_node)

    @staticmethod
    def _between_jobs(
        ssn: session.Session, queue: snapshot.QueueRecord, job: jobs.JobInfo, on_node: victims.OnNodes
    ) -> None:
        stmt = statement.Statement(ssn)
        tasks = _pending(ssn, job)
        while ssn.hooks.job_starving(job) and not tasks.empty():
            preemptor = tasks.pop()

            def other_job_same_queue(task: jobs.TaskInfo, preemptor: jobs.TaskInfo = preemptor) -> bool:
                return task.job != preemptor.job and ssn.job_of(task).queue == job.queue

            preempt(ssn, stmt, queue, preemptor, on_node, other_job_same_queue)
        if ssn.hooks.job_pipelined(job):
            stmt.commit()
        else:
            stmt.discard()

    @staticmethod
    def _within_job(
        ssn: session.Session, queue: snapshot.QueueRecord, job: jobs.JobInfo, on_node: victims.OnNodes
    ) -> None:
        tasks = _pending(ssn, job)
        while not tasks.empty():
            preemptor = tasks.pop()
            stmt = statement.Statement(ssn)

            def same_job(task: jobs.TaskInfo, preemptor: jobs.TaskInfo = preemptor) -> bool:
                return task.job == preemptor.job

            if not preempt(ssn, stmt, queue, preemptor, on_node, same_job):
                stmt.discard()
                break
            stmt.commit()


def _preemptor(ssn: session.Session, job: jobs.JobInfo) -> bool:
    # A Pending PodGroup is not admitted yet: it never preempts (nor does enqueue make it).
    if job.is_pending or job.queue not in ssn.queues or ssn.hooks.job_valid(job) is not None:
        return False
    return ssn.hooks.job_starving(job)


def _pending(ssn: session.Session, job: jobs.JobInfo) -> ordering.PriorityQueue[jobs.TaskInfo]:
    return ordering.PriorityQueue(ssn.hooks.task_order, job.with_status(jobs.TaskStatus.PENDING))


def preempt(
    ssn: session.Session,
    stmt: statement.Statement,
    queue: snapshot.QueueRecord,
    preemptor: jobs.TaskInfo,
    on_node: victims.OnNodes,
    eligible: victims.Filter,
) -> bool:
    """Try the preemptor's nodes in score order; pipeline it on the first node where evicting
    some victims makes room. The evictions join ``stmt`` only on success."""
    if not victims.may_preempt(preemptor):
        return False
    feasible = placement.feasible_nodes(ssn, preemptor, check_resources=False)
    for node in victims.ordered_nodes(ssn, preemptor, feasible.mask & on_node.could_fit(ssn, preemptor)):
        candidates = victims.in_victim_order(ssn, [
            t
            for t in on_node.on(ssn.nodes.names[node])
            if t.status in victims.PREEMPTABLE_STATUS
            and t.preemptable
            and not (preemptor.best_effort and not t.best_effort)
            and eligible(t)
        ])
        chosen = ssn.hooks.preemptable(preemptor, candidates)
        if not victims.enough_after(ssn, preemptor, node, chosen):
            continue
        node_stmt = statement.Statement(ssn)
        order = victims.victim_queue(ssn, chosen)
        while not _fits(ssn, queue, preemptor, node) and not order.empty():
            node_stmt.evict(order.pop(), REASON)
        if _fits(ssn, queue, preemptor, node):
            node_stmt.pipeline(preemptor, node)
            stmt.merge(node_stmt)
            return True
        node_stmt.discard()
    return False


def _fits(ssn: session.Session, queue: snapshot.QueueRecord, task: jobs.TaskInfo, node: int) -> bool:
    # preemptorFitsOnNode: the queue allows it and the node's future idle holds it (predicates
    # other than resources were checked when the node was chosen).
    return ssn.hooks.allocatable(queue, task) and victims.fits_future(ssn, task, node)
