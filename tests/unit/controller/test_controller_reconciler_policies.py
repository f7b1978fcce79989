"""The job reconciler's event side without a store: delayed policy actions are booked and
cancelled, an Unknown PodGroup raises the job's Unknown event, and a job that cannot be
reconciled is terminated after the retry limit."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from basalt.api import meta
from basalt.store import objects
from services.controller.reconcilers import jobs
from services.controller.state import bus
from tests.unit.controller.controller_support import JobBuilder, pod_of

Obj = dict[str, Any]


def reconciler_with(job: Obj, **options: Any) -> jobs.JobReconciler:
    reconciler = jobs.JobReconciler(cast(objects.Store, None), **options)  # handlers never touch the store
    reconciler.jobs.cache[meta.key(job)] = job
    return reconciler


def actions(reconciler: jobs.JobReconciler, job: Obj) -> list[bus.Action]:
    return [r.action for r in reconciler.requests.get(meta.key(job), [])]


async def test_a_timed_policy_waits_and_a_recovering_pod_cancels_it() -> None:
    job = JobBuilder("j").task("w", 2).policy("RestartJob", "PodFailed", timeout="10m").status("Running").obj()
    r = reconciler_with(job)
    running, failed = pod_of(job, "w", 0, "Running"), pod_of(job, "w", 0, "Failed")

    r._on_pod("MODIFIED", failed, running)

    assert actions(r, job) == []
    assert list(r.books[meta.key(job)]) == ["j-w-0"] and meta.key(job) in r.timers

    r._on_pod("MODIFIED", running, failed)

    assert r.books[meta.key(job)] == {} and meta.key(job) not in r.timers


async def test_a_due_delay_becomes_a_request_for_its_pod() -> None:
    job = JobBuilder("j").task("w", 2).policy("RestartPod", "PodFailed", timeout="1m").status("Running").obj()
    r = reconciler_with(job)
    r._on_pod("MODIFIED", pod_of(job, "w", 1, "Failed"), pod_of(job, "w", 1, "Running"))

    r._take_due(meta.key(job), dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=2))

    request = r.requests[meta.key(job)][0]
    assert request.action is bus.Action.RESTART_POD and request.target is not None
    assert (request.target.task, request.target.pod) == ("w", "j-w-1")
    assert r.books[meta.key(job)] == {}


async def test_an_untimed_policy_acts_at_once() -> None:
    job = JobBuilder("j").task("w", 1).policy("AbortJob", "PodFailed").status("Running").obj()
    r = reconciler_with(job)
    r._on_pod("MODIFIED", pod_of(job, "w", 0, "Failed"), pod_of(job, "w", 0, "Running"))
    assert actions(r, job) == [bus.Action.ABORT_JOB]


async def test_an_unknown_podgroup_raises_the_jobs_unknown_event() -> None:
    job = JobBuilder("j").task("w", 1).policy("RestartJob", "Unknown").status("Running").obj()
    r = reconciler_with(job)
    group = {"metadata": {"name": "pg", "namespace": "ns",
                          "ownerReferences": [{"kind": "Job", "name": "j", "uid": meta.uid(job)}]},
             "status": {"phase": "Unknown"}}

    r._on_group("MODIFIED", group, {**group, "status": {"phase": "Running"}})

    assert actions(r, job) == [bus.Action.RESTART_JOB]


async def test_repeated_reconcile_failures_terminate_the_job() -> None:
    job = JobBuilder("j").task("w", 1).status("Running").obj()
    r = reconciler_with(job, max_requeues=3)
    for _ in range(2):
        r._failed(meta.key(job))
    assert actions(r, job) == []

    r._failed(meta.key(job))

    assert actions(r, job) == [bus.Action.TERMINATE_JOB]
