"""What must hold after any number of racing schedulers: checked from the store itself.

- no node holds more than its allocatable, and Redis accounting equals the sum recomputed from
  the pods bound to it;
- every gang is bound whole or not at all (pods bound >= minMember, or none);
- no pod was bound twice (its change events show one transition to a node at most).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from basalt.api import kinds, labels, meta, resources
from basalt.store import accounting, keys, objects

Obj = dict[str, Any]


@dataclass
class Report:
    over_capacity: list[str] = field(default_factory=list)
    accounting_mismatch: list[str] = field(default_factory=list)
    partial_gangs: list[str] = field(default_factory=list)
    bound_twice: list[str] = field(default_factory=list)
    bound_gangs: set[str] = field(default_factory=set)
    unbound_gangs: set[str] = field(default_factory=set)
    free: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return self.over_capacity + self.accounting_mismatch + self.partial_gangs + self.bound_twice


async def check(store: objects.Store, attempts: int = 50) -> Report:
    """Checked on a consistent view: retried until no write landed while it was read."""
    for _ in range(attempts):
        before = await store.current_rv()
        report = await _check(store)
        if await store.current_rv() == before:
            return report
    raise RuntimeError("the store kept changing while it was checked")


async def _check(store: objects.Store) -> Report:
    report = Report()
    pods = await store.list_all(kinds.POD)
    groups = await store.list_all(kinds.PODGROUP)
    nodes = [meta.name(n) for n in await store.list_all(kinds.NODE)]
    await _check_nodes(store, nodes, pods, report)
    _check_gangs(groups, pods, report)
    await _check_bound_once(store, report)
    return report


async def _hash(store: objects.Store, key: str) -> dict[str, int]:
    raw = cast(dict[bytes, bytes], await store.redis.hgetall(key))
    return {k.decode(): int(v) for k, v in raw.items()}


async def _check_nodes(store: objects.Store, nodes: list[str], pods: list[Obj], report: Report) -> None:
    held: dict[str, dict[str, int]] = defaultdict(dict)
    for pod in pods:
        h = accounting.hold(pod)
        if h is not None:
            held[h.node] = resources.add(held[h.node], h.requests)
    for name in nodes:
        alloc = await _hash(store, keys.node_allocatable(name))
        used = await _hash(store, keys.node_used(name))
        mine = held.get(name, {})
        if not resources.fits(mine, alloc):
            report.over_capacity.append(f"{name}: holds {mine}, allocatable {alloc}")
        if {k: v for k, v in used.items() if v} != {k: v for k, v in mine.items() if v}:
            report.accounting_mismatch.append(f"{name}: redis {used} != pods {mine}")
        report.free[name] = resources.sub(alloc, mine)


def _check_gangs(groups: list[Obj], pods: list[Obj], report: Report) -> None:
    bound: Counter[str] = Counter()
    for pod in pods:
        name = meta.annotations_of(pod).get(labels.GROUP_NAME)
        if name and (pod.get("spec") or {}).get("nodeName"):
            bound[f"{meta.namespace(pod)}/{name}"] += 1
    for group in groups:
        key, need = meta.key(group), int((group.get("spec") or {}).get("minMember") or 0)
        if bound[key] == 0:
            report.unbound_gangs.add(key)
        elif bound[key] >= need:
            report.bound_gangs.add(key)
        else:
            report.partial_gangs.append(f"{key}: {bound[key]} of {need} bound")


async def _check_bound_once(store: objects.Store, report: Report) -> None:
    nodes: dict[str, str] = {}
    binds: Counter[str] = Counter()
    stream = keys.events(kinds.POD.plural)
    last = "-"
    while True:
        entries = cast(list[tuple[bytes, dict[bytes, bytes]]],
                       await store.redis.xrange(stream, min=last, max="+", count=5000))
        if last != "-":
            entries = entries[1:]
        if not entries:
            break
        for entry_id, fields in entries:
            obj = json.loads(fields[b"json"])
            key, node = meta.key(obj), str((obj.get("spec") or {}).get("nodeName") or "")
            if node and not nodes.get(key):
                binds[key] += 1
            nodes[key] = "" if fields[b"type"] == b"DELETED" else node
        last = entries[-1][0].decode()
    report.bound_twice = [f"{k}: bound {n} times" for k, n in binds.items() if n > 1]
