"""Clusters and gangs written straight into the store, as the agents and the controller would.

Shared by the benchmarks and the scheduler's integration tests: nodes (Node object, allocatable
accounting, a live lease), queues, and PodGroups with their pods (annotation
``scheduling.k8s.io/group-name``, label ``volcano.sh/queue-name``), loaded in bulk: many objects
per commit script and many scripts per round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from basalt.api import kinds, labels, resources
from basalt.store import extras, keys, objects, txn

Obj = dict[str, Any]
NODE_LEASE_SECONDS = 3600.0  # benches and tests outlive no agent: a long lease stands in for one


@dataclass(frozen=True)
class Gang:
    name: str
    size: int
    cpu: str = "1"
    memory: str = "1Gi"
    namespace: str = "default"
    queue: str = "default"
    phase: str = "Inqueue"

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def podgroup(self) -> Obj:
        return {"apiVersion": kinds.PODGROUP.api_version, "kind": "PodGroup",
                "metadata": {"name": self.name, "namespace": self.namespace},
                "spec": {"minMember": self.size, "queue": self.queue},
                "status": {"phase": self.phase}}

    def pods(self) -> list[Obj]:
        return [{"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"name": f"{self.name}-{i}", "namespace": self.namespace,
                              "labels": {labels.QUEUE_NAME: self.queue},
                              "annotations": {labels.GROUP_NAME: self.name}},
                 "spec": {"schedulerName": "volcano",
                          "containers": [{"name": "main", "image": "fake",
                                          "resources": {"requests": {"cpu": self.cpu, "memory": self.memory}}}]},
                 "status": {"phase": "Pending"}}
                for i in range(self.size)]


def node(name: str, allocatable: Mapping[str, str]) -> Obj:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {}}, "spec": {},
            "status": {"capacity": dict(allocatable), "allocatable": dict(allocatable),
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def queue(name: str, capability: Mapping[str, str] | None = None, weight: int = 1) -> Obj:
    spec: Obj = {"weight": weight, "reclaimable": True}
    if capability:
        spec["capability"] = dict(capability)
    return {"apiVersion": kinds.QUEUE.api_version, "kind": "Queue", "metadata": {"name": name},
            "spec": spec, "status": {"state": "Open"}}


async def create_all(store: objects.Store, kind: kinds.Kind, objs: Iterable[Obj], *, per_txn: int = 200,
                     per_trip: int = 20) -> None:
    """Create many objects fast: ``per_txn`` puts per script, ``per_trip`` scripts per round trip."""
    plans: list[txn.Txn] = []
    plan = txn.Txn()
    for obj in objs:
        plan.put(kind, objects.prepare_new(kind, obj), expect=txn.MUST_NOT_EXIST)
        if len(plan.puts) >= per_txn:
            plans.append(plan)
            plan = txn.Txn()
    if plan.puts:
        plans.append(plan)
    for start in range(0, len(plans), per_trip):
        for refusal in await store.commit_many(plans[start:start + per_trip]):
            if refusal is not None:
                raise refusal


async def add_nodes(store: objects.Store, names: Iterable[str], allocatable: Mapping[str, str], *,
                    lease_seconds: float = NODE_LEASE_SECONDS) -> list[str]:
    """Register nodes as their agent would: Node object, allocatable accounting, a live lease."""
    listed = list(names)
    milli = resources.add(resources.from_quantities(allocatable), {})
    await create_all(store, kinds.NODE, (node(n, allocatable) for n in listed))
    client: aioredis.Redis = store.redis
    for start in range(0, len(listed), 1000):
        async with client.pipeline(transaction=False) as pipe:
            for name in listed[start:start + 1000]:
                pipe.delete(keys.node_allocatable(name))
                pipe.hset(keys.node_allocatable(name), mapping={r: v for r, v in milli.items()})
            await pipe.execute()
    await extras.touch_leases(client, "node", dict.fromkeys(listed, "1"), lease_seconds)
    return listed


async def add_gangs(store: objects.Store, gangs: Iterable[Gang]) -> None:
    listed = list(gangs)
    await create_all(store, kinds.PODGROUP, (g.podgroup() for g in listed))
    await create_all(store, kinds.POD, (p for g in listed for p in g.pods()))


async def expire_node(client: aioredis.Redis, name: str) -> None:
    await extras.drop_lease(client, "node", name)
