"""Volcano's own allocate scenarios (pkg/scheduler/actions/allocate/allocate_test.go), ported.

Same plugins and switches as there: one tier with gang, drf, proportion, predicates, nodeorder,
and the allocate action alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.scheduler import conf
from tests.unit.scheduler.scheduler_builders import (
    NodeBuilder,
    PodBuilder,
    PodGroupBuilder,
    Scenario,
    node,
    placements,
    pod,
    podgroup,
    queue,
)

POLICY = conf.parse_conf(
    """
actions: "allocate"
tiers:
- plugins:
  - name: gang
  - name: drf
  - name: proportion
  - name: predicates
  - name: nodeorder
"""
)


@dataclass
class Case:
    name: str
    groups: list[PodGroupBuilder]
    pods: list[PodBuilder]
    nodes: list[NodeBuilder]
    queues: list[str]
    binds: dict[str, str]


def _group(name: str, ns: str, q: str, min_member: int) -> PodGroupBuilder:
    return podgroup(name, ns).queue(q).min_member(min_member)


def _pod(ns: str, name: str, group: str, cpu: str, role: str = "", selector: str = "") -> PodBuilder:
    built = pod(name, ns).group(group).requests(cpu=cpu, memory="1G")
    if role:
        built = built.role(role)
    return built.node_selector(nodeRole=selector) if selector else built


def _node(name: str, cpu: str, memory: str = "4Gi", role: str = "") -> NodeBuilder:
    built = node(name).cpu(cpu).memory(memory).pods(10)
    return built.label("nodeRole", role) if role else built


CASES = [
    Case(
        "prepredicate failed: node selector does not match",
        [_group("pg1", "c1", "c1", 1)],
        [_pod("c1", "p1", "pg1", "1", "master", "master"), _pod("c1", "p2", "pg1", "1", "worker", "worker")],
        [_node("n1", "2", role="worker")],
        ["c1"],
        {"c1/p2": "n1"},
    ),
    Case(
        "prepredicate failed and tasks are not used up, continue on until min member meet",
        [_group("pg1", "c1", "c1", 2).min_task_member(master=1, worker=1)],
        [
            _pod("c1", "p0", "pg1", "1", "master", "master"),
            _pod("c1", "p1", "pg1", "1", "master", "master"),
            _pod("c1", "p2", "pg1", "1", "worker", "worker"),
            _pod("c1", "p3", "pg1", "1", "worker", "worker"),
        ],
        [_node("n1", "1", "2Gi", "master"), _node("n2", "1", "2Gi", "worker")],
        ["c1"],
        {"c1/p0": "n1", "c1/p2": "n2"},
    ),
    Case(
        "master's min member can not be allocated, break from allocating",
        [_group("pg1", "c1", "c1", 2).min_task_member(master=2, worker=0)],
        [
            _pod("c1", "p0", "pg1", "1", "master", "master"),
            _pod("c1", "p1", "pg1", "1", "master", "master"),
            _pod("c1", "p2", "pg1", "1", "worker", "worker"),
            _pod("c1", "p3", "pg1", "1", "worker", "worker"),
        ],
        [_node("n1", "1", "2Gi", "master"), _node("n2", "2", "2Gi", "worker")],
        ["c1"],
        {},
    ),
    Case(
        "one Job with two Pods on one node",
        [_group("pg1", "c1", "c1", 0)],
        [_pod("c1", "p1", "pg1", "1"), _pod("c1", "p2", "pg1", "1")],
        [_node("n1", "2")],
        ["c1"],
        {"c1/p1": "n1", "c1/p2": "n1"},
    ),
    Case(
        "two Jobs on one node",
        [_group("pg1", "c1", "c1", 0), _group("pg2", "c2", "c2", 0)],
        [
            _pod("c1", "pg1-p-1", "pg1", "1"),
            _pod("c1", "pg1-p-2", "pg1", "1"),
            _pod("c2", "pg2-p-1", "pg2", "1"),
            _pod("c2", "pg2-p-2", "pg2", "1"),
        ],
        [_node("n1", "2", "4G")],
        ["c1", "c2"],
        {"c2/pg2-p-1": "n1", "c1/pg1-p-1": "n1"},
    ),
    Case(
        "high priority queue should not block others",
        [_group("pg1", "c1", "c1", 0), _group("pg2", "c1", "c2", 0)],
        [_pod("c1", "p1", "pg1", "3"), _pod("c1", "p2", "pg2", "1")],
        [_node("n1", "2", "4G")],
        ["c1", "c2"],
        {"c1/p2": "n1"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_volcano_allocate_scenarios(case: Case) -> None:
    s = Scenario(POLICY).nodes(*case.nodes).queues(*(queue(q) for q in case.queues))
    s.groups(*case.groups).pods(*case.pods)
    assert placements(s.run()) == case.binds
