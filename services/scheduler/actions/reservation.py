"""reservation (Basalt's own; Volcano has none): hold nodes for a gang that has waited too long.

At high utilisation a big gang can starve: whenever a node frees up, smaller jobs behind it fit
and take the room before enough frees up at once for the whole gang. Once a gang has waited
longer than ``reservation.waitSeconds`` (default 300, counted from the PodGroup's
creationTimestamp) and is still not placed, this action plans where its missing tasks would go
and holds those nodes:

- candidate nodes pass the gang's predicates (resources aside) and are not held for another
  gang; they are taken in order of most future idle on the resources the gang asks for (ties
  by name), and the gang's pending tasks are packed first-fit onto the nodes' *allocatable*,
  adding a node only when the ones taken are full: a small set of the emptiest nodes;
- while the hold lasts, another job's task may use a held node only if the node's future idle
  after placing it still covers what the plan puts there (placement checks this for allocate,
  backfill, preempt and reclaim), so finishing work frees room for the gang;
- when every planned task fits the idle resources of its node, the gang is allocated there and
  bound, and the hold ends; it also ends when the gang no longer waits (placed by allocate,
  deleted, invalid).

Holds are reported in ``SessionResult.reservations``; the I/O side stores them in the PodGroup
annotation ``basalt.io/reserved-nodes`` and the next snapshot restores them (``prepare``), so a
hold spans sessions. At most ``reservation.maxGangs`` (default 1) gangs hold nodes at once,
oldest first. Everything is ordered by name or uid: the same snapshot gives the same holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from services.scheduler.framework import (
    arguments,
    durations,
    jobs,
    node_holds,
    ordering,
    placement,
    session,
    statement,
)

WAIT_SECONDS = "reservation.waitSeconds"
MAX_GANGS = "reservation.maxGangs"
DEFAULT_WAIT_SECONDS = 300.0
DEFAULT_MAX_GANGS = 1


class Reservation:
    name = "reservation"

    def prepare(self, ssn: session.Session) -> None:
        """Restore the holds the snapshot carries, before any action places anything."""
        for group in ssn.snapshot.podgroups:
            job = ssn.jobs.get(group.uid)
            if not group.reserved_nodes or job is None or not _waiting(ssn, job):
                continue
            rows = [ssn.nodes.index[n] for n in group.reserved_nodes if n in ssn.nodes.index]
            plan = _pack(ssn, job, rows)
            if plan is not None:
                ssn.holds.add(plan)

    def execute(self, ssn: session.Session) -> None:
        args = ssn.action_arguments(self.name)
        wait = arguments.get_float(args, WAIT_SECONDS, DEFAULT_WAIT_SECONDS)
        limit = arguments.get_int(args, MAX_GANGS, DEFAULT_MAX_GANGS)
        for uid in sorted(ssn.holds.plans):
            job = ssn.jobs[uid]
            if not _waiting(ssn, job) or _place(ssn, job):
                ssn.holds.release(uid)
        for job in _overdue(ssn, wait):
            if len(ssn.holds.plans) >= limit:
                break
            plan = _pack(ssn, job, _candidate_rows(ssn, job))
            if plan is None:
                continue
            ssn.holds.add(plan)
            if _place(ssn, job):
                ssn.holds.release(job.uid)


def _waiting(ssn: session.Session, job: jobs.JobInfo) -> bool:
    """Admitted, valid, and still short of minMember with tasks left to place."""
    if job.is_pending or job.queue not in ssn.queues or ssn.hooks.job_valid(job) is not None:
        return False
    return not job.is_pipelined() and bool(_need(ssn, job))


def _overdue(ssn: session.Session, wait: float) -> list[jobs.JobInfo]:
    out = []
    for job in ssn.jobs.values():
        created = durations.parse_timestamp(job.creation)
        if job.uid in ssn.holds.plans or created is None or ssn.now - created < wait:
            continue
        if _waiting(ssn, job):
            out.append(job)
    return sorted(out, key=lambda j: (j.creation, j.uid))


def _need(ssn: session.Session, job: jobs.JobInfo) -> list[jobs.TaskInfo]:
    """The pending tasks (task order) that would bring the gang to minMember."""
    placed = job.ready_task_num() + len(job.by_status.get(jobs.TaskStatus.PIPELINED, {}))
    missing = job.min_member - placed - job.pending_best_effort_num()
    pending = [t for t in job.with_status(jobs.TaskStatus.PENDING) if not t.best_effort]
    if missing <= 0 or len(pending) < missing:
        return []
    queue = ordering.PriorityQueue(ssn.hooks.task_order, pending)
    return [queue.pop() for _ in range(missing)]


def _candidate_rows(ssn: session.Session, job: jobs.JobInfo) -> list[int]:
    """Nodes by most future idle on the gang's resources (fractions of allocatable), then name."""
    matrix = ssn.nodes
    wanted = np.zeros(len(ssn.dims), dtype=np.bool_)
    for task in _need(ssn, job):
        wanted |= task.vector > 0
    alloc = matrix.allocatable[:, wanted].astype(np.float64)
    free = np.clip(matrix.future_idle()[:, wanted], 0, None).astype(np.float64)
    score = np.where(alloc > 0, np.minimum(free, alloc) / np.where(alloc > 0, alloc, 1), 0.0).sum(axis=1)
    rows = np.arange(len(matrix))
    return [int(r) for r in rows[np.lexsort((rows, -score))]]


def _pack(ssn: session.Session, job: jobs.JobInfo, rows: Sequence[int]) -> node_holds.Plan | None:
    """First-fit the gang's missing tasks onto the nodes' allocatable, taking nodes from
    ``rows`` in order only when the ones taken are full; None if they cannot hold the gang.
    A restored hold passes its own nodes as ``rows``, so it never moves."""
    others = ssn.holds.held_by_other(job.uid)
    room: dict[int, jobs.Vector] = {}
    placements: list[tuple[jobs.TaskInfo, int]] = []
    for task in _need(ssn, job):
        usable = placement.feasible_nodes(ssn, task, check_resources=False).mask & ~others
        target = next((r for r in room if usable[r] and np.all(room[r] >= task.vector)), None)
        if target is None:
            target = next(
                (r for r in rows if r not in room and usable[r] and np.all(ssn.nodes.allocatable[r] >= task.vector)),
                None,
            )
            if target is None:
                return None
            room[target] = ssn.nodes.allocatable[target].copy()
        room[target] -= task.vector
        placements.append((task, target))
    if not placements:
        return None
    return node_holds.Plan(job.uid, tuple(room), tuple(placements))


def _place(ssn: session.Session, job: jobs.JobInfo) -> bool:
    """Allocate the gang as planned if every planned task fits its node's idle now."""
    plan = ssn.holds.plans[job.uid]
    queue = ssn.queues[job.queue]
    stmt = statement.Statement(ssn)
    for task, row in plan.placements:
        if task.status is not jobs.TaskStatus.PENDING:
            continue
        fits_now = bool(np.all(ssn.nodes.idle[row] >= task.vector))
        if not (fits_now and ssn.hooks.allocatable(queue, task) and placement.feasible_nodes(ssn, task).mask[row]):
            stmt.discard()
            return False
        stmt.allocate(task, row)
    if ssn.hooks.job_ready(job):
        stmt.commit()
        return True
    stmt.discard()
    return False
