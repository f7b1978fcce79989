"""Explain: the why-pending chain from the scheduler's annotation and the queue position."""

from __future__ import annotations

import json
from typing import Any

from services.controller.state import explain
from tests.unit.controller.controller_support import JobBuilder

Obj = dict[str, Any]


def group(name: str, created: str, phase: str = "Pending", priority: str = "", **extra: Any) -> Obj:
    obj: Obj = {"metadata": {"name": name, "namespace": "ns", "creationTimestamp": created},
                "spec": {"queue": "default", "minMember": 2}, "status": {"phase": phase, **extra}}
    if priority:
        obj["spec"]["priorityClassName"] = priority
    return obj


def with_reasons(obj: Obj, reasons: list[Obj]) -> Obj:
    obj["metadata"]["annotations"] = {explain.REASONS_ANNOTATION: json.dumps(reasons)}
    return obj


JOB = JobBuilder("j").task("w", 2).status("Pending").obj()


def test_position_orders_by_priority_then_age_and_skips_placed_groups() -> None:
    mine = group("mine", "2026-01-01T00:00:05Z")
    others = [group("old", "2026-01-01T00:00:01Z"), group("urgent", "2026-01-01T00:00:09Z", priority="high"),
              group("placed", "2026-01-01T00:00:00Z", phase="Running"),
              group("bound", "2026-01-01T00:00:00Z", phase="Inqueue", running=2)]

    found = explain.explain(JOB, mine, others + [mine], {"high": 1000})

    assert (found.queue_position, found.queue_pending) == (3, 3)


def test_reasons_come_from_the_annotation_and_the_summary_names_the_innermost() -> None:
    mine = with_reasons(group("mine", "t"), [
        {"stage": "enqueue", "message": "queue default has no room"},
        {"stage": "allocate", "message": "0/2 nodes are available: 2 Insufficient cpu",
         "failing_nodes": {"Insufficient cpu": 2}, "nodes_checked": 2}])

    found = explain.explain(JOB, mine, [mine])

    assert found.reasons[1] == explain.Reason("allocate", "0/2 nodes are available: 2 Insufficient cpu",
                                              {"Insufficient cpu": 2}, 2)
    assert found.summary == "waiting in queue default at position 1 of 1: 0/2 nodes are available: 2 Insufficient cpu"


def test_the_condition_stands_in_when_the_annotation_is_missing_or_broken() -> None:
    mine = group("mine", "t", conditions=[{"type": "Unschedulable", "status": "True", "message": "1/1 tasks pending"}])
    mine["metadata"]["annotations"] = {explain.REASONS_ANNOTATION: "not json"}

    found = explain.explain(JOB, mine, [mine])

    assert found.reasons == (explain.Reason("unschedulable", "1/1 tasks pending"),)


def test_a_placed_group_and_a_missing_group_say_so() -> None:
    placed = group("mine", "t", phase="Running")
    assert explain.explain(JOB, placed, [placed]).queue_position == 0
    assert "placed" in explain.explain(JOB, placed, [placed]).summary
    assert "does not exist" in explain.explain(JOB, None, []).summary
