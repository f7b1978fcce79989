"""A pod record derived from the held one (a bind, a status report) equals a full conversion, and
anything more than placement and status changing falls back to the full conversion."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from services.scheduler import commit
from services.scheduler.framework import snapshot as snap
from tests.unit.scheduler.scheduler_builders import pod

Obj = dict[str, Any]
CLASSES = snap._priority_classes(())


def _pending() -> Obj:
    return pod("w-0").group("w").requests(cpu="1").annotate("volcano.sh/task-spec", "worker").resource_version(7).obj()


def _bumped(obj: Obj, change: Callable[[Obj], None]) -> Obj:
    new = copy.deepcopy(obj)  # a decoded watch event: equal values, none of them the same objects
    change(new)
    new["metadata"]["resourceVersion"] = "8"
    return new


def _bind(obj: Obj) -> None:
    obj.update(commit.bound_pod(obj, "n1"))


def _running(obj: Obj) -> None:
    _bind(obj)
    obj["status"]["phase"] = "Running"


def _terminating(obj: Obj) -> None:
    _running(obj)
    obj["metadata"]["deletionTimestamp"] = "2026-12-07T00:00:00Z"


@pytest.mark.parametrize("change", [_bind, _running, _terminating], ids=["bind", "running", "terminating"])
def test_placement_and_status_changes_derive_the_same_record(change: Callable[[Obj], None]) -> None:
    held = snap._pod_record(_pending(), CLASSES)
    assert held is not None
    new = _bumped(held.pod, change)  # type: ignore[arg-type]
    derived = snap._pod_update(held, new)
    assert derived is not None and derived == snap._pod_record(new, CLASSES)
    assert derived.resource_version == 8 and derived.node == "n1"


def _more_cpu(obj: Obj) -> None:
    obj["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "2"


def _relabelled(obj: Obj) -> None:
    obj["metadata"].setdefault("labels", {})["volcano.sh/preemptable"] = "false"


def _priority(obj: Obj) -> None:
    obj["spec"]["priority"] = 5


@pytest.mark.parametrize("change", [_more_cpu, _relabelled, _priority], ids=["requests", "labels", "priority"])
def test_other_changes_fall_back_to_a_full_conversion(change: Callable[[Obj], None]) -> None:
    held = snap._pod_record(_pending(), CLASSES)
    assert held is not None
    assert snap._pod_update(held, _bumped(held.pod, change)) is None  # type: ignore[arg-type]


def test_an_unplaced_pod_going_away_has_no_record() -> None:
    held = snap._pod_record(_pending(), CLASSES)
    assert held is not None
    gone = _bumped(held.pod, lambda o: o["metadata"].update(deletionTimestamp="2026-12-07T00:00:00Z"))  # type: ignore[arg-type]
    assert snap._pod_update(held, gone) is None and snap._pod_record(gone, CLASSES) is None
