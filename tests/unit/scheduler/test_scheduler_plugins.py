"""sla, capacity, host ports, pod (anti-)affinity and PriorityClass scenarios."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from services.scheduler import conf as conf_mod
from services.scheduler.framework import durations, snapshot
from tests.unit.scheduler.scheduler_builders import (
    PodBuilder,
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

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


# -- sla -------------------------------------------------------------------------------------------

SLA = conf_mod.parse_conf(
    """
actions: "enqueue, allocate, backfill"
tiers:
- plugins: [{name: priority}, {name: gang}, {name: conformance}, {name: sla, arguments: {sla-waiting-time: 10m}}]
- plugins: [{name: overcommit}, {name: drf}, {name: predicates}, {name: proportion}, {name: nodeorder}]
"""
)


@dataclass
class SlaCase:
    name: str
    now: float
    placed: str  # which of the two one-slot jobs gets the only node
    late_annotation: str = ""


SLA_CASES = [
    # "early" is older: without an SLA deadline passed it would go first anyway.
    SlaCase("earlier deadline first", T0 + 60, "default/early-0"),
    # late's own annotation shortens its deadline below early's.
    SlaCase("annotation overrides the argument", T0 + 60, "default/late-0", late_annotation="1m"),
]


@pytest.mark.parametrize("case", SLA_CASES, ids=lambda c: c.name)
def test_sla_order(case: SlaCase) -> None:
    s = Scenario(SLA).nodes(node("n1").cpu("1").memory("8Gi"))
    s.groups(podgroup("early").created("2026-01-01T00:00:00Z"))
    late = podgroup("late").created("2026-01-01T00:00:30Z")
    if case.late_annotation:
        late.annotate(snapshot.SLA_WAITING_TIME, case.late_annotation)
    s.groups(late)
    s.pods(pod("early-0").group("early").requests(cpu="1"), pod("late-0").group("late").requests(cpu="1"))
    assert list(placements(s.run(now=case.now))) == [case.placed]


def test_sla_job_with_deadline_before_one_without() -> None:
    s = Scenario(SLA).nodes(node("n1").cpu("1").memory("8Gi"))
    s.groups(podgroup("old").created("2025-01-01T00:00:00Z"), podgroup("new").created("2026-01-01T00:00:00Z"))
    s.pods(pod("old-0").group("old").requests(cpu="1"), pod("new-0").group("new").requests(cpu="1"))
    # Both have the argument's deadline; the older one's is earlier.
    assert list(placements(s.run(now=T0))) == ["default/old-0"]


def test_sla_permits_enqueue_once_waited() -> None:
    # overcommit would refuse (minResources above the cluster); sla permits in the first tier.
    s = Scenario(SLA).nodes(node("n1").cpu("1").memory("8Gi"))
    s.groups(podgroup("big").min_resources(cpu=8).phase("Pending"))
    assert [u.phase for u in s.run(now=T0 + 60).podgroup_updates] != ["Inqueue"]
    assert [u.phase for u in s.run(now=T0 + 601).podgroup_updates] == ["Inqueue"]


@pytest.mark.parametrize(
    "text, seconds", [("1h2m3s", 3723.0), ("1.5s", 1.5), ("300ms", 0.3), ("-1m", -60.0), ("0", 0.0), ("1x", None), ("", None)]
)
def test_go_durations(text: str, seconds: float | None) -> None:
    assert durations.parse_go_duration(text) == seconds


# -- capacity --------------------------------------------------------------------------------------

# Volcano asks the first tier whose victims are not empty: gang and conformance (tier 1) would
# decide reclaim alone, so their reclaimable votes are switched off to let capacity choose.
CAPACITY = conf_mod.parse_conf(
    """
actions: "enqueue, allocate, reclaim"
tiers:
- plugins:
  - {name: priority}
  - {name: gang, enableReclaimable: false}
  - {name: conformance, enableReclaimable: false}
- plugins: [{name: drf}, {name: predicates}, {name: capacity}, {name: nodeorder}]
"""
)


def _capacity_scenario(hog: QueueBuilder, wanted: int, min_member: int) -> Scenario:
    s = Scenario(CAPACITY).nodes(node("n1").cpu("4").memory("8Gi"))
    s.queues(queue("q1").deserved(cpu=2), hog)
    s.groups(podgroup("hog").min_member(1).queue("q2").phase("Running"))
    s.pods(*(pod(f"hog-{i}").group("hog").requests(cpu="1").on("n1") for i in range(4)))
    s.groups(podgroup("want").min_member(min_member).queue("q1"))
    return s.pods(*(pod(f"want-{i}").group("want").requests(cpu="1") for i in range(wanted)))


@pytest.mark.parametrize(
    "hog, min_member, expected",
    [
        (queue("q2"), 2, ["default/hog-2", "default/hog-3"]),
        (queue("q2").deserved(cpu=2), 2, ["default/hog-2", "default/hog-3"]),
        (queue("q2").deserved(cpu=2).guarantee(cpu=3), 1, ["default/hog-3"]),
        (queue("q2").deserved(cpu=2).guarantee(cpu=3), 2, []),
        (queue("q2").deserved(cpu=4), 1, []),
    ],
    ids=["no deserved: immediate victims", "above deserved", "guarantee kept", "gang within guarantee", "within deserved"],
)
def test_capacity_victims(hog: QueueBuilder, min_member: int, expected: list[str]) -> None:
    assert evicted(_capacity_scenario(hog, 2, min_member).run()) == expected


def test_capacity_never_reclaims_beyond_deserved() -> None:
    # want needs 3 cpus at once but q1 deserves 2: reclaim would overshoot, so nothing is taken.
    assert evicted(_capacity_scenario(queue("q2"), 3, 3).run()) == []


def test_capacity_capability_caps_allocation_and_enqueue() -> None:
    s = Scenario(policy("enqueue, allocate", "priority, gang", "predicates, capacity")).nodes(
        node("n1").cpu("8").memory("8Gi")
    )
    s.queues(queue("q1").capability(cpu=2))
    s.groups(podgroup("a").min_member(1).queue("q1"))
    s.pods(*(pod(f"a-{i}").group("a").requests(cpu="1") for i in range(3)))
    s.groups(podgroup("b").queue("q1").min_resources(cpu=3).phase("Pending"))
    result = s.run()
    assert sorted(placements(result)) == ["default/a-0", "default/a-1"]
    assert result.reasons["default/b"].stage == "enqueue"


@pytest.mark.parametrize("q1_deserved, first", [(4, "default/y-0"), (0, "default/z-0")])
def test_capacity_queue_order_prefers_lower_share(q1_deserved: int, first: str) -> None:
    s = Scenario(policy("allocate", "priority, gang", "predicates, capacity")).nodes(node("n1").cpu("2").memory("8Gi"))
    q1 = queue("q1").deserved(cpu=q1_deserved) if q1_deserved else queue("q1")
    s.queues(q1, queue("q2").deserved(cpu=8))
    s.groups(podgroup("x").queue("q2").phase("Running"), podgroup("y").queue("q1"), podgroup("z").queue("q2"))
    s.pods(pod("x-0").group("x").requests(cpu="1").on("n1"))
    s.pods(pod("y-0").group("y").requests(cpu="1"), pod("z-0").group("z").requests(cpu="1"))
    # q2's share is 1/8. q1's is 0/4 (ahead of q2), or 1 without deserved (best effort, behind):
    # only the first queue's job gets the last cpu.
    assert list(placements(s.run())) == [first]


# -- host ports ------------------------------------------------------------------------------------


@dataclass
class PortCase:
    name: str
    running: list[tuple[int, str]]  # (port, protocol) already bound on n1
    wanted: tuple[int, str]
    placed: bool


PORT_CASES = [
    PortCase("free port", [(80, "TCP")], (81, "TCP"), True),
    PortCase("same port conflicts", [(80, "TCP")], (80, "TCP"), False),
    PortCase("other protocol is free", [(80, "TCP")], (80, "UDP"), True),
]


@pytest.mark.parametrize("case", PORT_CASES, ids=lambda c: c.name)
def test_host_ports(case: PortCase) -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    running = pod("web").requests(cpu="1").on("n1")
    for port, protocol in case.running:
        running.host_port(port, protocol)
    s.pods(running)
    s.gang("job", 1, cpu="1")
    s._pods[-1]["spec"]["containers"][0]["ports"] = [
        {"containerPort": case.wanted[0], "hostPort": case.wanted[0], "protocol": case.wanted[1]}
    ]
    result = s.run()
    assert bool(placements(result)) is case.placed
    if not case.placed:
        assert result.reasons["default/job"].failing_nodes == {
            "node(s) didn't have free ports for the requested pod ports": 1
        }


def test_host_ports_of_one_gang_spread_over_nodes() -> None:
    s = Scenario().nodes(*(node(f"n{i}").cpu("4").memory("8Gi") for i in range(3)))
    s.groups(podgroup("web").min_member(3))
    s.pods(*(pod(f"web-{i}").group("web").requests(cpu="1").host_port(8080) for i in range(3)))
    assert sorted(placements(s.run()).values()) == ["n0", "n1", "n2"]


def test_host_ports_gang_does_not_fit_two_nodes() -> None:
    s = Scenario().nodes(*(node(f"n{i}").cpu("4").memory("8Gi") for i in range(2)))
    s.groups(podgroup("web").min_member(3))
    s.pods(*(pod(f"web-{i}").group("web").requests(cpu="1").host_port(8080) for i in range(3)))
    assert placements(s.run()) == {}


# -- pod affinity ----------------------------------------------------------------------------------

ZONE = "topology.kubernetes.io/zone"
HOST = "kubernetes.io/hostname"


def _zoned(*names: str) -> Scenario:
    s = Scenario()
    for i, name in enumerate(names):
        s.nodes(node(name).cpu("8").memory("8Gi").label(HOST, name).label(ZONE, f"z{i // 2}"))
    return s


def _replicas(name: str, count: int) -> list[PodBuilder]:
    return [pod(f"{name}-{i}").group(name).requests(cpu="1").label("app", name) for i in range(count)]


def test_anti_affinity_spreads_a_gang_over_hosts() -> None:
    s = _zoned("n0", "n1", "n2", "n3")
    s.groups(podgroup("db").min_member(4))
    s.pods(*(p.pod_affinity(HOST, anti=True, app="db") for p in _replicas("db", 4)))
    assert sorted(placements(s.run()).values()) == ["n0", "n1", "n2", "n3"]


def test_anti_affinity_gang_larger_than_domains_is_not_placed() -> None:
    s = _zoned("n0", "n1", "n2", "n3")
    s.groups(podgroup("db").min_member(3))
    s.pods(*(p.pod_affinity(ZONE, anti=True, app="db") for p in _replicas("db", 3)))
    result = s.run()
    assert placements(result) == {}
    assert "node(s) didn't match pod anti-affinity rules" in result.reasons["default/db"].message


def test_existing_pods_anti_affinity_is_symmetric() -> None:
    s = _zoned("n0", "n1")
    s.pods(pod("loner").requests(cpu="1").label("app", "loner").on("n0").pod_affinity(HOST, anti=True, app="web"))
    s.groups(podgroup("web").min_member(1))
    s.pods(pod("web-0").group("web").requests(cpu="1").label("app", "web"))
    assert placements(s.run()) == {"default/web-0": "n1"}


def test_affinity_follows_the_matching_pods_zone() -> None:
    s = _zoned("n0", "n1", "n2", "n3")
    s.pods(pod("cache").requests(cpu="1").label("app", "cache").on("n3"))
    s.groups(podgroup("web").min_member(2))
    s.pods(*(p.pod_affinity(ZONE, app="cache") for p in _replicas("web", 2)))
    placed = placements(s.run())
    assert len(placed) == 2 and set(placed.values()) <= {"n2", "n3"}


def test_affinity_to_itself_lets_the_first_pod_in() -> None:
    s = _zoned("n0", "n1", "n2", "n3")
    s.groups(podgroup("web").min_member(2))
    s.pods(*(p.pod_affinity(ZONE, app="web") for p in _replicas("web", 2)))
    placed = placements(s.run())
    zones = {"z0" if n in ("n0", "n1") else "z1" for n in placed.values()}
    assert len(placed) == 2 and len(zones) == 1  # the second replica joins the first one's zone


def test_affinity_without_any_match_fails() -> None:
    s = _zoned("n0", "n1")
    s.groups(podgroup("web").min_member(1))
    s.pods(pod("web-0").group("web").requests(cpu="1").label("app", "web").pod_affinity(ZONE, app="cache"))
    result = s.run()
    assert placements(result) == {}
    assert result.reasons["default/web"].failing_nodes == {"node(s) didn't match pod affinity rules": 2}


def test_pod_affinity_can_be_switched_off() -> None:
    off = conf_mod.parse_conf(
        """
actions: "enqueue, allocate, backfill"
tiers:
- plugins: [{name: priority}, {name: gang}]
- plugins: [{name: predicates, arguments: {predicate.PodAffinityEnable: false}}, {name: nodeorder}]
"""
    )
    s = _zoned("n0", "n1")
    s.policy = off
    s.groups(podgroup("web").min_member(1))
    s.pods(pod("web-0").group("web").requests(cpu="1").pod_affinity(ZONE, app="cache"))
    assert len(placements(s.run())) == 1


# -- priority classes ------------------------------------------------------------------------------


@dataclass
class ClassCase:
    name: str
    classes: list[tuple[str, int, bool]]
    a_class: str
    b_class: str
    first: str
    extra: dict[str, str] = field(default_factory=dict)


CLASS_CASES = [
    ClassCase("named class value orders jobs", [("hi", 100, False)], "", "hi", "default/b-0"),
    ClassCase("global default applies when none named", [("base", 50, True), ("lo", 1, False)], "", "lo", "default/a-0"),
    ClassCase("unknown class falls back to the default", [("base", 50, True)], "", "nope", "default/a-0"),
]


@pytest.mark.parametrize("case", CLASS_CASES, ids=lambda c: c.name)
def test_priority_classes(case: ClassCase) -> None:
    s = Scenario().nodes(node("n1").cpu("1").memory("8Gi"))
    for name, value, default in case.classes:
        s.priority_class(name, value, default=default)
    for job, cls in (("a", case.a_class), ("b", case.b_class)):
        group = podgroup(job)
        if cls:
            group.priority_class(cls)
        s.groups(group)
        p = pod(f"{job}-0").group(job).requests(cpu="1")
        s.pods(p.priority_class(cls) if cls else p)
    assert list(placements(s.run())) == [case.first]


def test_pod_priority_from_class_when_spec_priority_unset() -> None:
    s = Scenario().priority_class("hi", 7).priority_class("base", 3, default=True)
    s.pods(pod("x").priority_class("hi"), pod("y"))
    records = {r.name: r.priority for r in s.snapshot().pods}
    assert records == {"x": 7, "y": 3}


@pytest.mark.parametrize("anti, allowed", [(False, {"n2", "n3"}), (True, {"n0", "n1"})], ids=["affinity", "anti"])
def test_preferred_pod_affinity_scores_nodes(anti: bool, allowed: set[str]) -> None:
    s = _zoned("n0", "n1", "n2", "n3")
    s.pods(pod("cache").requests(cpu="1").label("app", "cache").on("n3"))
    s.groups(podgroup("web").min_member(1))
    web = pod("web-0").group("web").requests(cpu="1")
    kind = "podAntiAffinity" if anti else "podAffinity"
    web._obj["spec"]["affinity"] = {
        kind: {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": ZONE}}
            ]
        }
    }
    s.pods(web)
    assert set(placements(s.run()).values()) <= allowed
    assert len(placements(s.run())) == 1
