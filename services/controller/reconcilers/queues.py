"""Queues that must always exist: ``root`` (the hierarchy's top) and ``default``."""

from __future__ import annotations

from basalt import errors
from basalt.api import kinds
from basalt.store import objects

BUILT_IN = ("root", "default")


def built_in_queue(name: str) -> dict[str, object]:
    spec: dict[str, object] = {"weight": 1, "reclaimable": True}
    if name != "root":
        spec["parent"] = "root"
    return {"apiVersion": kinds.QUEUE.api_version, "kind": kinds.QUEUE.kind, "metadata": {"name": name},
            "spec": spec, "status": {"state": "Open"}}


async def ensure_built_in(store: objects.Store) -> None:
    for name in BUILT_IN:
        if await store.get(kinds.QUEUE, "", name) is None:
            try:
                await store.create(kinds.QUEUE, built_in_queue(name))
            except errors.AlreadyExists:
                pass  # another controller made it first
