"""Whole lifecycles through the pure core, applying each Transition as the I/O layer would.

``World`` is the reconciler in miniature: it stores the job, its pods and its PodGroup, applies
``Transition``s, and re-syncs when the phase moved (Volcano re-queues the job on phase change).
"""

from __future__ import annotations

import copy
from typing import Any

from services.controller.materialize import podgroup, scaling
from services.controller.state import bus, events, machine, phases, policy
from tests.unit.controller.controller_support import NOW, JobBuilder, failed_with

Obj = dict[str, Any]


class World:
    def __init__(self, job: Obj) -> None:
        self.job = job
        self.pods: dict[str, Obj] = {}
        self.pg: Obj | None = None
        self.versions_seen: list[int] = []

    def act(self, action: bus.Action, target: machine.Target | None = None) -> machine.Transition:
        before = self.job.get("status", {}).get("state", {}).get("phase", "")
        result = machine.apply_action(self.job, action, self.pods.values(), self.pg, now=NOW, target=target)
        self._carry_out(result)
        if result.changed and result.phase != phases.parse(before):
            self.act(bus.Action.SYNC_JOB)  # the job's phase changed: Volcano syncs it again
        return result

    def _carry_out(self, result: machine.Transition) -> None:
        if result.changed:
            self.job["status"] = result.status
        for name in result.kill_pods:
            del self.pods[name]  # deleted at once: the store has no graceful deletion here
        if result.delete_podgroup:
            self.pg = None
        if result.ensure_podgroup:
            if self.pg is None:
                self.pg = podgroup.build_podgroup(self.job)
            else:
                self.pg = podgroup.updated_podgroup(self.pg, self.job) or self.pg
        for p in result.create_pods:
            self.pods[p["metadata"]["name"]] = p
            self.versions_seen.append(int(p["metadata"]["annotations"]["volcano.sh/job-version"]))

    def scheduler_admits(self) -> None:
        assert self.pg is not None
        self.pg["status"]["phase"] = "Inqueue"
        self.act(bus.Action.SYNC_JOB)

    def pod_moves(self, name: str, new: Obj) -> None:
        old = self.pods[name]
        self.pods[name] = new
        task = scaling.task_of(new)
        got = events.pod_event(old, new, self.job, [p for p in self.pods.values() if scaling.task_of(p) == task])
        decision = policy.policy_action(self.job, got.task, got.event, got.exit_code, request_version=got.job_version)
        target = machine.Target(got.task, pod=got.pod)
        self.act(decision.action, target)

    def set_phase(self, name: str, phase: str) -> None:
        moved = copy.deepcopy(self.pods[name])
        moved["status"] = {"phase": phase}
        self.pod_moves(name, moved)

    @property
    def phase(self) -> str:
        return str(self.job["status"]["state"]["phase"])


def _job(**spec: Any) -> Obj:
    return JobBuilder("j").task("w", 2, min_available=2, cpu="1").min_available(2).spec(**spec).obj()


def test_submit_schedule_run_complete() -> None:
    world = World(_job())

    world.act(bus.Action.SYNC_JOB)
    assert world.phase == "Pending" and world.pg is not None and world.pods == {}

    world.scheduler_admits()
    assert sorted(world.pods) == ["j-w-0", "j-w-1"]

    world.set_phase("j-w-0", "Running")
    assert world.phase == "Pending"
    world.set_phase("j-w-1", "Running")
    assert world.phase == "Running"

    world.set_phase("j-w-0", "Succeeded")
    world.set_phase("j-w-1", "Succeeded")
    assert world.phase == "Completed"
    assert world.job["status"]["succeeded"] == 2
    assert [c["status"] for c in world.job["status"]["conditions"]] == ["Pending", "Running", "Completed"]


def test_pod_failure_restarts_the_job_with_a_new_version_until_retries_run_out() -> None:
    world = World(_job(maxRetry=2, policies=[{"event": "PodFailed", "action": "RestartJob"}]))
    world.act(bus.Action.SYNC_JOB)
    world.scheduler_admits()
    for name in list(world.pods):
        world.set_phase(name, "Running")
    assert world.phase == "Running"

    world.pod_moves("j-w-0", failed_with(world.job, "w", 0, 1))

    # Killed, PodGroup deleted and re-created Pending, so the pods wait for the scheduler.
    assert world.phase == "Restarting" and world.job["status"]["retryCount"] == 1
    assert world.job["status"]["version"] == 1 and world.pods == {}
    world.scheduler_admits()
    assert world.phase == "Pending" and sorted(world.pods) == ["j-w-0", "j-w-1"]
    assert world.versions_seen == [0, 0, 1, 1]

    for name in list(world.pods):
        world.set_phase(name, "Running")
    world.pod_moves("j-w-1", failed_with(world.job, "w", 1, 1))
    assert world.phase == "Failed"  # retryCount 2 reached maxRetry 2
    assert world.job["status"]["retryCount"] == 2


def test_exit_code_policy_completes_the_job() -> None:
    world = World(_job(policies=[{"exitCode": 42, "action": "CompleteJob"}]))
    world.act(bus.Action.SYNC_JOB)
    world.scheduler_admits()
    for name in list(world.pods):
        world.set_phase(name, "Running")

    world.pod_moves("j-w-0", failed_with(world.job, "w", 0, 42))

    # Completing kills j-w-1; with it gone at once, the re-sync finds nothing alive.
    assert world.phase == "Completed"
    assert [c["status"] for c in world.job["status"]["conditions"]][-2:] == ["Completing", "Completed"]
    assert sorted(world.pods) == ["j-w-0"]  # the failed pod is kept for its logs
