"""build_snapshot: node accounting, pending work, PodGroups, queues and priorities from dicts."""

from __future__ import annotations

from services.scheduler.framework import jobs
from tests.unit.scheduler.scheduler_builders import Scenario, node, pod, podgroup, queue


def _scenario() -> Scenario:
    s = Scenario().nodes(node("b").cpu("4").memory("8Gi").gpu(2), node("a").cpu("2").memory("4Gi"), node("down").cpu("64").not_ready())
    s.pods(
        pod("run").requests(cpu="1", gpu=1).on("b"),
        pod("bound").requests(cpu="500m").on("b", "Pending"),
        pod("done").requests(cpu="2").on("b", "Succeeded"),
        pod("bye").requests(cpu="1").on("b").deleting(),
        pod("gone").requests(cpu="1").deleting(),
        pod("w-0").group("w").requests(cpu="1").resource_version(99),
    )
    return s


def test_nodes_sorted_and_not_ready_left_out() -> None:
    snap = _scenario().snapshot()
    assert [n.name for n in snap.node_specs] == ["a", "b"]
    assert snap.dims.names == ("cpu", "memory", "nvidia.com/gpu")


def test_used_counts_unfinished_pods_on_the_node() -> None:
    snap = _scenario().snapshot()
    b = 1
    assert snap.dims.to_dict(snap.used[b]) == {"cpu": 2500, "nvidia.com/gpu": 1000}
    assert snap.dims.to_dict(snap.releasing[b]) == {"cpu": 1000}
    assert int(snap.pod_counts[b]) == 3
    assert int(snap.max_pods[b]) == 110
    assert snap.dims.to_dict(snap.allocatable[b]) == {"cpu": 4000, "memory": 8 * 1024**3 * 1000, "nvidia.com/gpu": 2000}


def test_pending_work_and_statuses() -> None:
    snap = _scenario().snapshot()
    by_name = {p.name: p for p in snap.pods}
    assert "gone" not in by_name  # deleted before it was ever placed
    assert by_name["w-0"].status is jobs.TaskStatus.PENDING
    assert by_name["w-0"].group == "default/w"
    assert by_name["w-0"].resource_version == 99
    assert by_name["bound"].status is jobs.TaskStatus.BOUND
    assert by_name["run"].status is jobs.TaskStatus.RUNNING
    assert by_name["bye"].status is jobs.TaskStatus.RELEASING
    assert by_name["done"].status is jobs.TaskStatus.SUCCEEDED


def test_podgroups_queues_and_priorities() -> None:
    s = Scenario().priority_class("high", 100)
    s._classes.append({"kind": "PriorityClass", "metadata": {"name": "normal"}, "value": 5, "globalDefault": True})
    group = podgroup("g").min_member(3).min_resources(cpu="2", pods=3).priority_class("high").phase("Pending")
    s.groups(group, podgroup("plain"))
    s.queues(queue("q").weight(3).capability(cpu="10", memory=0).state("Closed"))
    snap = s.snapshot()
    g, plain = snap.podgroups[0], snap.podgroups[1]
    assert (g.uid, g.min_member, g.queue, g.priority, g.phase, g.resource_version) == ("default/g", 3, "default", 100, "Pending", 7)
    assert g.min_resources == {"cpu": 2000}  # pods is not a quota dimension
    assert plain.min_resources is None and plain.priority == 5
    q = {r.name: r for r in snap.queues}["q"]
    assert (q.weight, q.state, q.capability) == (3, "Closed", {"cpu": 10000, "memory": 0})
    assert {r.name: r for r in snap.queues}["default"].state == "Open"


def test_pod_priority_from_spec_or_class() -> None:
    s = Scenario().priority_class("high", 100)
    p = pod("explicit").group("g")
    p._obj["spec"]["priority"] = 7
    q = pod("by-class").group("g")
    q._obj["spec"]["priorityClassName"] = "high"
    s.pods(p, q)
    assert {r.name: r.priority for r in s.snapshot().pods} == {"explicit": 7, "by-class": 100}


def test_unreadable_quantities_do_not_stop_the_session() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"), node("bad").cpu("lots"))
    s.gang("ok", 1, cpu="1")
    s.groups(podgroup("weird").min_resources(cpu="??"))
    s.pods(pod("broken-0").group("ok").requests(cpu="one"))
    snap = s.snapshot()
    assert [p.name for p in snap.pods] == ["ok-0"]
    assert {g.name: g.min_resources for g in snap.podgroups}["weird"] is None
    assert {b.podgroup_name for b in s.run().binds} == {"ok"}
