"""Queue tables as vcctl prints them (pkg/cli/queue/list.go and get.go): pure, objects in, text out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from basalt.api import meta

Obj = dict[str, Any]
COLUMNS = (("Name", 25), ("Weight", 8), ("State", 8), ("Parent", 8), ("Inqueue", 8), ("Pending", 8),
           ("Running", 8), ("Unknown", 8), ("Completed", 8))
PHASES = ("Inqueue", "Pending", "Running", "Unknown", "Completed")


def statistics(podgroups: Sequence[Obj]) -> dict[str, Counter[str]]:
    """PodGroups per queue and phase (vcctl's PodGroupStatistics)."""
    found: dict[str, Counter[str]] = {}
    for group in podgroups:
        queue = (group.get("spec") or {}).get("queue") or "default"
        found.setdefault(queue, Counter())[(group.get("status") or {}).get("phase") or "Pending"] += 1
    return found


def table(queues: Sequence[Obj], stats: Mapping[str, Counter[str]]) -> str:
    lines = ["".join(f"{title:<{width}}" for title, width in COLUMNS)]
    for queue in queues:
        counts = stats.get(meta.name(queue), Counter())
        spec, status = queue.get("spec") or {}, queue.get("status") or {}
        cells = [meta.name(queue), str(spec.get("weight") or 0), str(status.get("state") or ""),
                 str(spec.get("parent") or "")]
        cells += [str(counts[phase]) for phase in PHASES]
        lines.append("".join(f"{cell:<{width}}" for cell, (_, width) in zip(cells, COLUMNS)))
    return "\n".join(lines) + "\n"
