"""Closing a session: binds, PodGroup status (phase + conditions) and "why pending" reasons.

The phase follows Volcano's getPodGroupPhase; condition messages follow gang.go and
JobInfo.FitError, e.g. ``3/4 tasks in gang unschedulable: pod group is not ready, 1 Pending,
4 minAvailable; Pending: 1 Unschedulable. Origin reason is w-0: 0/2 nodes are unavailable:
2 Insufficient nvidia.com/gpu.``
"""

from __future__ import annotations

import time
from typing import Any

from services.scheduler.framework import fit_errors, jobs, result, session

UNSCHEDULABLE = "Unschedulable"
SCHEDULED = "Scheduled"
NOT_ENOUGH_RESOURCES = "NotEnoughResources"  # v1beta1.NotEnoughResourcesReason

# Scheduled or done (Volcano's ScheduledStatus + scheduled Releasing). Allocated tasks that were
# never dispatched (their gang only pipelined) are not bound, so they do not count here.
_SCHEDULED = frozenset(
    {
        jobs.TaskStatus.BINDING,
        jobs.TaskStatus.BOUND,
        jobs.TaskStatus.RUNNING,
        jobs.TaskStatus.SUCCEEDED,
        jobs.TaskStatus.FAILED,
        jobs.TaskStatus.RELEASING,
    }
)


def timestamp(now: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))


def condition(ssn: session.Session, kind: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "type": kind,
        "status": "True",
        "reason": reason,
        "message": message,
        "lastTransitionTime": timestamp(ssn.now),
    }


def schedulable_task_num(ssn: session.Session, job: jobs.JobInfo) -> int:
    rolled_back = sum(1 for t in job.with_status(jobs.TaskStatus.PENDING) if t.uid in ssn.schedulable)
    return rolled_back + job.ready_task_num()


def unready_message(ssn: session.Session, job: jobs.JobInfo) -> str:
    unready = job.min_member - schedulable_task_num(ssn, job)
    return f"{unready}/{len(job.tasks)} tasks in gang unschedulable: {job_fit_error(ssn, job)}"


def job_fit_error(ssn: session.Session, job: jobs.JobInfo) -> str:
    statuses = {s.value: len(t) for s, t in job.by_status.items() if t}
    statuses["minAvailable"] = job.min_member
    ready = "pod group is ready" if job.is_ready() else "pod group is not ready"
    message = f"{ready}, {', '.join(fit_errors.histogram(statuses))}"
    pending: dict[str, int] = {}
    for task in job.with_status(jobs.TaskStatus.PENDING):
        reason = "Schedulable" if task.uid in ssn.schedulable else UNSCHEDULABLE
        pending[reason] = pending.get(reason, 0) + 1
    if pending:
        message += f"; Pending: {', '.join(fit_errors.histogram(pending))}"
    if job.job_fit_error:
        return f"{message}. Origin reason is: {job.job_fit_error}"
    origin = origin_fit_error(job)
    if origin is not None:
        message += f". Origin reason is {origin[0].name}: {origin[1].message()}"
    return message


def origin_fit_error(job: jobs.JobInfo) -> tuple[jobs.TaskInfo, fit_errors.FitErrors] | None:
    """The first task (by name) whose nodes were actually checked, else any task with an error."""
    found = [(job.tasks[uid], err) for uid, err in sorted(job.fit_errors.items()) if uid in job.tasks]
    for task, err in found:
        if err.reasons:
            return task, err
    return found[0] if found else None


def podgroup_phase(ssn: session.Session, job: jobs.JobInfo) -> str:
    if not job.tasks:
        return job.phase  # pods not created yet: nothing to judge the group by
    marked = ssn.conditions.get(job.uid, {}).get(UNSCHEDULABLE)
    if marked is not None and job.by_status.get(jobs.TaskStatus.RUNNING):
        return "Unknown"
    scheduled = job.count(_SCHEDULED)
    if scheduled >= job.min_member:
        completed = job.count(jobs.COMPLETED)
        return "Completed" if scheduled == completed else "Running"
    return job.phase if job.phase == "Inqueue" else "Pending"


def build_result(ssn: session.Session) -> result.SessionResult:
    _mark_refused(ssn)
    return result.SessionResult(
        binds=_binds(ssn),
        podgroup_updates=[u for job in ssn.jobs.values() if (u := _update(ssn, job)) is not None],
        reasons={job.uid: r for job in ssn.jobs.values() if (r := _reason(ssn, job)) is not None},
        evictions=list(ssn.evictions),
        reservations=_reservations(ssn),
    )


def _reservations(ssn: session.Session) -> list[result.Reservation]:
    out = []
    for uid, plan in sorted(ssn.holds.plans.items()):
        job = ssn.jobs[uid]
        if job.ready_task_num() >= job.min_member:
            continue  # placed by an action after the reservation action: the hold is over
        names = tuple(ssn.nodes.names[row] for row in plan.nodes)
        out.append(result.Reservation(job.namespace, job.name, names, job.resource_version))
    return out


def withdraw_partial_gangs(ssn: session.Session) -> None:
    """Never bind part of a gang.

    Volcano's readiness counts pending best-effort tasks as good as placed (backfill will place
    them), so a gang can be dispatched and then lose a best-effort member to a full node. Here a
    gang binds only if what is actually placed reaches minMember; otherwise its dispatched tasks
    go back to pending. Runs after the actions, before the plugins close.
    """
    short = {t.job for t in ssn.dispatched if ssn.jobs[t.job].ready_task_num() < ssn.jobs[t.job].min_member}
    if not short:
        return
    for task in reversed(ssn.dispatched):
        if task.job in short:
            ssn.unplace(task, ssn.nodes.index[task.node])
    ssn.dispatched = [t for t in ssn.dispatched if t.job not in short]


def _mark_refused(ssn: session.Session) -> None:
    """Groups left Pending by enqueue get an Unschedulable condition saying why.

    Volcano only records an event for these; Basalt has no events, and "why is my job Pending"
    is the first question users ask, so the refusal goes into the PodGroup status (written only
    when the message changes).
    """
    for uid, (stage, message) in ssn.notes.items():
        job = ssn.jobs[uid]
        if job.is_pending and stage in ("enqueue", "queue") and not job.tasks:
            ssn.set_condition(job, condition(ssn, UNSCHEDULABLE, NOT_ENOUGH_RESOURCES, message))


def _binds(ssn: session.Session) -> list[result.GangBind]:
    grouped: dict[str, list[jobs.TaskInfo]] = {}
    for task in ssn.dispatched:
        grouped.setdefault(task.job, []).append(task)
    out = []
    for uid, tasks in grouped.items():
        job = ssn.jobs[uid]
        pods = [result.PodBind(t.namespace, t.name, t.node, t.resource_version, dict(t.requests)) for t in tasks]
        out.append(result.GangBind(job.namespace, job.name, pods))
    return out


def _update(ssn: session.Session, job: jobs.JobInfo) -> result.PodGroupUpdate | None:
    phase = podgroup_phase(ssn, job)
    conditions, changed = _merge_conditions(job.conditions, ssn.conditions.get(job.uid, {}))
    counts = tuple(job.count([s]) for s in (jobs.TaskStatus.RUNNING, jobs.TaskStatus.SUCCEEDED, jobs.TaskStatus.FAILED))
    stored = ssn.stored_status.get(job.uid)
    if not changed and stored == (phase, counts):
        return None
    running, succeeded, failed = counts
    return result.PodGroupUpdate(
        job.namespace, job.name, job.resource_version, phase, conditions, running, succeeded, failed
    )


def _merge_conditions(
    existing: list[dict[str, Any]], new: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """Replace conditions by type; a condition that only differs in its time is not a change."""
    merged = [dict(c) for c in existing]
    changed = False
    for kind, cond in sorted(new.items()):
        index = next((i for i, c in enumerate(merged) if c.get("type") == kind), None)
        if index is None:
            merged.append(cond)
            changed = True
        elif any(merged[index].get(k) != cond[k] for k in ("status", "reason", "message")):
            merged[index] = cond
            changed = True
    return merged, changed


def _reason(ssn: session.Session, job: jobs.JobInfo) -> result.PendingReason | None:
    note = ssn.notes.get(job.uid)
    if note is not None:
        return _pending(job, note[0], note[1], fit_errors.FitErrors())
    if job.is_pending or job.is_ready() and not job.with_status(jobs.TaskStatus.PENDING):
        return None
    origin = origin_fit_error(job)
    if job.is_ready() and origin is None:
        return None
    failing = origin[1] if origin is not None else fit_errors.FitErrors()
    message = unready_message(ssn, job) if not job.is_ready() else failing.message()
    return _pending(job, "placement", message, failing)


def _pending(job: jobs.JobInfo, stage: str, message: str, failing: fit_errors.FitErrors) -> result.PendingReason:
    return result.PendingReason(
        stage=stage,
        message=message,
        failing_nodes=dict(failing.reasons),
        nodes_checked=failing.nodes,
        min_member=job.min_member,
        ready=job.ready_task_num(),
        tasks=len(job.tasks),
    )
