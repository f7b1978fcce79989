"""Queue states, hierarchy and status: Volcano's queue controller, pure."""

from __future__ import annotations

from typing import Any

import pytest

from services.controller.state import bus, queues

Obj = dict[str, Any]
A = bus.Action


def queue(name: str, state: str = "Open", parent: str | None = None, by_parent: bool = False) -> Obj:
    obj: Obj = {"metadata": {"name": name}, "spec": {}, "status": {"state": state}}
    if parent is not None:
        obj["spec"]["parent"] = parent
    if by_parent:
        obj["metadata"]["annotations"] = {queues.CLOSED_BY_PARENT: "true"}
    return obj


@pytest.mark.parametrize(("state", "action", "groups", "expected"), [
    ("Open", A.CLOSE_QUEUE, True, "Closing"),
    ("Open", A.CLOSE_QUEUE, False, "Closed"),
    ("Open", A.SYNC_QUEUE, True, "Open"),
    ("", A.SYNC_QUEUE, False, "Open"),
    ("Closing", A.SYNC_QUEUE, True, "Closing"),
    ("Closing", A.SYNC_QUEUE, False, "Closed"),
    ("Closing", A.OPEN_QUEUE, True, "Open"),
    ("Closed", A.OPEN_QUEUE, False, "Open"),
    ("Closed", A.CLOSE_QUEUE, True, "Closed"),
    ("Closed", A.SYNC_QUEUE, True, "Closed"),
    ("Unknown", A.SYNC_QUEUE, False, "Unknown"),
    ("Unknown", A.CLOSE_QUEUE, True, "Closing"),
])
def test_state_table(state: str, action: bus.Action, groups: bool, expected: str) -> None:
    assert queues.next_state(state, action, groups) == expected


def test_a_closed_parent_closes_its_open_children_only() -> None:
    parent = queue("p", "Closing")
    all_queues = [parent, queue("a", parent="p"), queue("b", "Closed", parent="p"), queue("c", parent="root")]
    assert queues.hierarchy(parent, all_queues) == queues.Follow(close=("a",))


def test_an_open_parent_reopens_only_children_it_closed() -> None:
    parent = queue("p")
    all_queues = [parent, queue("a", "Closed", "p", by_parent=True), queue("b", "Closed", "p")]
    assert queues.hierarchy(parent, all_queues) == queues.Follow(open=("a",))


def test_a_child_follows_its_parent_when_synced() -> None:
    child = queue("a", parent="p")
    assert queues.hierarchy(child, [queue("p", "Closed"), child]).close == ("a",)
    reopened = queue("a", "Closed", "p", by_parent=True)
    assert queues.hierarchy(reopened, [queue("p"), reopened]).open == ("a",)


def test_opening_under_a_closed_parent_is_refused() -> None:
    child = queue("a", "Closed", parent="p")
    assert "Open the parent queue first" in queues.open_refusal(child, [queue("p", "Closing"), child])
    assert queues.open_refusal(child, [queue("p"), child]) == ""


def pg(phase: str) -> Obj:
    return {"spec": {"queue": "q"}, "status": {"phase": phase}}


def bound(cpu: str, phase: str = "Running", node: str = "n1") -> Obj:
    return {"spec": {"nodeName": node, "containers": [{"resources": {"requests": {"cpu": cpu}}}]},
            "status": {"phase": phase}}


def test_status_counts_groups_and_sums_bound_unfinished_pods() -> None:
    old = queue("q")
    old["status"]["reservation"] = {"keep": "me"}
    pods = [bound("500m"), bound("1"), bound("2", phase="Succeeded"), bound("4", node="")]

    new = queues.status(old, "Closing", [pg("Pending"), pg("Running"), pg("Running"), pg("Completed")], pods)

    assert new == {"state": "Closing", "pending": 1, "inqueue": 0, "running": 2, "unknown": 0, "completed": 1,
                   "allocated": {"cpu": "1500m", "pods": "2"}, "reservation": {"keep": "me"}}
