"""preempt and reclaim scenarios (Volcano's preempt_test.go / reclaim_test.go shape)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from basalt.api import labels
from tests.unit.scheduler.scheduler_builders import (
    QueueBuilder,
    Scenario,
    evicted,
    node,
    placements,
    pod,
    podgroup,
    policy,
    queue,
)

PREEMPT = policy("enqueue, allocate, preempt")
RECLAIM = policy("enqueue, allocate, reclaim")


@dataclass
class PreemptCase:
    name: str
    evicted: list[str]
    low_queue: str = "default"
    high_phase: str = "Inqueue"
    low_min_member: int = 1
    high_class: str = "high"
    low_pod: dict[str, str] = field(default_factory=dict)  # extra annotations on the low pods
    high_policy: str = ""


PREEMPT_CASES = [
    PreemptCase("higher priority evicts one elastic task of the same queue", ["default/low-1"]),
    PreemptCase("no preemption across queues", [], low_queue="other"),
    PreemptCase("no preemption for a Pending PodGroup", [], high_phase="Pending"),
    PreemptCase("preemptable=false honoured", [], low_pod={labels.PREEMPTABLE: "false"}),
    PreemptCase("unparsable preemptable counts as false", [], low_pod={labels.PREEMPTABLE: "maybe"}),
    PreemptCase("victim job never broken below minMember", [], low_min_member=2),
    PreemptCase("equal priority does not preempt", [], high_class="low"),
    PreemptCase("preemptionPolicy Never does not preempt", [], high_policy="Never"),
]


def _preempt_scenario(case: PreemptCase) -> Scenario:
    s = Scenario(PREEMPT).nodes(node("n1").cpu("2").memory("8Gi"))
    s.queues(queue("default"), queue("other"))
    s.priority_class("low", 1).priority_class("high", 100)
    s.groups(podgroup("low").min_member(case.low_min_member).queue(case.low_queue).priority_class("low").phase("Running"))
    for i in range(2):
        p = pod(f"low-{i}").group("low").requests(cpu="1").priority_class("low").on("n1")
        for key, value in case.low_pod.items():
            p.annotate(key, value)
        s.pods(p)
    high_group = podgroup("high").priority_class(case.high_class).phase(case.high_phase)
    if case.high_phase == "Pending":
        high_group.min_resources(cpu=64)  # enqueue keeps it Pending: the cluster cannot hold it
    s.groups(high_group)
    high = pod("high-0").group("high").requests(cpu="1").priority_class(case.high_class)
    if case.high_policy:
        high.preemption_policy(case.high_policy)
    return s.pods(high)


@pytest.mark.parametrize("case", PREEMPT_CASES, ids=lambda c: c.name)
def test_preempt(case: PreemptCase) -> None:
    result = _preempt_scenario(case).run()
    assert evicted(result) == case.evicted
    # The preemptor is pipelined, never bound in the session that evicts for it.
    assert result.binds == []
    if case.evicted:
        assert [e.reason for e in result.evictions] == ["preempt"]
        assert result.evictions[0].resource_version == 11


def test_preemptor_binds_once_victims_are_gone() -> None:
    s = _preempt_scenario(PREEMPT_CASES[0])
    s._pods = [p for p in s._pods if p["metadata"]["name"] != "low-1"]
    result = s.run()
    assert placements(result) == {"default/high-0": "n1"}
    assert result.evictions == []


def test_preempt_lowest_priority_victim_first() -> None:
    s = Scenario(PREEMPT).nodes(node("n1").cpu("2").memory("8Gi"))
    s.priority_class("p1", 1).priority_class("p5", 5).priority_class("p9", 9)
    for name, cls in (("mid", "p5"), ("low", "p1")):
        s.groups(podgroup(name).min_member(1).priority_class(cls).phase("Running"))
        s.pods(*(pod(f"{name}-{i}").group(name).requests(cpu="500m").priority_class(cls).on("n1") for i in range(2)))
    s.groups(podgroup("top").priority_class("p9"))
    s.pods(pod("top-0").group("top").requests(cpu="500m").priority_class("p9"))
    assert evicted(s.run()) == ["default/low-1"]


def test_preempt_gang_needs_whole_gang_or_evicts_nothing() -> None:
    # The high gang needs 2 cpu; only one low task is evictable (minMember 3 of 4): no partial eviction.
    s = Scenario(PREEMPT).nodes(node("n1").cpu("4").memory("8Gi"))
    s.priority_class("low", 1).priority_class("high", 100)
    s.groups(podgroup("low").min_member(3).priority_class("low").phase("Running"))
    s.pods(*(pod(f"low-{i}").group("low").requests(cpu="1").priority_class("low").on("n1") for i in range(4)))
    s.groups(podgroup("high").min_member(2).priority_class("high"))
    s.pods(*(pod(f"high-{i}").group("high").requests(cpu="1").priority_class("high") for i in range(2)))
    assert evicted(s.run()) == []


def test_preempt_within_job_by_task_priority() -> None:
    s = Scenario(PREEMPT).nodes(node("n1").cpu("1").memory("8Gi"))
    s.priority_class("low", 1).priority_class("high", 100)
    s.groups(podgroup("job").min_member(1).phase("Running"))
    s.pods(
        pod("job-0").group("job").requests(cpu="1").priority_class("low").on("n1"),
        pod("job-1").group("job").requests(cpu="1").priority_class("high"),
    )
    # job is ready (minMember 1), so not starving: no preemption at all, as in Volcano.
    assert evicted(s.run()) == []


@dataclass
class ReclaimCase:
    name: str
    evicted: list[str]
    hog_queue: QueueBuilder = field(default_factory=lambda: queue("q2"))
    want_min_member: int = 2


RECLAIM_CASES = [
    ReclaimCase("starving queue reclaims its deserved share", ["default/hog-2", "default/hog-3"]),
    ReclaimCase("reclaimable: false is never reclaimed", [], queue("q2").reclaimable(False)),
    ReclaimCase("full guarantee protects the overused queue", [], queue("q2").guarantee(cpu=4)),
    ReclaimCase("guarantee bounds what is taken", ["default/hog-3"], queue("q2").guarantee(cpu=3), 1),
    ReclaimCase("gang not pipelined within guarantee: nothing evicted", [], queue("q2").guarantee(cpu=3), 2),
]


@pytest.mark.parametrize("case", RECLAIM_CASES, ids=lambda c: c.name)
def test_reclaim(case: ReclaimCase) -> None:
    s = Scenario(RECLAIM).nodes(node("n1").cpu("4").memory("8Gi"))
    s.queues(queue("q1"), case.hog_queue)
    s.groups(podgroup("hog").min_member(1).queue("q2").phase("Running"))
    s.pods(*(pod(f"hog-{i}").group("hog").requests(cpu="1").on("n1") for i in range(4)))
    s.groups(podgroup("want").min_member(case.want_min_member).queue("q1"))
    s.pods(*(pod(f"want-{i}").group("want").requests(cpu="1") for i in range(2)))
    result = s.run()
    assert evicted(result) == case.evicted
    assert all(e.reason == "reclaim" for e in result.evictions)
    assert result.binds == []


def test_reclaim_never_within_the_same_queue() -> None:
    s = Scenario(RECLAIM).nodes(node("n1").cpu("2").memory("8Gi"))
    s.groups(podgroup("hog").min_member(1).phase("Running"))
    s.pods(*(pod(f"hog-{i}").group("hog").requests(cpu="1").on("n1") for i in range(2)))
    s.gang("want", 1, cpu="1")
    assert evicted(s.run()) == []


def test_overused_queue_does_not_reclaim() -> None:
    # q1 already holds more than its deserved share: it may not take from q2.
    s = Scenario(RECLAIM).nodes(node("n1").cpu("4").memory("8Gi"))
    s.queues(queue("q1"), queue("q2"))
    s.groups(podgroup("big").min_member(1).queue("q1").phase("Running"))
    s.pods(*(pod(f"big-{i}").group("big").requests(cpu="1").on("n1") for i in range(3)))
    s.groups(podgroup("more").min_member(1).queue("q1"))
    s.pods(pod("more-0").group("more").requests(cpu="1"))
    s.groups(podgroup("small").min_member(1).queue("q2").phase("Running"))
    s.pods(pod("small-0").group("small").requests(cpu="1").on("n1"), pod("small-1").group("small").requests(cpu="1"))
    assert evicted(s.run()) == []


