"""enqueue: Pending -> Inqueue within cluster idle x overcommit factor and the queue's capability."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from services.scheduler import conf
from tests.unit.scheduler.scheduler_builders import (
    PodGroupBuilder,
    QueueBuilder,
    Scenario,
    condition,
    node,
    phases,
    pod,
    podgroup,
    queue,
)


@dataclass
class Case:
    name: str
    groups: list[PodGroupBuilder]
    inqueue: list[str]  # groups moved to Inqueue
    refused: dict[str, tuple[str, str]] = field(default_factory=dict)  # group -> (stage, message)
    queues: list[QueueBuilder] = field(default_factory=list)


def _pending(name: str, **min_resources: str | int) -> PodGroupBuilder:
    group = podgroup(name).min_member(1).phase("Pending")
    return group.min_resources(**min_resources) if min_resources else group


# The cluster: 2 nodes x (4 cpu, 8Gi, 1 gpu) -> idle x 1.2 = 9.6 cpu, 19.2Gi, 2.4 gpu.
CASES = [
    Case("no minResources is always admitted", [_pending("a")], ["default/a"]),
    Case("fits idle", [_pending("a", cpu="8")], ["default/a"]),
    Case(
        "proportion caps at the cluster total",
        [_pending("a", cpu="9500m")],
        [],
        {"default/a": ("enqueue", "queue resource quota insufficient: insufficient cpu")},
    ),
    Case(
        "too big stays Pending",
        [_pending("a", cpu="10")],
        [],
        {"default/a": ("enqueue", "resource in cluster is overused: overused cpu")},
    ),
    Case(
        "admitted groups reserve their minResources",
        [_pending("a", cpu="6"), _pending("b", cpu="6")],
        ["default/a"],
        {"default/b": ("enqueue", "resource in cluster is overused: overused cpu")},
    ),
    Case(
        "every short resource is named",
        [_pending("a", cpu="16", gpu=3)],
        [],
        {"default/a": ("enqueue", "resource in cluster is overused: overused cpu, overused nvidia.com/gpu")},
    ),
    Case(
        "queue capability",
        [_pending("a", cpu="3").queue("small")],
        [],
        {"default/a": ("enqueue", "queue resource quota insufficient: insufficient cpu")},
        [queue("small").capability(cpu="2")],
    ),
    Case(
        # As in Volcano, a group without minResources is admitted without asking the plugins.
        "closed queue",
        [_pending("a").queue("shut"), _pending("b", cpu="1").queue("shut")],
        ["default/a"],
        {"default/b": ("queue", "queue shut is Closed")},
        [queue("shut").state("Closed")],
    ),
    Case("missing queue", [_pending("a").queue("nope")], [], {"default/a": ("queue", "queue nope does not exist")}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_enqueue(case: Case) -> None:
    s = Scenario().nodes(*(node(n).cpu("4").memory("8Gi").gpu(1) for n in ("n1", "n2")))
    s.queues(*case.queues).groups(*case.groups)
    result = s.run()
    assert sorted(g for g, phase in phases(result).items() if phase == "Inqueue") == case.inqueue
    for group, (stage, message) in case.refused.items():
        assert (result.reasons[group].stage, result.reasons[group].message) == (stage, message)
        # Still Pending, with the refusal as its condition.
        assert phases(result)[group] == "Pending"
        cond = condition(result, group, "Unschedulable")
        assert cond is not None and (cond["reason"], cond["message"]) == ("NotEnoughResources", message)


OVERCOMMIT_ONLY = """
actions: "enqueue"
tiers:
- plugins:
  - name: overcommit
"""


@pytest.mark.parametrize(("factor", "admitted"), [("", True), ("overcommit-factor: 1.0", False)])
def test_overcommit_factor(factor: str, admitted: bool) -> None:
    text = OVERCOMMIT_ONLY + (f"    arguments:\n      {factor}\n" if factor else "")
    s = Scenario(conf.parse_conf(text)).nodes(node("n1").cpu("4").memory("8Gi"), node("n2").cpu("4").memory("8Gi"))
    s.groups(_pending("a", cpu="9500m"))  # 8 cpu x 1.2 = 9.6
    assert (phases(s.run())["default/a"] == "Inqueue") is admitted


def test_running_gangs_reserve_what_they_do_not_hold_yet() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    s.groups(podgroup("run").min_member(1).min_resources(cpu="4").phase("Running"))
    s.pods(pod("run-0").group("run").requests(cpu="1").on("n1"))
    s.groups(_pending("new", cpu="2"))
    # idle = 4 x 1.2 - 1 used = 3.8; "run" still reserves 3 more -> 2 more does not fit.
    assert phases(s.run())["default/new"] == "Pending"


def test_allocate_without_enqueue_admits_everything() -> None:
    policy = conf.parse_conf('actions: "allocate"\ntiers:\n- plugins:\n  - name: gang\n  - name: predicates\n')
    s = Scenario(policy).nodes(node("n1").cpu("4").memory("8Gi"))
    s.gang("a", 2, group=podgroup("a").phase("Pending"), cpu="1")
    result = s.run()
    assert phases(result) == {"default/a": "Running"}
    assert len(result.binds) == 1


def test_pending_groups_are_not_allocated_in_the_same_session_before_enqueue() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    s.gang("a", 2, group=podgroup("a").phase("Pending"), cpu="1")
    result = s.run()
    # enqueue admits it and allocate, running after it, places it in the same session.
    assert phases(result) == {"default/a": "Running"}


def test_refused_group_with_pods_names_the_refusal_as_origin() -> None:
    s = Scenario()  # no nodes at all
    s.gang("a", 2, cpu="1", group=podgroup("a").min_resources(cpu="2").phase("Pending"))
    cond = condition(s.run(), "default/a", "Unschedulable")
    assert cond is not None
    assert cond["message"] == (
        "2/2 tasks in gang unschedulable: pod group is not ready, 2 Pending, 2 minAvailable; "
        "Pending: 2 Unschedulable. Origin reason is: resource in cluster is overused: overused cpu"
    )
