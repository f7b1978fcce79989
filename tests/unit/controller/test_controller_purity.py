"""The core is pure: inputs are never mutated and equal inputs give equal outputs."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.controller.state import bus, machine, phases
from tests.unit.controller.controller_support import NOW, JobBuilder, pod_of, podgroup

POD_PHASES = ["Pending", "Running", "Succeeded", "Failed", "Unknown"]


@pytest.mark.parametrize("action", list(bus.Action))
@pytest.mark.parametrize("phase", list(phases.JobPhase))
def test_apply_action_leaves_its_inputs_alone(phase: phases.JobPhase, action: bus.Action) -> None:
    job = JobBuilder("j").task("w", 3, min_available=2).min_available(2).spec(plugins={"env": []}).status(phase).obj()
    pods = [pod_of(job, "w", i, p) for i, p in enumerate(["Running", "Succeeded", "Failed"])]
    group = podgroup("Running")
    before = copy.deepcopy((job, pods, group))

    first = machine.apply_action(job, action, pods, group, now=NOW, target=machine.Target("w", pod="j-w-0"))
    second = machine.apply_action(job, action, pods, group, now=NOW, target=machine.Target("w", pod="j-w-0"))

    assert (job, pods, group) == before
    assert first == second


@settings(max_examples=150, deadline=None)
@given(
    replicas=st.integers(min_value=0, max_value=5),
    pod_phases=st.lists(st.sampled_from(POD_PHASES), max_size=7),
    phase=st.sampled_from([phases.JobPhase.PENDING, phases.JobPhase.RUNNING, phases.JobPhase.RESTARTING]),
)
def test_sync_accounts_for_every_pod_once(replicas: int, pod_phases: list[str], phase: phases.JobPhase) -> None:
    job = JobBuilder("j").task("w", replicas).min_available(min(replicas, 1)).status(phase).obj()
    pods = [pod_of(job, "w", i, p) for i, p in enumerate(pod_phases)]

    result = machine.apply_action(job, bus.Action.SYNC_JOB, pods, podgroup("Running"), now=NOW)

    counted = sum(result.status[k] for k in ("pending", "running", "succeeded", "failed", "terminating", "unknown"))
    assert counted == len(pods) + len(result.create_pods)
    assert len(pods) + len(result.create_pods) - len(result.kill_pods) == replicas  # spec reached
