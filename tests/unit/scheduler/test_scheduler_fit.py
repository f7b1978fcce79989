"""Node fit: resources (cpu, memory, GPUs), pod count, taints, selectors, cordoned and NotReady nodes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.unit.scheduler.scheduler_builders import NodeBuilder, PodBuilder, Scenario, node, placements, pod, podgroup


@dataclass
class Case:
    name: str
    nodes: list[NodeBuilder]
    pod: PodBuilder
    node: str | None  # where the pod lands, None when it cannot
    failing: dict[str, int] = field(default_factory=dict)


def _pod() -> PodBuilder:
    return pod("p-0").group("p")


def _required(*expressions: dict[str, object]) -> PodBuilder:
    built = _pod().requests(cpu="1")
    terms = [{"matchExpressions": list(expressions)}]
    built._obj["spec"]["affinity"] = {
        "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}
    }
    return built


def _node(name: str) -> NodeBuilder:
    return node(name).cpu("4").memory("8Gi")


CASES = [
    Case("cpu fits", [_node("n1")], _pod().requests(cpu="4"), "n1"),
    Case("cpu short", [_node("n1")], _pod().requests(cpu="4001m"), None, {"Insufficient cpu": 1}),
    Case("memory short", [_node("n1")], _pod().requests(memory="9Gi"), None, {"Insufficient memory": 1}),
    Case("cpu reported before memory", [_node("n1")], _pod().requests(cpu="5", memory="9Gi"), None, {"Insufficient cpu": 1}),
    Case("gpu fits", [_node("n1"), _node("n2").gpu(2)], _pod().requests(cpu="1", gpu=2), "n2"),
    Case(
        "gpu short everywhere",
        [_node("n1"), _node("n2").gpu(1)],
        _pod().requests(cpu="1", gpu=2),
        None,
        {"Insufficient nvidia.com/gpu": 2},
    ),
    Case("pod count", [_node("n1").pods(0)], _pod().requests(cpu="1"), None, {"node(s) pod number exceeded": 1}),
    Case(
        "cordoned",
        [_node("n1").unschedulable(), _node("n2")],
        _pod().requests(cpu="1"),
        "n2",
    ),
    Case(
        "cordoned only",
        [_node("n1").unschedulable()],
        _pod().requests(cpu="1"),
        None,
        {"node(s) were unschedulable": 1},
    ),
    Case(
        "taint not tolerated",
        [_node("n1").taint("dedicated", "gpu")],
        _pod().requests(cpu="1"),
        None,
        {"node(s) had untolerated taint {dedicated: gpu}": 1},
    ),
    Case("taint tolerated", [_node("n1").taint("dedicated", "gpu")], _pod().requests(cpu="1").toleration("dedicated", "gpu"), "n1"),
    Case(
        "NoExecute blocks too",
        [_node("n1").taint("k", "v", "NoExecute")],
        _pod().requests(cpu="1").toleration("k", "v"),  # tolerates NoSchedule only
        None,
        {"node(s) had untolerated taint {k: v}": 1},
    ),
    Case("PreferNoSchedule does not block", [_node("n1").taint("k", "v", "PreferNoSchedule")], _pod().requests(cpu="1"), "n1"),
    Case(
        "node selector",
        [_node("n1"), _node("n2").label("zone", "b")],
        _pod().requests(cpu="1").node_selector(zone="b"),
        "n2",
    ),
    Case(
        "node selector matches nothing",
        [_node("n1"), _node("n2")],
        _pod().requests(cpu="1").node_selector(zone="b"),
        None,
        {"node(s) didn't match Pod's node affinity/selector": 2},
    ),
    Case(
        "required affinity NotIn",
        [_node("n1").label("zone", "a"), _node("n2").label("zone", "b")],
        _required({"key": "zone", "operator": "NotIn", "values": ["a"]}),
        "n2",
    ),
    Case(
        "required affinity Gt",
        [_node("n1").label("gen", "3"), _node("n2").label("gen", "5")],
        _required({"key": "gen", "operator": "Gt", "values": ["4"]}),
        "n2",
    ),
    Case(
        "required affinity DoesNotExist matches nothing",
        [_node("n1").label("gpu", "x")],
        _required({"key": "gpu", "operator": "DoesNotExist"}),
        None,
        {"node(s) didn't match Pod's node affinity/selector": 1},
    ),
    Case("NotReady node is left out", [_node("n1").not_ready()], _pod().requests(cpu="1"), None, {}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fit(case: Case) -> None:
    s = Scenario().nodes(*case.nodes).groups(podgroup("p")).pods(case.pod)
    result = s.run()
    expected = {} if case.node is None else {"default/p-0": case.node}
    assert placements(result) == expected
    if case.node is None:
        assert result.reasons["default/p"].failing_nodes == case.failing


def test_each_node_counts_its_first_failure_only() -> None:
    s = Scenario().nodes(_node("n1").unschedulable(), _node("n2").cpu("1"), _node("n3").taint("a", "b"))
    s.gang("p", 1, cpu="2")
    reason = s.run().reasons["default/p"]
    assert reason.failing_nodes == {
        "Insufficient cpu": 1,
        "node(s) were unschedulable": 1,
        "node(s) had untolerated taint {a: b}": 1,
    }
    assert reason.nodes_checked == 3
    assert reason.message.endswith(
        "Origin reason is p-0: 0/3 nodes are unavailable: 1 Insufficient cpu, "
        "1 node(s) had untolerated taint {a: b}, 1 node(s) were unschedulable."
    )


def test_used_resources_of_finished_pods_are_free() -> None:
    s = Scenario().nodes(_node("n1"))
    s.pods(pod("done").requests(cpu="4").on("n1", "Succeeded"), pod("failed").requests(cpu="4").on("n1", "Failed"))
    s.gang("p", 1, cpu="4")
    assert placements(s.run()) == {"default/p-0": "n1"}


def test_bound_pending_pods_hold_their_resources() -> None:
    s = Scenario().nodes(_node("n1"))
    s.pods(pod("starting").requests(cpu="3").on("n1", "Pending"))
    s.gang("p", 1, cpu="2")
    assert placements(s.run()) == {}


def test_pods_without_a_podgroup_are_not_scheduled_but_hold_resources() -> None:
    s = Scenario().nodes(_node("n1"))
    s.pods(pod("loner").requests(cpu="1"), pod("bound").requests(cpu="3").on("n1"))
    s.gang("p", 1, cpu="2")
    result = s.run()
    assert placements(result) == {}
    assert "default/loner" not in result.reasons


def test_bind_carries_resource_version_and_requests() -> None:
    s = Scenario().nodes(_node("n1").gpu(1))
    s.groups(podgroup("p")).pods(pod("p-0").group("p").requests(cpu="500m", memory="1Gi", gpu=1).resource_version(42))
    [gang] = s.run().binds
    assert (gang.podgroup_namespace, gang.podgroup_name) == ("default", "p")
    [bind] = gang.pods
    assert (bind.namespace, bind.name, bind.node, bind.resource_version) == ("default", "p-0", "n1", 42)
    assert bind.requests == {"cpu": 500, "memory": 1024**3 * 1000, "nvidia.com/gpu": 1000}
