"""The phase machine: every (phase, action) cell of Volcano's state table, then scenarios."""

from __future__ import annotations

from typing import Any

import pytest

from services.controller.state import bus, machine, phases, table
from tests.unit.controller.controller_support import NOW, NOW_TEXT, CREATED, JobBuilder, pod_of, podgroup, pods, terminating

A = bus.Action
P = phases.JobPhase
M = table.Mode
SOFT = phases.RETAIN_SOFT
NONE = phases.RETAIN_NONE

TARGETS = {
    A.RESTART_TASK: machine.Target("w"),
    A.RESTART_POD: machine.Target("w", pod="j-w-0"),
    A.RESTART_PARTITION: machine.Target("w", partition="0"),
}

_KILLS_WHEN_STARTED = {
    A.RESTART_JOB: (M.KILL_JOB, NONE, P.RESTARTING),
    A.RESTART_TASK: (M.KILL_TARGET, None, P.RESTARTING),
    A.RESTART_POD: (M.KILL_TARGET, None, P.RESTARTING),
    A.RESTART_PARTITION: (M.KILL_TARGET, None, P.RESTARTING),
    A.ABORT_JOB: (M.KILL_JOB, SOFT, P.ABORTING),
    A.COMPLETE_JOB: (M.KILL_JOB, SOFT, P.COMPLETING),
    A.TERMINATE_JOB: (M.KILL_JOB, SOFT, P.TERMINATING),
}


def _row(default: tuple[M, frozenset[str] | None, P], **cells: tuple[M, frozenset[str] | None, P]) -> dict[A, Any]:
    return {action: cells.get(action.name, default) for action in _ACTIONS}


_ACTIONS = [
    A.ABORT_JOB, A.RESTART_JOB, A.RESTART_TASK, A.RESTART_POD, A.RESTART_PARTITION,
    A.TERMINATE_JOB, A.COMPLETE_JOB, A.RESUME_JOB, A.SYNC_JOB, A.ENQUEUE_JOB,
]  # fmt: skip

# Canonical situation: task "w" with 2 replicas, minAvailable 2, maxRetry 3, retryCount 0, both
# pods Running, PodGroup Inqueue. Each cell: (mode, pod phases a KillJob keeps, phase after).
STATE_TABLE: dict[P, dict[A, Any]] = {
    P.PENDING: {**_row((M.SYNC, None, P.RUNNING)), **_KILLS_WHEN_STARTED},
    P.RUNNING: {**_row((M.SYNC, None, P.RUNNING)), **_KILLS_WHEN_STARTED},
    P.RESTARTING: _row(
        (M.KILL_JOB, NONE, P.RESTARTING),  # both pods killed: not enough left to go Pending
        SYNC_JOB=(M.SYNC, None, P.PENDING),
        RESTART_TASK=(M.KILL_TARGET, None, P.RESTARTING),
        RESTART_POD=(M.KILL_TARGET, None, P.RESTARTING),
        RESTART_PARTITION=(M.KILL_TARGET, None, P.PENDING),  # no pod in partition 0
    ),
    P.COMPLETING: _row((M.KILL_JOB, SOFT, P.COMPLETING)),
    P.ABORTING: _row((M.KILL_JOB, SOFT, P.ABORTING), RESUME_JOB=(M.KILL_JOB, SOFT, P.RESTARTING)),
    P.ABORTED: _row((M.KILL_JOB, SOFT, P.ABORTED), RESUME_JOB=(M.KILL_JOB, SOFT, P.RESTARTING)),
    P.TERMINATING: _row((M.KILL_JOB, SOFT, P.TERMINATING)),
    P.COMPLETED: _row((M.KILL_JOB, SOFT, P.COMPLETED)),
    P.FAILED: _row((M.KILL_JOB, SOFT, P.FAILED)),
    P.TERMINATED: _row((M.KILL_JOB, SOFT, P.TERMINATED)),
}

CELLS = [(phase, action, *cell) for phase, row in STATE_TABLE.items() for action, cell in row.items()]


def _job(phase: str, **status: Any) -> dict[str, Any]:
    return JobBuilder("j").task("w", 2, min_available=2).min_available(2).status(phase, **status).obj()


def test_the_table_covers_every_phase_and_action() -> None:
    assert len(CELLS) == len(P) * len(_ACTIONS) == 100


@pytest.mark.parametrize(("phase", "action", "mode", "retain", "after"), CELLS, ids=[f"{c[0]}-{c[1]}" for c in CELLS])
def test_state_table_cell(phase: P, action: A, mode: M, retain: frozenset[str] | None, after: P) -> None:
    plan = table.plan(phase, action)
    assert plan.mode is mode
    if mode is M.KILL_JOB:
        assert plan.retain == retain

    job = _job(phase)
    result = machine.apply_action(
        job, action, pods(job, "w", "Running", "Running"), podgroup("Inqueue"), now=NOW, target=TARGETS.get(action)
    )

    assert result.phase is after
    assert result.bump_version is result.delete_podgroup is (mode is M.KILL_JOB)
    assert result.status["version"] == (1 if mode is M.KILL_JOB else 0)
    expect_retry = after is P.RESTARTING and phase is not P.RESTARTING
    assert result.increment_retry is expect_retry
    assert result.status["retryCount"] == (1 if expect_retry else 0)
    if mode is M.KILL_JOB:
        assert result.kill_pods == ("j-w-0", "j-w-1")  # Running pods go under either retain set


# --- Pending -> Running -> Completed / Failed -----------------------------------------------


def test_new_job_gets_its_initial_status_and_waits_for_the_podgroup() -> None:
    job = JobBuilder("j").task("w", 2, min_available=2).min_available(2).obj()

    result = machine.apply_action(job, A.SYNC_JOB, [], None, now=NOW)

    assert result.changed and result.ensure_podgroup
    assert result.create_pods == () and result.phase is P.PENDING
    assert result.status["state"] == {"phase": "Pending", "lastTransitionTime": NOW_TEXT}
    assert result.status["conditions"] == [{"status": "Pending", "lastTransitionTime": NOW_TEXT}]
    assert result.status["minAvailable"] == 2


def test_pending_podgroup_keeps_counts_and_creates_nothing() -> None:
    job = _job("Pending", running=1)

    result = machine.apply_action(job, A.SYNC_JOB, pods(job, "w", "Running", "Running"), podgroup("Pending"), now=NOW)

    assert result.create_pods == () and result.kill_pods == ()
    assert result.status["running"] == 1 and not result.changed


def test_inqueue_podgroup_creates_the_pods_counted_as_pending() -> None:
    job = _job("Pending")

    result = machine.apply_action(job, A.SYNC_JOB, [], podgroup("Inqueue"), now=NOW)

    assert [p["metadata"]["name"] for p in result.create_pods] == ["j-w-0", "j-w-1"]
    assert result.status["pending"] == 2
    assert result.status["taskStatusCount"] == {"w": {"phase": {"Pending": 2}}}
    assert result.phase is P.PENDING and result.changed
    assert result.status["state"]["lastTransitionTime"] == NOW_TEXT  # any status change re-stamps


def test_pending_to_running_at_min_available() -> None:
    job = _job("Pending")
    group = podgroup("Running")

    one = machine.apply_action(job, A.SYNC_JOB, pods(job, "w", "Running", "Pending"), group, now=NOW)
    two = machine.apply_action(job, A.SYNC_JOB, pods(job, "w", "Running", "Succeeded"), group, now=NOW)

    assert one.phase is P.PENDING
    assert two.phase is P.RUNNING
    assert two.status["conditions"] == [
        {"status": "Pending", "lastTransitionTime": CREATED},
        {"status": "Running", "lastTransitionTime": NOW_TEXT},
    ]


def test_counts_and_task_status_count() -> None:
    job = JobBuilder("j").task("a", 3).task("b", 2).status("Running").obj()
    existing = [
        pod_of(job, "a", 0, "Running"),
        pod_of(job, "a", 1, "Succeeded"),
        terminating(pod_of(job, "a", 2, "Running")),
        pod_of(job, "b", 0, "Failed"),
        pod_of(job, "b", 1, "Weird"),
    ]

    status = machine.compute_status(job, existing, podgroup("Running"), NOW)

    assert {k: status[k] for k in ("pending", "running", "succeeded", "failed", "terminating", "unknown")} == {
        "pending": 0,
        "running": 1,
        "succeeded": 1,
        "failed": 1,
        "terminating": 1,
        "unknown": 1,
    }
    assert status["taskStatusCount"] == {
        "a": {"phase": {"Running": 1, "Succeeded": 1}},
        "b": {"phase": {"Failed": 1, "Unknown": 1}},
    }


def test_unchanged_status_is_not_rewritten() -> None:
    job = _job("Running")
    first = machine.apply_action(job, A.SYNC_JOB, pods(job, "w", "Running", "Running"), podgroup("Running"), now=NOW)
    job["status"] = first.status

    again = machine.apply_action(job, A.SYNC_JOB, pods(job, "w", "Running", "Running"), podgroup("Running"), now=NOW)

    assert first.changed and not again.changed
    assert again.status == first.status


@pytest.mark.parametrize(
    ("case", "tasks", "spec", "phases_by_task", "after"),
    [
        ("all-succeeded", [("w", 2, None)], {"minAvailable": 2}, {"w": ["Succeeded", "Succeeded"]}, P.COMPLETED),
        ("still-running", [("w", 2, None)], {"minAvailable": 2}, {"w": ["Succeeded", "Running"]}, P.RUNNING),
        ("too-few-succeeded", [("w", 2, None)], {"minAvailable": 2}, {"w": ["Succeeded", "Failed"]}, P.FAILED),
        ("min-available-succeeded", [("w", 3, None)], {"minAvailable": 2}, {"w": ["Succeeded", "Succeeded", "Failed"]}, P.COMPLETED),
        ("min-success-early", [("w", 3, None)], {"minAvailable": 3, "minSuccess": 1}, {"w": ["Succeeded", "Running", "Running"]}, P.COMPLETED),
        ("min-success-missed", [("w", 2, None)], {"minAvailable": 1, "minSuccess": 2}, {"w": ["Succeeded", "Failed"]}, P.FAILED),
        (
            "task-minimum-missed",
            [("ps", 1, 1), ("w", 2, 1)],
            {"minAvailable": 2},
            {"ps": ["Failed"], "w": ["Succeeded", "Succeeded"]},
            P.FAILED,
        ),
        (
            "task-minimum-ignored-below-total",
            [("ps", 1, 1), ("w", 2, 2)],
            {"minAvailable": 2},
            {"ps": ["Failed"], "w": ["Succeeded", "Succeeded"]},
            P.COMPLETED,
        ),
        ("gang-lost-back-to-pending", [("w", 3, None)], {"minAvailable": 2}, {"w": ["Pending", "Pending", "Running"]}, P.PENDING),
        ("scaled-to-zero-keeps-phase", [("w", 0, None)], {"minAvailable": 0}, {}, P.RUNNING),
    ],
)
def test_running_rules(
    case: str, tasks: list[tuple[str, int, int | None]], spec: dict[str, int], phases_by_task: dict[str, list[str]], after: P
) -> None:
    builder = JobBuilder("j").spec(**spec)
    for name, replicas, task_min in tasks:
        builder.task(name, replicas, min_available=task_min)
    job = builder.status("Running").obj()
    existing = [p for task, task_phases in phases_by_task.items() for p in pods(job, task, *task_phases)]

    assert machine.next_phase(job, existing, podgroup("Running"), NOW) is after, case


# --- restarts, retries, kills ---------------------------------------------------------------


def test_restart_job_kills_everything_bumps_version_and_counts_a_retry() -> None:
    job = _job("Running", version=3)

    result = machine.apply_action(job, A.RESTART_JOB, pods(job, "w", "Running", "Failed"), podgroup("Running"), now=NOW)

    assert result.phase is P.RESTARTING
    assert result.kill_pods == ("j-w-0", "j-w-1")
    assert result.status["terminating"] == 2 and result.status["failed"] == 0
    assert result.status["version"] == 4 and result.status["retryCount"] == 1
    assert result.delete_podgroup and result.increment_retry
    assert result.status["runningDuration"] == "1m30s"


def test_last_retry_keeps_finished_pods() -> None:
    job = _job("Running", retryCount=2)  # maxRetry 3: this is the last retry

    result = machine.apply_action(job, A.RESTART_JOB, pods(job, "w", "Running", "Failed"), podgroup("Running"), now=NOW)

    assert result.kill_pods == ("j-w-0",)
    assert (result.status["failed"], result.status["terminating"]) == (1, 1)


def test_restarting_fails_once_retries_are_spent() -> None:
    job = _job("Restarting", retryCount=3)

    result = machine.apply_action(job, A.SYNC_JOB, [], podgroup("Pending"), now=NOW)

    assert result.phase is P.FAILED


def test_restarting_waits_for_terminating_pods_then_goes_pending() -> None:
    job = _job("Restarting", retryCount=1, terminating=2)
    gone = machine.apply_action(job, A.SYNC_JOB, [], podgroup("Inqueue"), now=NOW)

    stuck = machine.apply_action(job, A.SYNC_JOB, [], podgroup("Pending"), now=NOW)

    assert stuck.phase is P.RESTARTING  # PodGroup pending: counts stand at 2 terminating
    assert gone.phase is P.PENDING and len(gone.create_pods) == 2


def test_restart_pod_kills_only_that_pod_and_keeps_the_podgroup() -> None:
    job = _job("Running")

    result = machine.apply_action(
        job,
        A.RESTART_POD,
        pods(job, "w", "Failed", "Running"),
        podgroup("Running"),
        now=NOW,
        target=machine.Target("w", pod="j-w-0"),
    )

    assert result.kill_pods == ("j-w-0",)
    assert not result.delete_podgroup and not result.bump_version
    assert (result.status["running"], result.status["terminating"]) == (1, 1)
    assert result.phase is P.RESTARTING and result.status["retryCount"] == 1


def test_targeted_action_needs_a_target() -> None:
    with pytest.raises(ValueError):
        machine.apply_action(_job("Running"), A.RESTART_TASK, [], None, now=NOW)


@pytest.mark.parametrize(
    ("phase", "quiet_phase"),
    [(P.COMPLETING, P.COMPLETED), (P.ABORTING, P.ABORTED), (P.TERMINATING, P.TERMINATED)],
)
def test_winding_down_finishes_once_no_pod_is_alive(phase: P, quiet_phase: P) -> None:
    job = _job(phase)

    busy = machine.apply_action(job, A.SYNC_JOB, [terminating(pod_of(job, "w", 0))], None, now=NOW)
    quiet = machine.apply_action(job, A.SYNC_JOB, pods(job, "w", "Succeeded", "Failed"), None, now=NOW)

    assert busy.phase is phase
    assert quiet.phase is quiet_phase and quiet.kill_pods == ()
    assert (quiet.status["succeeded"], quiet.status["failed"]) == (1, 1)  # retained pods still count
    assert quiet.status["conditions"][-1] == {"status": quiet_phase.value, "lastTransitionTime": NOW_TEXT}


def test_abort_keeps_finished_pods() -> None:
    job = _job("Running")

    result = machine.apply_action(job, A.ABORT_JOB, pods(job, "w", "Succeeded", "Running"), None, now=NOW)

    assert result.kill_pods == ("j-w-1",) and result.phase is P.ABORTING


def test_finished_job_is_not_stamped_again() -> None:
    job = _job("Completed", succeeded=2)

    result = machine.apply_action(job, A.SYNC_JOB, pods(job, "w", "Succeeded", "Succeeded"), None, now=NOW)

    assert result.phase is P.COMPLETED and result.kill_pods == ()
    assert result.status["state"]["lastTransitionTime"] == CREATED
    assert result.status["runningDuration"] == "0s"


def test_job_being_deleted_is_left_alone() -> None:
    job = _job("Running")
    job["metadata"]["deletionTimestamp"] = CREATED

    result = machine.apply_action(job, A.RESTART_JOB, pods(job, "w", "Running"), None, now=NOW)

    assert not result.changed and result.kill_pods == () and result.phase is P.RUNNING


def test_plugins_are_recorded_while_pending_and_released_on_kill() -> None:
    job = JobBuilder("j").task("w", 1).min_available(1).spec(plugins={"env": [], "svc": []}).status("Pending").obj()

    synced = machine.apply_action(job, A.SYNC_JOB, [], podgroup("Inqueue"), now=NOW)
    job["status"] = synced.status
    job["status"]["state"]["phase"] = "Running"
    killed = machine.apply_action(job, A.ABORT_JOB, [], None, now=NOW)

    assert synced.status["controlledResources"] == {"plugin-env": "env", "plugin-svc": "svc"}
    assert "controlledResources" not in killed.status


def test_surplus_pods_count_as_terminating_after_scale_down() -> None:
    job = _job("Running")
    existing = pods(job, "w", "Running", "Running", "Running")

    result = machine.apply_action(job, A.SYNC_JOB, existing, podgroup("Running"), now=NOW)

    assert result.kill_pods == ("j-w-2",)
    assert (result.status["running"], result.status["terminating"]) == (2, 1)
