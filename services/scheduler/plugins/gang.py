"""gang: a job runs only when at least minMember of its tasks can (Volcano's plugins/gang).

Registers job validity (enough pods exist), job order (unready gangs first), job ready and job
pipelined; at session close it writes the PodGroup condition: Unschedulable with the reason when
the gang is not ready, Scheduled when it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.scheduler.framework import closing, hooks, jobs, session

NAME = "gang"
NOT_ENOUGH_PODS = "NotEnoughTasks"  # scheduling.v1beta1.NotEnoughPodsReason
NOT_ENOUGH_PODS_OF_TASK = "NotEnoughPodsOfTask"
READY_REASON = "tasks in gang are ready to be scheduled"


def valid(job: jobs.JobInfo) -> hooks.ValidateResult | None:
    if not _roles_valid(job):
        return hooks.ValidateResult(
            False, NOT_ENOUGH_PODS_OF_TASK, "Not enough valid pods of each task for gang-scheduling"
        )
    count = job.valid_task_num()
    if count < job.min_member:
        message = f"Not enough valid tasks for gang-scheduling, valid: {count}, min: {job.min_member}"
        return hooks.ValidateResult(False, NOT_ENOUGH_PODS, message)
    return None


def _roles_valid(job: jobs.JobInfo) -> bool:
    if not job.task_min_available:
        return True  # no per-role minimum: nothing to count (asked for every job, twice a session)
    if job.min_member < sum(job.task_min_available.values()):
        # Volcano's CheckTaskValid: minAvailable below the tasks' minimums summed (a dependsOn
        # job, whose later tasks have no pods yet) does not enforce per-task minimums.
        return True
    counts: dict[str, int] = {}
    for task in job.tasks.values():
        if task.status in jobs.VALID:
            counts[task.role] = counts.get(task.role, 0) + 1
    return all(counts.get(role, 0) >= n for role, n in job.task_min_available.items())


def job_order(left: jobs.JobInfo, right: jobs.JobInfo) -> int:
    # Gangs that are not ready yet go first: finishing a gang beats growing a running one.
    left_ready, right_ready = left.is_ready(), right.is_ready()
    if left_ready == right_ready:
        return 0
    return 1 if left_ready else -1


def job_ready(job: jobs.JobInfo) -> bool:
    return job.check_task_ready() and job.is_ready()


def job_starving(job: jobs.JobInfo) -> bool:
    waiting = len(job.by_status.get(jobs.TaskStatus.PIPELINED, {}))
    return waiting + job.ready_task_num() < job.min_member


def evictable(ssn: session.Session, preemptees: list[jobs.TaskInfo]) -> tuple[list[jobs.TaskInfo], int]:
    """Only tasks above their gang's minMember may be taken: evicting one more would break it."""
    occupied: dict[str, int] = {}
    victims = []
    for task in preemptees:
        job = ssn.job_of(task)
        left = occupied.setdefault(job.uid, job.ready_task_num())
        if left > job.min_member:
            occupied[job.uid] = left - 1
            victims.append(task)
    return victims, hooks.PERMIT


def job_pipelined(job: jobs.JobInfo) -> int:
    return hooks.PERMIT if job.check_task_ready(pipelined=True) and job.is_pipelined() else hooks.REJECT


class Gang:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        del args

    def on_session_open(self, ssn: session.Session) -> None:
        ssn.hooks.add("job_valid", NAME, valid)
        ssn.hooks.add("job_order", NAME, job_order)
        ssn.hooks.add("job_ready", NAME, job_ready)
        ssn.hooks.add("job_pipelined", NAME, job_pipelined)
        ssn.hooks.add("job_starving", NAME, job_starving)
        ssn.hooks.add("preemptable", NAME, lambda _preemptor, tasks: evictable(ssn, tasks))
        ssn.hooks.add("reclaimable", NAME, lambda _reclaimer, tasks: evictable(ssn, tasks))

    def on_session_close(self, ssn: session.Session) -> None:
        for job in ssn.jobs.values():
            if not job.tasks:
                continue
            if job.is_ready():
                cond = closing.condition(ssn, closing.SCHEDULED, READY_REASON, "")
            else:
                cond = closing.condition(
                    ssn, closing.UNSCHEDULABLE, closing.NOT_ENOUGH_RESOURCES, closing.unready_message(ssn, job)
                )
            ssn.set_condition(job, cond)
