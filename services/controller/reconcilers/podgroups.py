"""Volcano's podgroup controller: pods made without a Job get a PodGroup of their own."""

from __future__ import annotations

import asyncio
import logging

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import informer, objects
from services.controller import workqueue
from services.controller.materialize import bare_podgroup

Obj = meta.Obj
log = logging.getLogger("basalt.controller.podgroups")


class BarePodGroups:
    def __init__(self, store: objects.Store, pods: informer.Informer, groups: informer.Informer) -> None:
        self.store = store
        self.pods = pods
        self.groups = groups
        self.queue = workqueue.WorkQueue()
        pods.handlers.append(self._on_pod)

    def _on_pod(self, kind: str, pod: Obj, old: Obj | None) -> None:
        if kind != "DELETED" and bare_podgroup.needs_podgroup(pod):
            self.queue.add(meta.key(pod))

    async def run(self, stop: asyncio.Event) -> None:
        await self.queue.process(stop, self.reconcile, "podgroup for pod")

    async def reconcile(self, key: str) -> None:
        pod = self.pods.cache.get(key)
        if pod is None or not bare_podgroup.needs_podgroup(pod):
            return
        name = bare_podgroup.podgroup_name(pod)
        if self.groups.get(meta.namespace(pod), name) is None:
            try:
                await self.store.create(kinds.PODGROUP, bare_podgroup.build(pod))
            except errors.AlreadyExists:
                pass
        await self.store.update(kinds.POD, bare_podgroup.annotated(pod, name), old=pod)
