"""Pods as a scheduler and an agent leave them, written straight into the real store.

Without a scheduler running, the controller creates no pods (it waits for the PodGroup to be
admitted), so tests that read pods or logs put them where the real services would: the pod in
the store, on a node with room for it, and its log beside it under the pod's uid.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from basalt.api import kinds, labels, resources
from basalt.store import extras, objects

Obj = dict[str, Any]
ALLOCATABLE = {"cpu": "8", "memory": "16Gi", "pods": "110"}


async def add(store: objects.Store, client: aioredis.Redis, namespace: str, name: str, job: str, *,
              phase: str = "Running", node: str = "n1", log: bytes = b"") -> Obj:
    """A pod of ``job`` (by its ``volcano.sh/job-name`` label) in ``phase`` on ``node``; returns it
    as stored, with its uid."""
    if node:
        await add_node(store, client, node)
    pod = await store.create(kinds.POD, {
        "metadata": {"name": name, "namespace": namespace, "labels": {labels.JOB_NAME: job}},
        "spec": {"nodeName": node, "containers": [{"name": "main", "image": "busybox"}]},
        "status": {"phase": phase},
    })
    if log:
        await extras.Extras(client).append_log(namespace, name, pod["metadata"]["uid"], log)
    return pod


async def add_node(store: objects.Store, client: aioredis.Redis, name: str) -> None:
    """A node as an agent's registration leaves it: the Node object and its allocatable."""
    if await store.get(kinds.NODE, "", name) is None:
        await store.create(kinds.NODE, {"metadata": {"name": name},
                                        "status": {"capacity": ALLOCATABLE, "allocatable": ALLOCATABLE}})
    await extras.Extras(client).set_allocatable(name, resources.from_quantities(ALLOCATABLE))
