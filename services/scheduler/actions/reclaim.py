"""reclaim: a queue below its deserved share takes resources back from overused queues.

Volcano's actions/reclaim. Queues in queue order, skipping overused ones; in a queue, starving
admitted jobs in job order; for each pending task the queue must be *preemptive* (proportion /
capacity: the task keeps the queue within its deserved share). On each node passing the
predicates (resources aside), the candidates are Running, preemptable tasks of *other* queues
whose ``spec.reclaimable`` is not false; the plugins choose victims (proportion: only from
queues above their deserved share, which is never below their guarantee; capacity: never below
guarantee; gang: never below minMember; conformance: never critical pods); victims are evicted
lowest-first until the task fits the node's future idle, and the task is pipelined there. A
job's evictions are committed only if the job is then pipelined.
"""

from __future__ import annotations

import numpy as np

from services.scheduler.framework import jobs, ordering, placement, session, statement, victims

REASON = "reclaim"


class Reclaim:
    name = "reclaim"

    def execute(self, ssn: session.Session) -> None:
        on_node = victims.OnNodes(ssn)
        queues = ordering.PriorityQueue(ssn.hooks.queue_order)
        starving: dict[str, ordering.PriorityQueue[jobs.JobInfo]] = {}
        seen: set[str] = set()
        for uid in sorted(ssn.jobs):
            job = ssn.jobs[uid]
            if job.is_pending or job.queue not in ssn.queues or ssn.hooks.job_valid(job) is not None:
                continue
            if job.queue not in seen:
                seen.add(job.queue)
                queues.push(ssn.queues[job.queue])
            if ssn.hooks.job_starving(job):
                starving.setdefault(job.queue, ordering.PriorityQueue(ssn.hooks.job_order)).push(job)
        while not queues.empty():
            queue = queues.pop()
            if ssn.hooks.overused(queue):
                continue
            waiting = starving.get(queue.name)
            if waiting is None or waiting.empty():
                continue
            job = waiting.pop()
            stmt = statement.Statement(ssn)
            tasks = ordering.PriorityQueue(ssn.hooks.task_order, job.with_status(jobs.TaskStatus.PENDING))
            while ssn.hooks.job_starving(job) and not tasks.empty():
                task = tasks.pop()
                if victims.may_preempt(task) and ssn.hooks.preemptive(queue, [task]):
                    _reclaim_for(ssn, stmt, task, job, on_node)
            if ssn.hooks.job_pipelined(job):
                stmt.commit()
            else:
                stmt.discard()
            if not waiting.empty():
                queues.push(queue)


def _reclaim_for(
    ssn: session.Session,
    stmt: statement.Statement,
    task: jobs.TaskInfo,
    job: jobs.JobInfo,
    on_node: victims.OnNodes,
) -> None:
    feasible = placement.feasible_nodes(ssn, task, check_resources=False)
    for node in np.flatnonzero(feasible.mask & on_node.could_fit(ssn, task)).tolist():
        candidates = victims.in_victim_order(ssn, [
            t
            for t in on_node.on(ssn.nodes.names[node])
            if t.status is jobs.TaskStatus.RUNNING and t.preemptable and _other_reclaimable_queue(ssn, t, job)
        ])
        if not candidates:
            continue
        chosen = ssn.hooks.reclaimable(task, candidates)
        if not victims.enough_after(ssn, task, node, chosen):
            continue
        node_stmt = statement.Statement(ssn)
        order = victims.victim_queue(ssn, chosen)
        while not victims.fits_future(ssn, task, node) and not order.empty():
            node_stmt.evict(order.pop(), REASON)
        if victims.fits_future(ssn, task, node):
            node_stmt.pipeline(task, node)
            stmt.merge(node_stmt)
            return
        node_stmt.discard()


def _other_reclaimable_queue(ssn: session.Session, task: jobs.TaskInfo, reclaimer: jobs.JobInfo) -> bool:
    owner = ssn.job_of(task).queue
    queue = ssn.queues.get(owner)
    return owner != reclaimer.queue and queue is not None and queue.reclaimable
