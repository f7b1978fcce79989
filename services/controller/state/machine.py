"""Apply an action to a job: Volcano's ``syncJob`` / ``killJob`` / ``killTarget``, pure.

``apply_action`` takes the job, all of its pods, its PodGroup and the action, and returns a
``Transition``: the status to write and the side effects for the I/O layer to carry out (pods
to create, pods to delete, PodGroup to delete). Deterministic: time is an argument.

Where Volcano's HEAD counts nothing but the killed pods after a kill (a 2024 refactor dropped
the retained pods from the counts), this counts retained pods by phase, as Volcano did before,
so a Completed job keeps its ``succeeded`` count.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from basalt.api import meta
from services.controller.materialize import jobspec, keys, naming, objects, scaling
from services.controller.state import bus, counts, phases, rules, status, table

Obj = meta.Obj
Status = dict[str, Any]

_COUNT_FIELDS = ("pending", "running", "succeeded", "failed", "terminating", "unknown", "version", "retryCount")


@dataclasses.dataclass(frozen=True)
class Target:
    """What a RestartTask / RestartPod / RestartPartition action kills."""

    task: str
    pod: str = ""
    partition: str = ""


@dataclasses.dataclass(frozen=True)
class Transition:
    action: bus.Action
    mode: table.Mode
    phase: phases.JobPhase
    """The job's phase after the action."""
    status: Status
    """The complete status to write (equal to the stored one when ``changed`` is False)."""
    changed: bool
    """The status differs from the stored one: write it (then re-sync if the phase moved)."""
    create_pods: tuple[Obj, ...] = ()
    """Pods to create (SyncJob once the PodGroup has left Pending)."""
    kill_pods: tuple[str, ...] = ()
    """Names of pods to delete; mark them out-of-sync first so their events do not fire policies."""
    ensure_podgroup: bool = False
    """Create the PodGroup if missing, else apply ``podgroup.updated_podgroup`` (SyncJob)."""
    delete_podgroup: bool = False
    bump_version: bool = False
    increment_retry: bool = False


def apply_action(
    job: Obj,
    action: bus.Action | str,
    pods: Iterable[Obj],
    podgroup: Obj | None = None,
    *,
    now: dt.datetime,
    target: Target | None = None,
    forwarding: bool = False,
) -> Transition:
    """Run ``action`` on ``job`` in its current phase (``state.NewState(job).Execute``).

    ``pods`` are all pods the job controls, any task. ``target`` is required for the targeted
    restarts. ``forwarding`` marks pods built for a queue that forwards jobs to other clusters.
    """
    act = bus.Action(action)
    stored = jobspec.status(job)
    base = status.current(job, now)
    plan = table.plan(status.phase_of(base), act)
    if objects.is_terminating(job):
        # Volcano skips every action on a job being deleted.
        return Transition(act, plan.mode, status.phase_of(stored), copy.deepcopy(stored), False)
    pod_list = list(pods)
    if plan.mode is table.Mode.SYNC:
        return _sync(job, act, base, stored, pod_list, podgroup, plan.rule, now, forwarding)
    if plan.mode is table.Mode.KILL_JOB:
        return _kill_job(job, act, base, stored, pod_list, plan, now)
    if target is None:
        raise ValueError(f"{act} needs a target task or pod")
    return _kill_target(job, act, base, stored, pod_list, target, plan.rule, now)


def compute_status(job: Obj, pods: Iterable[Obj], podgroup: Obj | None, now: dt.datetime) -> Status:
    """The status Volcano writes after a plain sync (``SyncJob``) in the job's current phase."""
    return apply_action(job, bus.Action.SYNC_JOB, pods, podgroup, now=now).status


def next_phase(job: Obj, pods: Iterable[Obj], podgroup: Obj | None, now: dt.datetime) -> phases.JobPhase:
    return apply_action(job, bus.Action.SYNC_JOB, pods, podgroup, now=now).phase


def _sync(
    job: Obj,
    act: bus.Action,
    base: Status,
    stored: Status,
    pods: list[Obj],
    podgroup: Obj | None,
    rule: rules.Rule | None,
    now: dt.datetime,
    forwarding: bool,
) -> Transition:
    if status.phase_of(base) is phases.JobPhase.PENDING:
        base = _with_plugins_recorded(base, job)  # plugins' OnJobAdd, on each initiation
    create: list[Obj] = []
    kill: list[Obj] = []
    if scaling.may_create_pods(podgroup):
        create = scaling.pods_to_create(job, pods, forwarding=forwarding)
        kill = scaling.pods_to_delete(job, pods)
        new = _synced_status(job, base, _sync_tally(job, pods, create))
    else:
        new = copy.deepcopy(base)  # the scheduler has not admitted the gang: counts stand
    if rule is not None:
        rule(job, new)
    if _normalised(new) != _normalised(base):
        status.stamp(new, now)
    return _transition(act, table.Mode.SYNC, new, stored, create=create, kill=kill, ensure_podgroup=True)


def _sync_tally(job: Obj, pods: list[Obj], created: list[Obj]) -> counts.Tally:
    """Counts after a sync: desired pods by phase, surplus ones (being deleted) as terminating."""
    tally = counts.Tally()
    by_task = scaling.group_by_task(pods)
    for task in jobspec.tasks(job):
        name = jobspec.task_name(task)
        wanted = {naming.pod_name(meta.name(job), name, i) for i in range(jobspec.replicas(task))}
        for pod in by_task.get(name, []):
            if meta.name(pod) not in wanted or objects.is_terminating(pod):
                tally.add_terminating()
            else:
                tally.classify(pod)
    for pod in created:
        tally.classify(pod)
    return tally


def _synced_status(job: Obj, base: Status, tally: counts.Tally) -> Status:
    """The status ``syncJob`` assembles: fresh counts, the rest carried over."""
    new: Status = {"state": copy.deepcopy(base.get("state") or {})}
    new.update(tally.status_fields())
    new["version"] = int(base.get("version") or 0)
    new["minAvailable"] = jobspec.min_available(job)
    new["retryCount"] = int(base.get("retryCount") or 0)
    for carried in ("controlledResources", "conditions", "runningDuration"):
        if base.get(carried):
            new[carried] = copy.deepcopy(base[carried])
    return new


def _kill_job(
    job: Obj, act: bus.Action, base: Status, stored: Status, pods: list[Obj], plan: table.Plan, now: dt.datetime
) -> Transition:
    retain = plan.retain
    if jobspec.retry_count(job) >= jobspec.max_retry(job) - 1:
        retain = phases.RETAIN_SOFT  # the last retry keeps finished pods for inspection
    tally = counts.Tally()
    kill = []
    for pod in pods:
        if objects.is_terminating(pod):
            tally.add_terminating()
        elif objects.phase_of(pod) in retain:
            tally.classify(pod)
        else:
            kill.append(pod)
            tally.add_terminating()
    new = _killed_status(job, base, tally, plan.rule, now)
    new["version"] = int(base.get("version") or 0) + 1
    return _transition(act, table.Mode.KILL_JOB, new, stored, kill=kill, delete_podgroup=True, bump_version=True)


def _kill_target(
    job: Obj,
    act: bus.Action,
    base: Status,
    stored: Status,
    pods: list[Obj],
    target: Target,
    rule: rules.Rule | None,
    now: dt.datetime,
) -> Transition:
    victims = {meta.name(p) for p in pods if _is_targeted(p, target)}
    tally = counts.Tally()
    kill = []
    for pod in pods:
        if objects.is_terminating(pod):
            tally.add_terminating()
        elif meta.name(pod) in victims:
            kill.append(pod)
            tally.add_terminating()
        else:
            tally.classify(pod)
    new = _killed_status(job, base, tally, rule, now)
    return _transition(act, table.Mode.KILL_TARGET, new, stored, kill=kill)


def _killed_status(
    job: Obj, base: Status, tally: counts.Tally, rule: rules.Rule | None, now: dt.datetime
) -> Status:
    """``killPods``' status: new counts, plugins released, the rule, then the running time."""
    new = copy.deepcopy(base)
    new.update(tally.status_fields())
    _release_plugins(new, job)
    if rule is not None and rule(job, new):
        status.stamp(new, now)
    status.set_running_duration(new, job)
    return new


def _is_targeted(pod: Obj, target: Target) -> bool:
    if scaling.task_of(pod) != target.task:
        return False
    if target.pod:
        return meta.name(pod) == target.pod
    if target.partition:
        return meta.labels(pod).get(keys.TASK_PARTITION_ID) == target.partition
    return True


def _transition(
    act: bus.Action,
    mode: table.Mode,
    new: Status,
    stored: Status,
    *,
    create: list[Obj] | None = None,
    kill: list[Obj] | None = None,
    ensure_podgroup: bool = False,
    delete_podgroup: bool = False,
    bump_version: bool = False,
) -> Transition:
    return Transition(
        action=act,
        mode=mode,
        phase=status.phase_of(new),
        status=new,
        changed=_normalised(new) != _normalised(stored),
        create_pods=tuple(create or ()),
        kill_pods=tuple(sorted(meta.name(p) for p in kill or ())),
        ensure_podgroup=ensure_podgroup,
        delete_podgroup=delete_podgroup,
        bump_version=bump_version,
        increment_retry=int(new.get("retryCount") or 0) > int(stored.get("retryCount") or 0),
    )


def _with_plugins_recorded(base: Status, job: Obj) -> Status:
    """Plugins' ``OnJobAdd`` note themselves in ``controlledResources`` as ``plugin-<name>``."""
    plugins = jobspec.plugins(job)
    if not plugins:
        return base
    recorded = copy.deepcopy(base)
    owned = recorded.setdefault("controlledResources", {})
    for name in plugins:
        owned[f"plugin-{name}"] = name
    return recorded


def _release_plugins(new: Status, job: Obj) -> None:
    """Plugins' ``OnJobDelete`` (run on every kill) drop their ``controlledResources`` entry."""
    owned = new.get("controlledResources")
    if not owned:
        return
    for name in jobspec.plugins(job):
        owned.pop(f"plugin-{name}", None)
    if not owned:
        del new["controlledResources"]


def _normalised(value: Status) -> Status:
    """Compare statuses as Go does: absent counts are zero, empty maps are absent."""
    out = {k: v for k, v in value.items() if v not in (None, {}, [], "")}
    for field in _COUNT_FIELDS:
        out[field] = int(value.get(field) or 0)
    return out


