"""Queues: the built-in ``root`` and ``default``, and the queue controller.

The controller keeps each queue's ``status``: its state (Open, Closing, Closed, through the pure
table in ``state.queues``), its PodGroups counted by phase, and ``allocated``, the requests of its
bound, unfinished pods. Open/Close requests come from Commands; closing a queue closes its
children (marked closed-by-parent) and reopening it reopens those.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque

from basalt import errors
from basalt.api import kinds, labels, meta
from basalt.store import informer, objects
from services.controller import workqueue
from services.controller.state import bus, queues as qstate

Obj = meta.Obj
log = logging.getLogger("basalt.controller.queues")

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


class QueueController:
    """Reads PodGroups and pods from the job reconciler's informers (one cache per kind)."""

    def __init__(self, store: objects.Store, groups: informer.Informer, pods: informer.Informer) -> None:
        self.store = store
        self.groups = groups
        self.pods = pods
        self.queues = informer.Informer(store, kinds.QUEUE, self._on_queue)
        self.queue = workqueue.WorkQueue()
        self.requests: dict[str, deque[bus.Action]] = defaultdict(deque)
        groups.handlers.append(self._on_group)
        pods.handlers.append(self._on_pod)

    def _on_queue(self, kind: str, queue: Obj, old: Obj | None) -> None:
        self.queue.add(meta.name(queue))
        for other in self.queues.items():  # children follow their parent's state
            if qstate.parent_of(other) == meta.name(queue):
                self.queue.add(meta.name(other))

    def _on_group(self, kind: str, group: Obj, old: Obj | None) -> None:
        for obj in (group, old):
            if obj is not None:
                self.queue.add(_group_queue(obj))

    def _on_pod(self, kind: str, pod: Obj, old: Obj | None) -> None:
        if old is not None and _holds(old) == _holds(pod) and kind != "DELETED":
            return  # allocation unchanged
        name = meta.labels(pod).get(labels.QUEUE_NAME)
        if name:
            self.queue.add(name)

    def request(self, name: str, action: bus.Action) -> None:
        """Queue OpenQueue / CloseQueue for the queue (from a Command or its parent)."""
        self.requests[name].append(action)
        self.queue.add(name)

    def resync(self) -> None:
        for queue in self.queues.items():
            self.queue.add(meta.name(queue))

    async def run(self, stop: asyncio.Event) -> None:
        await self.queue.process(stop, self.reconcile, "reconcile of queue")

    async def reconcile(self, name: str) -> None:
        queue = self.queues.get("", name)
        if queue is None:
            self.requests.pop(name, None)
            return
        pending = self.requests.get(name)
        action = pending.popleft() if pending else bus.Action.SYNC_QUEUE
        state = qstate.state_of(queue)
        if not self._allowed(queue, action):
            action = bus.Action.SYNC_QUEUE
        groups = [g for g in self.groups.items() if _group_queue(g) == name]
        pods = [p for p in self.pods.items() if meta.labels(p).get(labels.QUEUE_NAME) == name]
        new_state = qstate.next_state(state, action, bool(groups))
        updated = {**queue, "status": qstate.status(queue, new_state, groups, pods)}
        if action is bus.Action.OPEN_QUEUE:
            updated = _annotated(updated, "false")
        if updated != queue:
            await self.store.update(kinds.QUEUE, updated)
            if new_state != state:
                log.info("queue %s: %s -> %s", name, state or "-", new_state)
        await self._follow(updated)
        if pending:
            self.queue.add(name)

    def _allowed(self, queue: Obj, action: bus.Action) -> bool:
        if action is bus.Action.CLOSE_QUEUE and meta.name(queue) == qstate.ROOT:
            log.error("root queue cannot be closed")
            return False
        if action is bus.Action.OPEN_QUEUE and qstate.state_of(queue) != qstate.OPEN:
            refusal = qstate.open_refusal(queue, self.queues.items())
            if refusal:
                log.warning("%s", refusal)
                return False
        return True

    async def _follow(self, queue: Obj) -> None:
        """Close children of a closed queue (and a queue whose parent closed); reopen those
        closed by a parent that is open again."""
        follow = qstate.hierarchy(queue, [queue if meta.name(q) == meta.name(queue) else q
                                          for q in self.queues.items()])
        for name in follow.close:
            other = queue if name == meta.name(queue) else self.queues.get("", name)
            if other is None:
                continue
            marked = _annotated(other, "true")
            if marked != other:
                await self.store.update(kinds.QUEUE, marked)
            self.request(name, bus.Action.CLOSE_QUEUE)
        for name in follow.open:
            self.request(name, bus.Action.OPEN_QUEUE)


def _annotated(queue: Obj, closed_by_parent: str) -> Obj:
    annotations = dict(meta.annotations_of(queue))
    if annotations.get(qstate.CLOSED_BY_PARENT) == closed_by_parent:
        return queue
    if closed_by_parent == "false" and qstate.CLOSED_BY_PARENT not in annotations:
        return queue  # never closed by a parent: nothing to clear
    annotations[qstate.CLOSED_BY_PARENT] = closed_by_parent
    return {**queue, "metadata": {**meta.metadata(queue), "annotations": annotations}}


def _group_queue(group: Obj) -> str:
    return str((group.get("spec") or {}).get("queue") or "default")


def _holds(pod: Obj) -> tuple[bool, str]:
    return bool((pod.get("spec") or {}).get("nodeName")), str((pod.get("status") or {}).get("phase") or "")
