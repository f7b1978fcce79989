"""Volcano's state table: for each job phase and action, what the controller does.

Each cell is a ``Plan``: sync the pods (``SyncJob``), kill the whole job keeping pods in some
phases (``KillJob``), or kill one task/pod/partition (``KillTarget``), followed by a phase rule.
The table is data so that tests can walk every cell.
"""

from __future__ import annotations

import dataclasses
import enum

from services.controller.state import bus, phases, rules

JobPhase = phases.JobPhase
Action = bus.Action


class Mode(enum.StrEnum):
    SYNC = "SyncJob"
    KILL_JOB = "KillJob"
    KILL_TARGET = "KillTarget"


@dataclasses.dataclass(frozen=True)
class Plan:
    mode: Mode
    rule: rules.Rule | None
    retain: frozenset[str] = phases.RETAIN_NONE
    """Pod phases a KillJob keeps (``PodRetainPhaseSoft`` keeps Succeeded and Failed)."""


def _kill(retain: frozenset[str], rule: rules.Rule | None) -> Plan:
    return Plan(Mode.KILL_JOB, rule, retain)


_RESTART = rules.move_to(JobPhase.RESTARTING, retry=True)
_SOFT = phases.RETAIN_SOFT
_NONE = phases.RETAIN_NONE

# pending.go and running.go share every kill; they differ only in their sync rule.
_STARTED_KILLS: dict[Action, Plan] = {
    Action.RESTART_JOB: _kill(_NONE, _RESTART),
    Action.RESTART_TASK: Plan(Mode.KILL_TARGET, _RESTART),
    Action.RESTART_POD: Plan(Mode.KILL_TARGET, _RESTART),
    Action.RESTART_PARTITION: Plan(Mode.KILL_TARGET, _RESTART),
    Action.ABORT_JOB: _kill(_SOFT, rules.move_to(JobPhase.ABORTING)),
    Action.COMPLETE_JOB: _kill(_SOFT, rules.move_to(JobPhase.COMPLETING)),
    Action.TERMINATE_JOB: _kill(_SOFT, rules.move_to(JobPhase.TERMINATING)),
}


def plan(phase: JobPhase, action: Action) -> Plan:
    """What ``state.NewState(job).Execute(action)`` does."""
    if phase in (JobPhase.PENDING, JobPhase.RUNNING):
        sync_rule = rules.pending if phase is JobPhase.PENDING else rules.running
        return _STARTED_KILLS.get(action, Plan(Mode.SYNC, sync_rule))
    if phase is JobPhase.RESTARTING:
        if action is Action.SYNC_JOB:
            return Plan(Mode.SYNC, rules.restarting)
        if action in bus.TARGETED_ACTIONS:
            return Plan(Mode.KILL_TARGET, rules.restarting)
        return _kill(_NONE, rules.restarting)
    if phase in (JobPhase.ABORTING, JobPhase.ABORTED) and action is Action.RESUME_JOB:
        return _kill(_SOFT, _RESTART)
    return _kill(_SOFT, _WIND_DOWN.get(phase))


# completing.go, aborting.go, terminating.go wait for the pods to go; aborted.go and
# finished.go (Completed, Failed, Terminated) only re-kill.
_WIND_DOWN: dict[JobPhase, rules.Rule] = {
    JobPhase.COMPLETING: rules.when_quiet(JobPhase.COMPLETED),
    JobPhase.ABORTING: rules.when_quiet(JobPhase.ABORTED),
    JobPhase.TERMINATING: rules.when_quiet(JobPhase.TERMINATED),
}
