"""Why a job is not (fully) placed: the PodGroup's pending reasons and its place in the queue.

The scheduler writes, on each PodGroup it cannot place, the condition ``Unschedulable`` and the
annotation ``basalt.io/pending-reasons``: JSON ``[{"stage", "message", "failing_nodes",
"nodes_checked"}]``, outermost first. ``explain`` turns those into one ``Explanation`` (the
condition's message stands in when the annotation is absent) and ranks the group among its
queue's unplaced groups: priority high to low, then oldest first, then name.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any

from basalt.api import meta
from services.controller.materialize import jobspec

Obj = meta.Obj

REASONS_ANNOTATION = "basalt.io/pending-reasons"
UNPLACED_PHASES = frozenset({"", "Pending", "Inqueue"})


@dataclasses.dataclass(frozen=True)
class Reason:
    stage: str
    message: str
    failing_nodes: dict[str, int] = dataclasses.field(default_factory=dict)
    nodes_checked: int = 0


@dataclasses.dataclass(frozen=True)
class Explanation:
    phase: str
    podgroup: str
    podgroup_phase: str
    queue: str
    queue_position: int
    queue_pending: int
    reasons: tuple[Reason, ...]
    summary: str


def explain(job: Obj, group: Obj | None, queue_groups: Iterable[Obj],
            priorities: Mapping[str, int] | None = None) -> Explanation:
    """``queue_groups``: every PodGroup of the job's queue (the job's own included);
    ``priorities``: PriorityClass name -> value, for the groups' ``priorityClassName``."""
    phase = jobspec.phase(job) or "Pending"
    queue = jobspec.queue(job)
    if group is None:
        return Explanation(phase, "", "", queue, 0, 0, (), f"job is {phase}; its PodGroup does not exist yet")
    values = priorities or {}
    unplaced = sorted((g for g in queue_groups if is_unplaced(g)), key=lambda g: _queue_order(g, values))
    names = [meta.key(g) for g in unplaced]
    position = names.index(meta.key(group)) + 1 if meta.key(group) in names else 0
    found = reasons(group)
    pg_phase = str((group.get("status") or {}).get("phase") or "Pending")
    return Explanation(phase, meta.name(group), pg_phase, queue, position, len(unplaced), found,
                       _summary(phase, queue, position, len(unplaced), found))


def is_unplaced(group: Obj) -> bool:
    """Pending or Inqueue and not every member bound yet."""
    status = group.get("status") or {}
    if str(status.get("phase") or "") not in UNPLACED_PHASES:
        return False
    placed = int(status.get("running") or 0) + int(status.get("succeeded") or 0)
    return placed < int((group.get("spec") or {}).get("minMember") or 1)


def reasons(group: Obj) -> tuple[Reason, ...]:
    raw = meta.annotations_of(group).get(REASONS_ANNOTATION)
    if raw:
        parsed = _parse(raw)
        if parsed:
            return parsed
    return tuple(Reason("unschedulable", str(c.get("message") or ""))
                 for c in (group.get("status") or {}).get("conditions") or []
                 if c.get("type") == "Unschedulable" and str(c.get("status") or "True") == "True" and c.get("message"))


def _parse(raw: str) -> tuple[Reason, ...]:
    try:
        items = json.loads(raw)
    except json.JSONDecodeError:
        return ()
    if not isinstance(items, list):
        return ()
    return tuple(_reason(item) for item in items if isinstance(item, dict))


def _reason(item: dict[str, Any]) -> Reason:
    failing = item.get("failing_nodes") or {}
    return Reason(str(item.get("stage") or ""), str(item.get("message") or ""),
                  {str(k): int(v) for k, v in failing.items()} if isinstance(failing, dict) else {},
                  int(item.get("nodes_checked") or 0))


def _queue_order(group: Obj, priorities: Mapping[str, int]) -> tuple[int, str, str]:
    priority = priorities.get(str((group.get("spec") or {}).get("priorityClassName") or ""), 0)
    created = str((group.get("metadata") or {}).get("creationTimestamp") or "")
    return -priority, created, meta.key(group)


def _summary(phase: str, queue: str, position: int, pending: int, found: tuple[Reason, ...]) -> str:
    if position == 0:
        return f"job is {phase}; its PodGroup is placed in queue {queue}"
    line = f"waiting in queue {queue} at position {position} of {pending}"
    detail = next((r.message for r in reversed(found) if r.message), "")
    return f"{line}: {detail}" if detail else f"{line}: the scheduler has not reported a reason yet"
