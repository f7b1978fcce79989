"""Gang scheduling: all or nothing at minMember, no half-placed gangs, status and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.unit.scheduler.scheduler_builders import Scenario, node, placements, phases, pod, podgroup


@dataclass
class Case:
    name: str
    nodes: list[tuple[str, str]]  # (name, cpu)
    gangs: list[tuple[str, int, int, str]]  # (name, replicas, minMember, cpu per pod)
    bound: dict[str, int]  # group -> number of pods bound this session
    pending: list[str] = field(default_factory=list)


CASES = [
    Case("fits", [("n1", "4")], [("a", 4, 4, "1")], {"a": 4}),
    Case("one short: nothing placed", [("n1", "3")], [("a", 4, 4, "1")], {}, ["default/a"]),
    Case("spread over nodes", [("n1", "2"), ("n2", "2")], [("a", 4, 4, "1")], {"a": 4}),
    Case("no fragments across nodes", [("n1", "1500m"), ("n2", "1500m")], [("a", 3, 3, "1")], {}, ["default/a"]),
    Case("elastic beyond minMember", [("n1", "3")], [("a", 4, 2, "1")], {"a": 3}, ["default/a"]),
    Case(
        "deadlock avoided: one gang whole, the other not half",
        [("n1", "4")],
        [("a", 3, 3, "1"), ("b", 3, 3, "1")],
        {"a": 3},
        ["default/b"],
    ),
    Case("two fit together", [("n1", "4")], [("a", 2, 2, "1"), ("b", 2, 2, "1")], {"a": 2, "b": 2}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_gang_all_or_nothing(case: Case) -> None:
    s = Scenario().nodes(*(node(n).cpu(cpu).memory("8Gi") for n, cpu in case.nodes))
    for name, replicas, min_member, cpu in case.gangs:
        s.gang(name, replicas, min_member, cpu=cpu)
    result = s.run()
    bound = {b.podgroup_name: len(b.pods) for b in result.binds}
    assert bound == case.bound
    assert sorted(result.reasons) == case.pending


def test_running_pods_count_towards_min_member() -> None:
    s = Scenario().nodes(node("n1").cpu("2").memory("8Gi"))
    s.groups(podgroup("a").min_member(3).phase("Running"))
    s.pods(
        pod("a-0").group("a").requests(cpu="1").on("n1"),
        pod("a-1").group("a").requests(cpu="1").on("n1"),
        pod("a-2").group("a").requests(cpu="1"),
    )
    assert placements(s.run()) == {}  # n1 is full: the third pod cannot go anywhere
    s.nodes(node("n2").cpu("2").memory("8Gi"))
    result = s.run()
    assert placements(result) == {"default/a-2": "n2"}
    assert [len(b.pods) for b in result.binds] == [1]


def test_unschedulable_condition_uses_volcano_wording() -> None:
    s = Scenario().nodes(node("n1").cpu("8").memory("8Gi").gpu(1), node("n2").cpu("8").memory("8Gi").gpu(1))
    s.gang("train", 4, cpu="1", gpu=1)
    result = s.run()
    assert result.binds == []
    update = result.podgroup_updates[0]
    assert update.phase == "Inqueue"
    [cond] = update.conditions
    assert cond["type"] == "Unschedulable" and cond["status"] == "True"
    assert cond["reason"] == "NotEnoughResources"
    assert cond["lastTransitionTime"] == "2026-01-01T00:00:00Z"
    assert cond["message"] == (
        "2/4 tasks in gang unschedulable: pod group is not ready, 4 Pending, 4 minAvailable; "
        "Pending: 2 Schedulable, 2 Unschedulable. Origin reason is train-2: "
        "0/2 nodes are unavailable: 2 Insufficient nvidia.com/gpu."
    )
    reason = result.reasons["default/train"]
    assert reason.stage == "placement"
    assert reason.failing_nodes == {"Insufficient nvidia.com/gpu": 2}
    assert (reason.nodes_checked, reason.min_member, reason.ready, reason.tasks) == (2, 4, 0, 4)


def test_ready_gang_gets_scheduled_condition_and_running_phase() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    s.gang("a", 2, cpu="1")
    result = s.run()
    assert phases(result) == {"default/a": "Running"}
    [cond] = result.podgroup_updates[0].conditions
    assert (cond["type"], cond["reason"]) == ("Scheduled", "tasks in gang are ready to be scheduled")
    assert result.podgroup_updates[0].resource_version == 7


def test_unchanged_status_is_not_rewritten() -> None:
    s = Scenario().nodes(node("n1").cpu("1").memory("8Gi"))
    cond = {
        "type": "Unschedulable",
        "status": "True",
        "reason": "NotEnoughResources",
        "message": "1/1 tasks in gang unschedulable: pod group is not ready, 1 Pending, 1 minAvailable; "
        "Pending: 1 Unschedulable. Origin reason is a-0: 0/1 nodes are unavailable: 1 Insufficient cpu.",
        "lastTransitionTime": "2025-01-01T00:00:00Z",
    }
    group = podgroup("a")
    group._obj["status"]["conditions"] = [cond]
    s.gang("a", 1, group=group, cpu="2")
    assert s.run().podgroup_updates == []


def test_not_enough_pods_is_a_gang_reason() -> None:
    s = Scenario().nodes(node("n1").cpu("8").memory("8Gi"))
    s.groups(podgroup("a").min_member(3))
    s.pods(pod("a-0").group("a").requests(cpu="1"))
    result = s.run()
    assert result.binds == []
    reason = result.reasons["default/a"]
    assert reason.stage == "gang"
    assert reason.message == "Not enough valid tasks for gang-scheduling, valid: 1, min: 3"


def test_inqueue_group_without_pods_waits_quietly() -> None:
    s = Scenario().nodes(node("n1").cpu("8").memory("8Gi")).groups(podgroup("a").min_member(2))
    result = s.run()
    assert result.binds == [] and result.podgroup_updates == []
    assert result.reasons["default/a"].stage == "gang"


def test_higher_priority_gang_wins_the_contended_node() -> None:
    s = Scenario().nodes(node("n1").cpu("2").memory("8Gi")).priority_class("high", 1000)
    s.gang("low", 2, cpu="1", group=podgroup("low").created("2025-01-01T00:00:00Z"))
    s.gang("high", 2, cpu="1", group=podgroup("high").priority_class("high"))
    assert {b.podgroup_name for b in s.run().binds} == {"high"}


def test_older_gang_first_at_equal_priority() -> None:
    s = Scenario().nodes(node("n1").cpu("2").memory("8Gi"))
    s.gang("young", 2, cpu="1", group=podgroup("young").created("2026-02-01T00:00:00Z"))
    s.gang("old", 2, cpu="1", group=podgroup("old").created("2026-01-01T00:00:00Z"))
    assert {b.podgroup_name for b in s.run().binds} == {"old"}


def test_releasing_capacity_pipelines_without_binding() -> None:
    # n1's only cpu is held by a terminating pod: the gang fits once it is gone, so it is
    # pipelined (reserved in the session) but nothing is bound yet.
    s = Scenario().nodes(node("n1").cpu("2").memory("8Gi"))
    s.pods(pod("old").requests(cpu="2").on("n1").deleting())
    s.gang("a", 2, cpu="1")
    result = s.run()
    assert result.binds == []
    assert result.reasons["default/a"].stage == "placement"


@pytest.mark.parametrize(("min_member", "bound"), [(2, 2), (3, 0)])
def test_best_effort_pods_are_backfilled_all_or_nothing(min_member: int, bound: int) -> None:
    # n1 has no cpu left but room for two more pods; pods without requests still need a slot.
    s = Scenario().nodes(node("n1").cpu("1").memory("1Gi").pods(3))
    s.pods(pod("busy").requests(cpu="1").on("n1"))
    s.gang("be", 3, min_member)
    result = s.run()
    assert len(placements(result)) == bound
    assert set(placements(result).values()) <= {"n1"}
    assert [b.podgroup_name for b in result.binds] == (["be"] if bound else [])
