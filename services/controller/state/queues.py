"""Queue states and status: Volcano's ``pkg/controllers/queue/state`` and ``syncQueue``, pure.

A queue is Open, Closing (closed while PodGroups remain in it) or Closed. ``next_state`` is the
state table; ``hierarchy`` says which neighbours must follow (a closed parent closes its open
children, marking them closed-by-parent; reopening it reopens exactly those).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from basalt.api import meta, resources
from services.controller.state import bus

Obj = meta.Obj

OPEN, CLOSING, CLOSED, UNKNOWN = "Open", "Closing", "Closed", "Unknown"
ROOT = "root"
CLOSED_BY_PARENT = "volcano.sh/closed-by-parent"
# PodGroup phases counted in the queue's status (Volcano's QueueStatus fields).
COUNTED_PHASES = {"Pending": "pending", "Inqueue": "inqueue", "Running": "running", "Unknown": "unknown",
                  "Completed": "completed"}


def state_of(queue: Obj) -> str:
    return str((queue.get("status") or {}).get("state") or "")


def parent_of(queue: Obj) -> str:
    return "" if meta.name(queue) == ROOT else str((queue.get("spec") or {}).get("parent") or ROOT)


def closed_by_parent(queue: Obj) -> bool:
    return meta.annotations_of(queue).get(CLOSED_BY_PARENT) == "true"


def next_state(state: str, action: bus.Action, has_podgroups: bool) -> str:
    """The state after ``action`` (OpenQueue, CloseQueue, or anything else as SyncQueue)."""
    closing_or_closed = CLOSING if has_podgroups else CLOSED
    if action is bus.Action.OPEN_QUEUE:
        return OPEN
    if action is bus.Action.CLOSE_QUEUE:
        return CLOSED if state == CLOSED else closing_or_closed
    if state in ("", OPEN):
        return OPEN
    if state == CLOSED:
        # open.go/unknown.go: a queue written Closed with groups left is Closing; closed.go keeps Closed.
        return CLOSED
    if state == CLOSING:
        return closing_or_closed
    return UNKNOWN


def is_closed(state: str) -> bool:
    return state in (CLOSING, CLOSED)


@dataclasses.dataclass(frozen=True)
class Follow:
    """What a queue's neighbours must do after it was synced or acted upon."""

    close: tuple[str, ...] = ()
    """Children (or this queue, for a closed parent) to mark closed-by-parent and close."""
    open: tuple[str, ...] = ()
    """Queues closed by their parent that may open again."""


def hierarchy(queue: Obj, queues: Iterable[Obj]) -> Follow:
    """``closeHierarchicalQueue`` / ``openHierarchicalQueue`` / ``syncHierarchicalQueue``."""
    by_name = {meta.name(q): q for q in queues}
    name, state = meta.name(queue), state_of(queue)
    children = [q for q in by_name.values() if meta.name(q) != name and parent_of(q) == name]
    close: list[str] = []
    reopen: list[str] = []
    if is_closed(state):
        close += [meta.name(c) for c in children if not is_closed(state_of(c))]
    else:
        reopen += [meta.name(c) for c in children if is_closed(state_of(c)) and closed_by_parent(c)]
    parent = by_name.get(parent_of(queue))
    if parent is not None and name != ROOT:
        if is_closed(state_of(parent)) and not is_closed(state):
            close.append(name)
        elif not is_closed(state_of(parent)) and is_closed(state) and closed_by_parent(queue):
            reopen.append(name)
    return Follow(tuple(sorted(close)), tuple(sorted(reopen)))


def open_refusal(queue: Obj, queues: Iterable[Obj]) -> str:
    """Why the queue cannot be opened now ("" when it can): its parent is closing or closed."""
    parent_name = parent_of(queue)
    if not parent_name or parent_name == ROOT:
        return ""
    parent = next((q for q in queues if meta.name(q) == parent_name), None)
    if parent is not None and is_closed(state_of(parent)):
        return (f"Failed to open queue {meta.name(queue)} because its parent queue {parent_name} is closing or "
                f"closed. Open the parent queue first.")
    return ""


def podgroup_counts(groups: Iterable[Obj]) -> dict[str, int]:
    counts = {field: 0 for field in COUNTED_PHASES.values()}
    for group in groups:
        field = COUNTED_PHASES.get(str((group.get("status") or {}).get("phase") or ""))
        if field is not None:
            counts[field] += 1
    return counts


def allocated(pods: Iterable[Obj]) -> dict[str, str]:
    """Requests of the queue's bound, unfinished pods, with ``pods`` their number (Kubernetes form)."""
    total: dict[str, int] = {}
    count = 0
    for pod in pods:
        if not (pod.get("spec") or {}).get("nodeName"):
            continue
        if str((pod.get("status") or {}).get("phase") or "") in ("Succeeded", "Failed"):
            continue
        total = resources.add(total, resources.pod_requests(pod))
        count += 1
    rendered = resources.to_quantities(total)
    if count:
        rendered["pods"] = str(count)
    return rendered


def status(queue: Obj, state: str, groups: Iterable[Obj], pods: Iterable[Obj]) -> dict[str, Any]:
    """The queue's new status: state, PodGroup counts by phase and allocated resources."""
    new: dict[str, Any] = {k: v for k, v in (queue.get("status") or {}).items()
                           if k not in COUNTED_PHASES.values() and k not in ("state", "allocated")}
    new["state"] = state
    new.update(podgroup_counts(groups))
    new["allocated"] = allocated(pods)
    return new
