"""The reservation action: a big gang starving behind a stream of small jobs gets placed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from services.scheduler import conf as conf_mod
from services.scheduler import framework
from services.scheduler.framework import snapshot
from tests.unit.scheduler.scheduler_builders import Scenario, node, placements, pod, podgroup

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
ROUND = 60.0

WITH = conf_mod.parse_conf(
    """
actions: "enqueue, allocate, reservation, backfill"
tiers:
- plugins: [{name: priority}, {name: gang}, {name: conformance}]
- plugins: [{name: overcommit}, {name: drf}, {name: predicates}, {name: proportion}, {name: nodeorder}]
configurations:
- name: reservation
  arguments: {reservation.waitSeconds: 300}
"""
)
WITHOUT = conf_mod.parse_conf(
    """
actions: "enqueue, allocate, backfill"
tiers:
- plugins: [{name: priority}, {name: gang}, {name: conformance}]
- plugins: [{name: overcommit}, {name: drf}, {name: predicates}, {name: proportion}, {name: nodeorder}]
"""
)


def _stamp(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


@dataclass
class Cluster:
    """A tiny simulator: applies binds and reservations, finishes pods, adds a stream of jobs."""

    policy: conf_mod.SchedulerConf
    scenario: Scenario = field(init=False)
    ends: dict[str, int] = field(default_factory=dict)  # small pod name -> round it finishes
    serial: int = 0

    def __post_init__(self) -> None:
        self.scenario = Scenario(self.policy).nodes(*(node(f"n{i}").cpu("4").memory("16Gi") for i in range(4)))
        big = podgroup("big").min_member(4).created(_stamp(T0))
        self.scenario.groups(big)
        self.scenario.pods(*(pod(f"big-{i}").group("big").requests(cpu="4") for i in range(4)))
        # Full cluster, finishing staggered: on every node one pod ends each round.
        for n in range(4):
            for k in range(4):
                self._small(T0, node=f"n{n}", end=k + 1)

    def _small(self, created: float, node: str = "", end: int = 0) -> None:
        name = f"s{self.serial:04d}"
        self.serial += 1
        self.scenario.groups(podgroup(name).created(_stamp(created)))
        p = pod(f"{name}-0").group(name).requests(cpu="1")
        self.scenario.pods(p.on(node) if node else p)
        if node:
            self.ends[f"{name}-0"] = end

    def step(self, round_: int) -> framework.SessionResult:
        s = self.scenario
        done = {name for name, end in self.ends.items() if end <= round_}
        s._pods = [p for p in s._pods if p["metadata"]["name"] not in done]
        result = s.run(now=T0 + round_ * ROUND)
        bound = placements(result)
        for p in s._pods:
            where = bound.get(f"default/{p['metadata']['name']}")
            if where:
                p["spec"]["nodeName"] = where
                p["status"]["phase"] = "Running"
                if not p["metadata"]["name"].startswith("big"):
                    self.ends[p["metadata"]["name"]] = round_ + 4
        held = {r.podgroup_name: ",".join(r.nodes) for r in result.reservations}
        for g in s._groups:
            annotations = g["metadata"].setdefault("annotations", {})
            annotations.pop(snapshot.RESERVED_NODES, None)
            if g["metadata"]["name"] in held:
                annotations[snapshot.RESERVED_NODES] = held[g["metadata"]["name"]]
        for _ in range(5):  # more arrives than finishes: the queue of small jobs never drains
            self._small(T0 + round_ * ROUND)
        return result

    def big_running(self) -> bool:
        return all(p["spec"].get("nodeName") for p in self.scenario._pods if p["metadata"]["name"].startswith("big"))


@pytest.mark.parametrize("policy, placed", [(WITHOUT, False), (WITH, True)], ids=["without", "with"])
def test_big_gang_placed_only_with_reservation(policy: conf_mod.SchedulerConf, placed: bool) -> None:
    cluster = Cluster(policy)
    first_held = None
    for round_ in range(1, 25):
        result = cluster.step(round_)
        if result.reservations and first_held is None:
            first_held = round_
            assert [(r.podgroup_name, r.nodes) for r in result.reservations] == [("big", ("n0", "n1", "n2", "n3"))]
        if cluster.big_running():
            break
    assert cluster.big_running() is placed
    if placed:
        # Held once it waited 300 s (round 5), placed once the held nodes drained (4 rounds later).
        assert first_held == 5
        assert round_ <= first_held + 5
        assert "big" not in {r.podgroup_name for r in result.reservations}  # the hold ends with the bind


def _held_scenario(policy: conf_mod.SchedulerConf) -> Scenario:
    s = Scenario(policy).nodes(node("n1").cpu("4").memory("8Gi"), node("n2").cpu("4").memory("8Gi"))
    s.groups(podgroup("big").min_member(2).annotate(snapshot.RESERVED_NODES, "n1"))
    s.pods(*(pod(f"big-{i}").group("big").requests(cpu="2") for i in range(2)))
    s.groups(podgroup("other").min_member(1).phase("Running"))
    s.pods(pod("other-0").group("other").requests(cpu="3").on("n1"), pod("other-1").group("other").requests(cpu="3").on("n2"))
    s.groups(podgroup("small").created("2026-01-01T00:00:01Z"))
    s.pods(pod("small-0").group("small").requests(cpu="1"))
    return s


def test_restored_hold_keeps_small_jobs_off_the_held_node() -> None:
    result = _held_scenario(WITH).run(now=T0 + 10)
    # n1 is held for big (both its 2-cpu tasks are planned there): small goes to n2.
    assert placements(result) == {"default/small-0": "n2"}
    assert [(r.podgroup_name, r.nodes, r.resource_version) for r in result.reservations] == [("big", ("n1",), 7)]


def test_without_the_action_annotations_are_ignored() -> None:
    result = _held_scenario(WITHOUT).run(now=T0 + 10)
    assert result.reservations == []
    assert set(placements(result).values()) <= {"n1", "n2"}
    assert len(placements(result)) == 1


def test_small_job_may_use_held_node_room_the_gang_does_not_need() -> None:
    s = Scenario(WITH).nodes(node("n1").cpu("8").memory("8Gi"))
    s.groups(podgroup("big").min_member(2).annotate(snapshot.RESERVED_NODES, "n1"))
    s.pods(*(pod(f"big-{i}").group("big").requests(cpu="3") for i in range(2)))
    s.groups(podgroup("other").min_member(1).phase("Running"))
    s.pods(pod("other-0").group("other").requests(cpu="1").on("n1"))
    s.groups(podgroup("small").created("2026-01-01T00:00:01Z"))
    s.pods(pod("small-0").group("small").requests(cpu="1"))
    result = s.run(now=T0 + 10)
    # 8 - 1 running = 7 idle; the gang needs 6: placed now, and 1 cpu is left for small.
    assert placements(result) == {"default/big-0": "n1", "default/big-1": "n1", "default/small-0": "n1"}
    assert result.reservations == []


def test_reservation_deterministic() -> None:
    cluster_a, cluster_b = Cluster(WITH), Cluster(WITH)
    for round_ in range(1, 8):
        assert cluster_a.step(round_) == cluster_b.step(round_)




def _two_busy_nodes() -> Scenario:
    s = Scenario(WITH).nodes(node("n1").cpu("4").memory("8Gi"), node("n2").cpu("4").memory("8Gi"))
    s.groups(podgroup("busy").min_member(1).phase("Running"))
    s.pods(pod("busy-0").group("busy").requests(cpu="3").on("n1"), pod("busy-1").group("busy").requests(cpu="2").on("n2"))
    return s


def test_hold_on_a_vanished_node_is_planned_again() -> None:
    s = _two_busy_nodes()
    s.groups(podgroup("big").min_member(2).annotate(snapshot.RESERVED_NODES, "gone,n1"))
    s.pods(*(pod(f"big-{i}").group("big").requests(cpu="4") for i in range(2)))
    # n1 alone cannot hold the gang; it waited past 300 s, so a new plan takes both nodes, the
    # emptiest (n2) first.
    [held] = s.run(now=T0 + 400).reservations
    assert held.nodes == ("n2", "n1")


def test_young_gang_gets_no_hold_and_a_broken_one_is_dropped() -> None:
    s = _two_busy_nodes()
    s.groups(podgroup("big").min_member(2).annotate(snapshot.RESERVED_NODES, "gone"))
    s.pods(*(pod(f"big-{i}").group("big").requests(cpu="4") for i in range(2)))
    assert s.run(now=T0 + 10).reservations == []


@pytest.mark.parametrize("max_gangs, held", [(1, ["a"]), (2, ["a", "b"])])
def test_at_most_max_gangs_hold_nodes_oldest_first(max_gangs: int, held: list[str]) -> None:
    policy = conf_mod.parse_conf(
        f"""
actions: "enqueue, allocate, reservation"
tiers:
- plugins: [{{name: gang}}, {{name: predicates}}]
configurations:
- name: reservation
  arguments: {{reservation.waitSeconds: 60, reservation.maxGangs: {max_gangs}}}
"""
    )
    s = Scenario(policy).nodes(*(node(f"n{i}").cpu("4").memory("8Gi") for i in range(4)))
    s.groups(podgroup("busy").min_member(1).phase("Running"))
    s.pods(*(pod(f"busy-{i}").group("busy").requests(cpu="1").on(f"n{i}") for i in range(4)))
    for name, created in (("b", "2026-01-01T00:00:05Z"), ("a", "2026-01-01T00:00:00Z")):
        s.groups(podgroup(name).min_member(2).created(created))
        s.pods(*(pod(f"{name}-{i}").group(name).requests(cpu="4") for i in range(2)))
    result = s.run(now=T0 + 120)
    assert [r.podgroup_name for r in result.reservations] == held
    nodes = [n for r in result.reservations for n in r.nodes]
    assert len(nodes) == len(set(nodes)) == 2 * len(held)  # no node is held twice
