"""policy_action (applyPolicies) and pod_event (the pod handlers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.controller.state import bus, events, policy
from tests.unit.controller.controller_support import JobBuilder, failed_with, out_of_sync, pod_of, pods

A = bus.Action
E = bus.Event


def _job(task_policies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return (
        JobBuilder("j")
        .task("w", 2, policies=task_policies)
        .task("ps", 1)
        .policy("AbortJob", "PodFailed")
        .policy("RestartJob", exitCode=137)
        .policy("TerminateJob", "PodPending", timeout="10m")
        .status("Running", version=2)
        .obj()
    )


@pytest.mark.parametrize(
    ("case", "task_policies", "task", "event", "exit_code", "action", "delay"),
    [
        ("no-policy-syncs", None, "w", "Unknown", None, A.SYNC_JOB, None),
        ("job-event", None, "w", "PodFailed", 1, A.ABORT_JOB, None),
        ("task-event-beats-job", [{"event": "PodFailed", "action": "RestartTask"}], "w", "PodFailed", 1, A.RESTART_TASK, None),
        ("task-policy-of-other-task-ignored", [{"event": "PodFailed", "action": "RestartTask"}], "ps", "PodFailed", 1, A.ABORT_JOB, None),
        ("events-list", [{"events": ["PodEvicted", "PodFailed"], "action": "RestartPod"}], "w", "PodEvicted", None, A.RESTART_POD, None),
        ("any-event", [{"event": "*", "action": "CompleteJob"}], "w", "TaskCompleted", None, A.COMPLETE_JOB, None),
        ("task-exit-code", [{"exitCode": 3, "action": "RestartPod"}], "w", "PodFailed", 3, A.RESTART_POD, None),
        ("job-exit-code-before-later-job-event", None, "w", "PodEvicted", 137, A.RESTART_JOB, None),
        ("pending-needs-timeout", [{"event": "PodPending", "action": "AbortJob"}], "w", "PodPending", None, A.TERMINATE_JOB, dt.timedelta(minutes=10)),
        ("task-timeout", [{"event": "PodPending", "action": "AbortJob", "timeout": "1m30s"}], "w", "PodPending", None, A.ABORT_JOB, dt.timedelta(seconds=90)),
        ("internal-event-never-matches", [{"event": "*", "action": "AbortJob"}], "w", "OutOfSync", None, A.SYNC_JOB, None),
        ("pod-running-is-internal", [{"event": "*", "action": "AbortJob"}], "w", "PodRunning", None, A.SYNC_JOB, None),
        ("no-event-syncs", None, "w", "", None, A.SYNC_JOB, None),
    ],
)
def test_policy_selection(
    case: str,
    task_policies: list[dict[str, Any]] | None,
    task: str,
    event: str,
    exit_code: int | None,
    action: A,
    delay: dt.timedelta | None,
) -> None:
    assert policy.policy_action(_job(task_policies), task, event, exit_code) == policy.Decision(action, delay), case


def test_events_from_an_older_job_version_only_sync() -> None:
    job = _job()

    assert policy.policy_action(job, "w", E.POD_FAILED, 1, request_version=1).action is A.SYNC_JOB
    assert policy.policy_action(job, "w", E.POD_FAILED, 1, request_version=2).action is A.ABORT_JOB


def test_events_for_another_job_with_the_same_name_only_sync() -> None:
    job = _job()

    assert policy.policy_action(job, "w", E.POD_FAILED, 1, request_job_uid="other").action is A.SYNC_JOB
    assert policy.policy_action(job, "w", E.POD_FAILED, 1, request_job_uid="u1").action is A.ABORT_JOB


# --- pod events ------------------------------------------------------------------------------


def test_added_deleted_and_out_of_sync_pods() -> None:
    job = _job()
    p = pod_of(job, "w", 0, "Pending")

    assert events.pod_event(None, p, job).event is E.POD_PENDING
    assert events.pod_event(p, None, job).event is E.POD_EVICTED
    assert events.pod_event(p, None, job).job_version == 2
    assert events.pod_event(None, out_of_sync(pod_of(job, "w", 0)), job).event is E.OUT_OF_SYNC
    assert events.pod_event(out_of_sync(pod_of(job, "w", 0)), None, job).event is E.OUT_OF_SYNC


def test_pod_failed_carries_the_first_container_exit_code() -> None:
    job = _job()
    before, after = pod_of(job, "w", 0, "Running"), failed_with(job, "w", 0, 137)

    got = events.pod_event(before, after, job)

    assert (got.event, got.exit_code, got.task, got.pod) == (E.POD_FAILED, 137, "w", "j-w-0")
    assert events.pod_event(after, after, job).event is E.OUT_OF_SYNC  # already failed


def test_task_completed_when_every_replica_succeeded() -> None:
    job = _job()
    running, done = pod_of(job, "w", 1, "Running"), pod_of(job, "w", 1, "Succeeded")
    others = [pod_of(job, "w", 0, "Succeeded")]

    assert events.pod_event(running, done, job, [*others, done]).event is E.TASK_COMPLETED
    assert events.pod_event(running, done, job, [pod_of(job, "w", 0, "Running"), done]).event is E.OUT_OF_SYNC


def test_phase_change_to_running_and_task_failed_on_restarts() -> None:
    job = _job()
    job["spec"]["tasks"][0]["maxRetry"] = 2
    pending, running = pod_of(job, "w", 0, "Pending"), pod_of(job, "w", 0, "Running")
    restarted = pod_of(job, "w", 0, "Running", containerStatuses=[{"restartCount": 2}])

    assert events.pod_event(pending, running, job, [running]).event is E.POD_RUNNING
    assert events.pod_event(running, restarted, job, [restarted]).event is E.TASK_FAILED
    assert events.pod_event(running, running, job, [running]).event is E.OUT_OF_SYNC
    job["spec"]["tasks"][0]["maxRetry"] = -1
    assert events.pod_event(running, restarted, job, [restarted]).event is E.OUT_OF_SYNC


def test_task_failed_defaults_to_three_restarts() -> None:
    job = _job()
    restarted = pods(job, "w", "Running", "Pending")
    restarted[0]["status"]["containerStatuses"] = [{"restartCount": 2}]
    restarted[1]["status"]["initContainerStatuses"] = [{"restartCount": 1}]

    assert events.task_failed(job, "w", restarted)
    assert not events.task_failed(job, "w", restarted[:1])


def test_job_updates_resync_only_on_spec_or_phase_change() -> None:
    job = _job()
    status_only = {**job, "status": {**job["status"], "version": 9}}
    new_phase = {**job, "status": {**job["status"], "state": {"phase": "Aborting"}}}
    scaled = {**job, "spec": {**job["spec"], "minAvailable": 5}}

    assert events.job_update_needs_sync(None, job)
    assert not events.job_update_needs_sync(job, status_only)
    assert events.job_update_needs_sync(job, new_phase)
    assert events.job_update_needs_sync(job, scaled)


def test_podgroup_updates_resync_on_phase_change_and_unknown_raises_an_event() -> None:
    pending, inqueue, unknown = ({"status": {"phase": p}} for p in ("Pending", "Inqueue", "Unknown"))

    assert events.podgroup_update_needs_sync(pending, inqueue)
    assert not events.podgroup_update_needs_sync(inqueue, {"status": {"phase": "Inqueue"}, "spec": {"minMember": 3}})
    assert events.podgroup_event(unknown) is E.JOB_UNKNOWN
    assert events.podgroup_event(inqueue) is None
