"""The admission context over the store: queues, priority classes and podgroups, read once per review.

Queues and priority classes are few, so reading them whole keeps the pure rules synchronous."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from basalt.api import kinds, meta
from basalt.store import objects

Obj = dict[str, Any]


@dataclass(frozen=True)
class SnapshotContext:
    queues: dict[str, Obj] = field(default_factory=dict)
    priority_classes: dict[str, Obj] = field(default_factory=dict)
    podgroups_per_queue: Counter[str] = field(default_factory=Counter)

    def get_queue(self, name: str) -> Obj | None:
        return self.queues.get(name)

    def get_priority_class(self, name: str) -> Obj | None:
        return self.priority_classes.get(name)

    def has_children(self, name: str) -> bool:
        return any((q.get("spec") or {}).get("parent") == name for q in self.queues.values())

    def list_queues(self) -> list[Obj]:
        return list(self.queues.values())

    def count_podgroups(self, queue: str) -> int:
        return self.podgroups_per_queue[queue]


async def load(store: objects.Store, kind: str) -> SnapshotContext:
    queues = {meta.name(q): q for q in await store.list_all(kinds.QUEUE)}
    classes = {meta.name(p): p for p in await store.list_all(kinds.PRIORITY_CLASS)}
    per_queue: Counter[str] = Counter()
    if kind == "Queue":  # only queue deletion asks how many podgroups a queue has
        for pg in await store.list_all(kinds.PODGROUP):
            per_queue[str((pg.get("spec") or {}).get("queue") or "")] += 1
    return SnapshotContext(queues, classes, per_queue)
